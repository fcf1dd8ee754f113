-- rawget/rawset/rawequal bypass metamethods; argument checks.
local mt = {__index = function() return "meta" end, __newindex = function() error("blocked") end, __eq = function() return true end}
local t = setmetatable({}, mt)
print(t.x, rawget(t, "x"))
print(pcall(function() t.y = 1 end))
print(rawset(t, "y", 2) == t, t.y)
local u = setmetatable({}, mt)
print(t == u, rawequal(t, u), rawequal(t, t), rawequal(1, 1), rawequal("a", "a"), rawequal(1, "1"))
print(pcall(rawget, "str", 1))
print(pcall(rawset, {}, nil, 1))
print(pcall(rawset, {}, 0 / 0, 1))
print(pcall(rawget, {}))
print(rawget({10, 20}, 2), rawget({a = 1}, "a"))
print(pcall(rawequal, 1))
