-- The direction of a numeric for is the sign bit of its step, as in LuaJIT: a zero step counts
-- upward (and loops until something breaks out), a step of -0 counts downward, a NaN step never
-- runs the body.
local n = 0
for i = 1, 2, 0 do
  n = n + 1
  if n > 100 then break end
end
print("zero step", n)
local m = 0
for i = 3, 1, -0.0 do
  m = m + 1
  if m > 50 then break end
end
print("minus zero step", m)
local z = 0
for i = 1, 3, 0 / 0 do z = z + 1 end
print("nan step", z)
local k = 0
for i = 1, 3, 0.5 do k = k + i end
print("half step", k)
local d = 0
for i = 5, 1, -1 do d = d + i end
print("down", d)
for i = 2, 2, 0 do print("once at the limit", i) break end
