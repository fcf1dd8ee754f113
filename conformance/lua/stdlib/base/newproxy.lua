-- newproxy (LuaJIT keeps it from 5.1): userdata with or without a fresh metatable.
local a = newproxy(true)
local b = newproxy(false)
local c = newproxy(a)
local d = newproxy()
print(type(a), type(b), type(c), type(d))
print(type(getmetatable(a)), getmetatable(b), getmetatable(c) == getmetatable(a), getmetatable(d))
getmetatable(a).__index = function(_, k) return "proxy " .. k end
print(a.anything, c.other)
print(pcall(function() return b.x end))
print(pcall(newproxy, {}))
print(pcall(newproxy, 1))
local t = {}
t[a] = 1
t[c] = 2
print(t[a], t[c], a == c, rawequal(a, a))
print(pcall(setmetatable, a, {}))
