-- table.insert and table.remove: positions, shifting, return values, errors.
local t = {}
table.insert(t, "a")
table.insert(t, "c")
table.insert(t, 2, "b")
table.insert(t, 1, "start")
print(#t, table.concat(t, ","))
table.insert(t, #t + 1, "end")
print(table.concat(t, ","))
print(table.remove(t), table.concat(t, ","))
print(table.remove(t, 1), table.concat(t, ","))
print(table.remove(t, 2), table.concat(t, ","))
print(table.remove({}), select("#", table.remove({})))
local one = {"only"}
print(table.remove(one, 1), #one)
print(pcall(table.insert, {}, 1, 2, 3))
print(pcall(table.insert, nil, 1))
print(pcall(table.insert, {}))
print(pcall(table.insert, {}, "x", 1))
local big = {}
for i = 1, 1000 do table.insert(big, i) end
for i = 1, 500 do table.remove(big, 1) end
print(#big, big[1], big[500])
local holes = {1, 2, 3}
table.insert(holes, 5, "far")
print(holes[4], holes[5])
local r = {1, 2, 3}
print(table.remove(r, 5), #r)
print(table.remove(r, #r + 1), #r)
print(table.insert({}, "x"))
local z = {}
table.insert(z, 1, "first")
table.insert(z, 1, "zeroth")
print(table.concat(z, " "))
