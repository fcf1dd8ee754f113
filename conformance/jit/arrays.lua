-- Array reads and writes with number keys in hot loops: in bounds, out of bounds (nil), holes,
-- growth by t[#t+1] and by t[n+1], negative and fractional keys, shrinking, and #t.
local t = {}
for i = 1, 100 do t[i] = i * 2 end
local s = 0
for i = 1, 100 do s = s + t[i] end
print("in bounds", s, #t)

local miss = 0
for i = 90, 110 do
  if t[i] == nil then miss = miss + 1 end
end
print("out of bounds reads", miss)

local g = {}
for i = 1, 300 do g[#g + 1] = i % 17 end
print("growth by #t+1", #g, g[300], g[17])

local h = {1, 2, 3}
for i = 4, 200 do h[i] = i end
print("growth by index", #h, h[200])

local holes = {}
for i = 1, 20 do
  if i % 3 ~= 0 then holes[i] = i end
end
local seen = 0
for i = 1, 20 do
  if holes[i] then seen = seen + holes[i] else seen = seen - 1 end
end
print("holes", seen)

local neg = {}
for i = -10, 10 do neg[i] = i * i end
local ns = 0
for i = -10, 10 do ns = ns + neg[i] end
print("negative and zero keys", ns, neg[-10], neg[0])

local fr = {}
for i = 1, 20 do fr[i / 2] = i end
local fs = 0
for i = 1, 20 do fs = fs + (fr[i / 2] or 0) + (fr[i + 0.25] or 0) end
print("fractional keys", fs, fr[1], fr[1.5])

local shrink = {}
for i = 1, 50 do shrink[i] = i end
for i = 50, 26, -1 do shrink[i] = nil end
print("shrunk", #shrink, shrink[25], shrink[26])

local sw = {}
for i = 1, 10 do sw[i] = i end
for i = 1, 200 do
  local a, b = (i * 7) % 10 + 1, (i * 3) % 10 + 1
  sw[a], sw[b] = sw[b], sw[a]
end
print("swaps", table.concat(sw, ","))

local m = {}
for i = 1, 8 do
  m[i] = {}
  for j = 1, 8 do m[i][j] = i == j and 1 or 0 end
end
local diag = 0
for i = 1, 8 do
  for j = 1, 8 do diag = diag + m[i][j] * (i + j) end
end
print("2d", diag)

local strs = {}
for i = 1, 30 do strs[i] = tostring(i) end
print("string values", table.concat(strs, "", 25, 30), #strs)

local bools = {}
for i = 1, 40 do bools[i] = i % 2 == 0 end
local tc = 0
for i = 1, 40 do if bools[i] then tc = tc + 1 end end
print("boolean values", tc)

local big = {}
big[1000] = 1
for i = 1, 1000 do big[i] = (big[i] or 0) + i end
print("sparse then filled", big[1000], big[999], #big)
