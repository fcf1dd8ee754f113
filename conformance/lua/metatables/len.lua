-- __len: honoured for userdata, ignored for tables and strings in LuaJIT's 5.1 mode.
local t = setmetatable({1, 2, 3}, {__len = function() return 99 end})
print(#t, rawlen)
local u = newproxy(true)
getmetatable(u).__len = function(self, other) return 42, "ignored" end
print(#u)
local u2 = newproxy(true)
getmetatable(u2).__len = function() return "not a number" end
print(#u2)
local plain = newproxy(false)
print(pcall(function() return #plain end))
local u3 = newproxy(true)
print(pcall(function() return #u3 end))
print(type(u), type(plain), getmetatable(plain))
local shared = newproxy(u)
print(#shared, getmetatable(shared) == getmetatable(u))
