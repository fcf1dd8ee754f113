-- table.maxn, table.getn, table.foreach/foreachi and other 5.0 leftovers in LuaJIT.
print(table.maxn({}), table.maxn({1, 2, 3}), table.maxn({[10] = 1, [2.5] = 2, x = 3}), table.maxn({[-1] = 1}))
print(type(table.getn), table.getn and table.getn({1, 2, 3}))
print(type(table.foreach), type(table.foreachi), type(table.setn))
local keys = {}
table.foreachi({"a", "b", "c"}, function(i, v) keys[#keys + 1] = i .. v end)
print(table.concat(keys, " "))
print(table.foreachi({"a", "b"}, function(i, v) if i == 2 then return "stopped at " .. v end end))
local n = 0
table.foreach({x = 1, y = 2}, function(k, v) n = n + v end)
print(n)
print(table.pack, table.unpack, type(table.move))
print(pcall(table.maxn, nil))
print(pcall(table.getn, "s"))
