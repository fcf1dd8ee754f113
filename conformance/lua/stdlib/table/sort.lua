-- table.sort: default order, comparators, stability-free checks, errors.
local t = {5, 2, 8, 1, 9, 3, 7, 4, 6, 10}
table.sort(t)
print(table.concat(t, " "))
table.sort(t, function(a, b) return a > b end)
print(table.concat(t, " "))
local s = {"banana", "apple", "Cherry", "date", "Apple"}
table.sort(s)
print(table.concat(s, " "))
local recs = {{n = "b", v = 2}, {n = "a", v = 2}, {n = "c", v = 1}}
table.sort(recs, function(x, y) if x.v ~= y.v then return x.v < y.v end return x.n < y.n end)
for _, r in ipairs(recs) do io.write(r.n, r.v, " ") end
print()
local big = {}
local seed = 12345
for i = 1, 2000 do seed = (seed * 1103515245 + 12345) % 2147483648; big[i] = seed % 1000 end
table.sort(big)
local ok = true
for i = 2, #big do if big[i - 1] > big[i] then ok = false end end
print("sorted 2000", ok, big[1], big[2000])
table.sort({})
table.sort({1})
print(pcall(table.sort, {3, 1, "x"}))
print(pcall(table.sort, {{}, {}}))
print(pcall(table.sort, {1, 2, 3}, function(a, b) error("cmp failed") end))
print(pcall(table.sort, {3, 2, 1, 5, 4, 7, 6, 9, 8, 10, 11, 12}, function(a, b) return true end))
print(pcall(table.sort, nil))
local mixed = {3, 1, 2}
table.sort(mixed, function(a, b) return a > b end)
print(table.concat(mixed, ","))
local sorted = {1, 2, 3, 4, 5}
table.sort(sorted)
print(table.concat(sorted, ","))
local rev = {}
for i = 1, 100 do rev[i] = 101 - i end
table.sort(rev)
print(rev[1], rev[50], rev[100])
local mt = {__lt = function(a, b) return a.k < b.k end}
local objs = {}
for i, k in ipairs({3, 1, 2}) do objs[i] = setmetatable({k = k}, mt) end
table.sort(objs)
print(objs[1].k, objs[2].k, objs[3].k)
