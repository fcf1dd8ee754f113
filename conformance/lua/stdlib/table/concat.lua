-- table.concat: separators, ranges, numbers, invalid values.
local t = {1, 2, "three", 4.5}
print(table.concat(t), table.concat(t, ", "), table.concat(t, "-", 2), table.concat(t, "-", 2, 3))
print(table.concat({}), table.concat({}, "x"), table.concat(t, ",", 3, 2), table.concat(t, ",", 4, 4))
print(pcall(table.concat, {1, {}, 3}))
print(pcall(table.concat, {1, 2}, ",", 1, 3))
print(pcall(table.concat, {true}))
print(pcall(table.concat, nil))
print(table.concat({"a", "b"}, 0), table.concat({1e100, -0.0, 2^53}, " "))
local parts = {}
for i = 1, 10000 do parts[i] = "x" end
print(#table.concat(parts), #table.concat(parts, "ab"))
print(table.concat({"a\0b", "c"}, "\0") == "a\0b\0c")
print(table.concat({[1] = "a", [2] = "b", [4] = "d"}, ",", 1, 2))
