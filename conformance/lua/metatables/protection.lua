-- __metatable: hiding and protecting metatables; getmetatable/setmetatable errors.
local mt = {__metatable = "locked", __index = {a = 1}}
local t = setmetatable({}, mt)
print(getmetatable(t), t.a)
print(pcall(setmetatable, t, {}))
print(pcall(setmetatable, t, nil))
local f = setmetatable({}, {__metatable = false})
print(getmetatable(f))
print(pcall(setmetatable, {}, 5))
print(pcall(setmetatable, 5, {}))
print(pcall(setmetatable, {}))
local plain = {}
print(setmetatable(plain, nil) == plain, getmetatable(plain))
local m = {}
print(getmetatable(setmetatable(plain, m)) == m)
print(getmetatable("abc").__index == string, getmetatable("abc").__metatable)
print(getmetatable(1), getmetatable(nil), getmetatable(print))
print(pcall(getmetatable))
print(pcall(function() local r = setmetatable(t, {}); return r end))
