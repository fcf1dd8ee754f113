-- math.random/randomseed: only properties are printed (generators differ between implementations).
math.randomseed(42)
local ok_unit, ok_int, ok_range = true, true, true
local seen = {}
for i = 1, 1000 do
  local u = math.random()
  if u < 0 or u >= 1 then ok_unit = false end
  local n = math.random(6)
  if n < 1 or n > 6 or n ~= math.floor(n) then ok_int = false end
  seen[n] = true
  local r = math.random(-3, 3)
  if r < -3 or r > 3 or r ~= math.floor(r) then ok_range = false end
end
print("unit interval", ok_unit)
print("1..6 integers", ok_int, #seen)
print("-3..3 integers", ok_range)
math.randomseed(42)
local a = {math.random(), math.random(100), math.random(5, 10)}
math.randomseed(42)
local b = {math.random(), math.random(100), math.random(5, 10)}
print("same seed repeats", a[1] == b[1] and a[2] == b[2] and a[3] == b[3])
math.randomseed(43)
local c = math.random()
print("different seed differs", c ~= a[1])
print(math.random(1, 1), math.random(7, 7))
print((pcall(math.random, 1, 2, 3)))
print(type(math.random(2^31)), math.random(2^31) >= 1)
