-- unpack with explicit ranges, holes and large counts; select with negative indices.
print(unpack({1, 2, 3}, -1, 1))
print(unpack({n = 3}, 1, 3))
print(unpack({1, nil, 3}, 1, 3))
print(select("#", unpack({}, 1, 100)))
print(pcall(unpack, {}, 1, 1e8))
local t = {}
for i = 1, 7000 do t[i] = i end
print(select("#", unpack(t)), (select(7000, unpack(t))))
print(select(-2, "a", "b", "c"))
print(select("2", "a", "b", "c"))
print(select("#", nil, nil, nil))
local function count(...) return select("#", ...) end
print(count(unpack({1, 2, nil, nil}, 1, 4)))
print(unpack({"a", "b"}, 2, 2), unpack({"a", "b"}, 3, 2))
