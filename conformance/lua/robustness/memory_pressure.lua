-- Large but bounded allocations succeed and are reclaimed; string building at scale.
local t = {}
for i = 1, 200000 do t[i] = {i} end
print(#t, t[200000][1])
t = nil
collectgarbage()
local parts = {}
for i = 1, 100000 do parts[i] = tostring(i) end
local s = table.concat(parts, ",")
print(#s, s:sub(1, 20), s:sub(-11))
local h = {}
for i = 1, 100000 do h["k" .. i] = i end
local n = 0
for _ in pairs(h) do n = n + 1 end
print("hash entries", n, h.k1, h.k100000)
for i = 1, 100000, 2 do h["k" .. i] = nil end
n = 0
for _ in pairs(h) do n = n + 1 end
print("after deleting half", n)
local acc = ""
for i = 1, 2000 do acc = acc .. "x" end
print(#acc)
local nested = {}
local cur = nested
for i = 1, 100000 do cur.next = {}; cur = cur.next end
local depth = 0
cur = nested
while cur.next do depth = depth + 1; cur = cur.next end
print("linked list depth", depth)
