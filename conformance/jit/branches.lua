-- jit: traces>=1
-- Comparisons and branches inside hot loops, taken both ways: guards that start failing
-- halfway through, alternating branches, and comparisons of every kind.
local lo, hi = 0, 0
for i = 1, 200 do
  if i < 120 then lo = lo + i else hi = hi + i end
end
print("split at 120", lo, hi)

local a, b, c = 0, 0, 0
for i = 1, 300 do
  if i % 3 == 0 then a = a + 1
  elseif i % 3 == 1 then b = b + i
  else c = c - i end
end
print("three ways", a, b, c)

local flips = 0
local state = true
for i = 1, 100 do
  if state then flips = flips + 1 end
  if i % 7 == 0 then state = not state end
end
print("flips", flips)

local counts = {0, 0, 0, 0, 0, 0}
for i = 1, 50 do
  local x = (i * 37) % 23
  if x < 11 then counts[1] = counts[1] + 1 end
  if x <= 11 then counts[2] = counts[2] + 1 end
  if x > 11 then counts[3] = counts[3] + 1 end
  if x >= 11 then counts[4] = counts[4] + 1 end
  if x == 11 then counts[5] = counts[5] + 1 end
  if x ~= 11 then counts[6] = counts[6] + 1 end
end
print("comparisons", table.concat(counts, " "))

local fl = 0
for i = 1, 100 do
  local x = i / 7
  if x > 5.5 and x < 9.25 then fl = fl + x end
  if not (x >= 3) or x == 10 then fl = fl - 1 end
end
print("float compares", fl)

local s = 0
for i = 1, 100 do
  local v = (i % 2 == 0) and i or -i
  s = s + v
end
print("and/or", s)

local words = 0
for i = 1, 60 do
  local w = (i % 4 == 0) and "four" or "other"
  if w == "four" then words = words + 1 end
  if w < "p" then words = words + 10 end
end
print("string compares", words)

local late = 0
for i = 1, 1000 do
  if i == 999 then late = late + 1000 end
  late = late + 1
end
print("rare branch", late)

local br = 0
for i = 1, 100 do
  if i > 90 then break end
  br = br + i
end
print("break", br)
