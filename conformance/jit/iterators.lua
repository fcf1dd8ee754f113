-- ipairs and pairs loops: sums, early exits, tables modified between loops, ipairs stopping at
-- the first hole, pairs over mixed tables (keys sorted before printing), next directly.
local t = {}
for i = 1, 100 do t[i] = i * 3 end
local s = 0
for i, v in ipairs(t) do s = s + i * v end
print("ipairs", s)

t[51] = nil
local n = 0
for _ in ipairs(t) do n = n + 1 end
print("ipairs stops at a hole", n)

local nested = 0
for _, row in ipairs({{1, 2, 3}, {4, 5}, {6}}) do
  for _, v in ipairs(row) do nested = nested + v end
end
print("nested ipairs", nested)

local h = {}
for i = 1, 50 do h["key" .. i] = i end
local sum, count = 0, 0
for k, v in pairs(h) do sum = sum + v; count = count + #k end
print("pairs over strings", sum, count)

local mixed = {10, 20, 30, x = 1, y = 2, [2.5] = 3, [true] = 4}
local keys = {}
for k, v in pairs(mixed) do keys[#keys + 1] = tostring(k) .. "=" .. tostring(v) end
table.sort(keys)
print("pairs over a mixed table", table.concat(keys, " "))

local found
for i, v in ipairs(t) do
  if v > 120 then found = i; break end
end
print("break out of ipairs", found)

local total = 0
for round = 1, 20 do
  for _, v in pairs({a = round, b = round * 2, c = round * 3}) do total = total + v end
end
print("pairs over fresh tables", total)

local cleared = {}
for i = 1, 30 do cleared["c" .. i] = i end
for k in pairs(cleared) do cleared[k] = nil end
print("cleared while iterating", next(cleared))

local nk, nv = 0, 0
local k, v = next(h)
while k do
  nk = nk + 1
  nv = nv + v
  k, v = next(h, k)
end
print("next loop", nk, nv)

local arr = {}
for i = 1, 64 do arr[i] = i end
local ps = 0
for i, v in pairs(arr) do ps = ps + i * v end
print("pairs over an array", ps)

local str = "the quick brown fox jumps over the lazy dog"
local letters = 0
for w in str:gmatch("%a+") do letters = letters + #w end
print("gmatch", letters)
