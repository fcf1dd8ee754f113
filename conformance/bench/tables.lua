-- Table-heavy workload: array fill/read, hash inserts and deletes, sort, nested records.
-- Usage: tables.lua [N]  (default 500000). Prints a checksum.
local n = tonumber(arg and arg[1]) or 500000
local arr = {}
for i = 1, n do arr[i] = (i * 7919) % n end
local sum = 0
for i = 1, n do sum = sum + arr[i] end
local hash = {}
for i = 1, n do hash["k" .. (i % 50000)] = i end
for i = 1, 50000, 3 do hash["k" .. i] = nil end
local hcount, hsum = 0, 0
for _, v in pairs(hash) do hcount = hcount + 1; hsum = hsum + v end
local sorted = {}
for i = 1, math.floor(n / 4) do sorted[i] = arr[i] end
table.sort(sorted)
local records = {}
for i = 1, math.floor(n / 2) do records[i] = {id = i, name = "r" .. (i % 100), score = (i * 31) % 97, tags = {i % 3, i % 5}} end
local best = 0
for _, r in ipairs(records) do
  local s = r.score + r.tags[1] + r.tags[2]
  if s > best then best = s end
end
local q = {}
local head, tail = 1, 0
for i = 1, n do
  tail = tail + 1; q[tail] = i
  if i % 3 == 0 then q[head] = nil; head = head + 1 end
end
local grid = {}
for y = 1, 300 do
  local row = {}
  for x = 1, 300 do row[x] = x * y % 17 end
  grid[y] = row
end
local gsum = 0
for y = 2, 299 do
  local above, row, below = grid[y - 1], grid[y], grid[y + 1]
  for x = 2, 299 do gsum = gsum + above[x] + below[x] + row[x - 1] + row[x + 1] end
end
print(string.format("tables: sum %d, hash %d/%d, sorted %d..%d, best %d, queue %d, grid %d",
  sum, hcount, hsum, sorted[1], sorted[#sorted], best, tail - head + 1, gsum))
