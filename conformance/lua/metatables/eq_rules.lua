-- __eq is only consulted for two tables (or two userdata) with the same __eq.
local eq = function() return true end
local a = setmetatable({}, {__eq = eq})
local b = setmetatable({}, {__eq = eq})
local c = setmetatable({}, {__eq = function() return true end})
local plain = {}
print(a == b, a == c, a == plain, plain == a, a ~= b)
local u1 = newproxy(true)
local u2 = newproxy(u1)
getmetatable(u1).__eq = function() return true end
print(u1 == u2, u1 == a, a == u1)
print(a == 1, a == "a", a == nil, nil == a)
local t = {}
t[a] = "a"
print(t[b], t[a])
local called = 0
local counter = {__eq = function(x, y) called = called + 1; return false end}
local x, y = setmetatable({}, counter), setmetatable({}, counter)
print(x == y, x ~= y, x == x, called)
local mix = setmetatable({}, {__eq = function() return nil end})
local mix2 = setmetatable({}, getmetatable(mix))
print(mix == mix2, mix ~= mix2)
