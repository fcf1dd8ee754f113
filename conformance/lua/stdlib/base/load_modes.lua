-- load/loadstring/loadfile as LuaJIT 2.1: mode ("b", "t", "bt") and env arguments, chunk names
-- in messages and getinfo().source, readers parsed as they are read (an endless reader of bad
-- code stops at the first syntax error), string.dump with strip, holding only its function.
print(load("return 1", "x", "b"))
print(type(load("return 1", "x", "t")))
print(load(string.dump(function() return 1 end), "x", "t"))
print(pcall(load, "return 1", "x", "q"))
local env = {y = 5}
local f = load("return y", "x", "t", env) print(f(), getfenv(f) == env)
print(type(loadstring("return 1", "=name")))
print(select(2, loadstring("x=", "=name")), select(2, loadstring("x=", "@file.lua")), select(2, loadstring("x=", "plain")), select(2, loadstring("x=")))
print(select(2, load(function() return nil end)))
local n = 0
print(load(function() n = n + 1 if n > 1000 then return nil end return "x " end))
print(n)
local parts = {"return ", "1 ", "+ 2"}
local i = 0
print(load(function() i = i + 1 return parts[i] end)())
print(debug.getinfo(load("return 1", "=(load)")).source, debug.getinfo(loadstring("return 1")).source, debug.getinfo(load("return 1")).source)
local g = function(a) local b = a + 1 return b * 2 end
local d = string.dump(g)
local s = string.dump(g, true)
print(#s <= #d, loadstring(d)(3), loadstring(s)(3))
local e1 = function() error("boom") end
print(pcall(loadstring(string.dump(e1, true))))
print(pcall(loadstring(string.dump(e1))))
local f2 = loadfile("/nonexistent.lua") print(f2, select(2, loadfile("/nonexistent.lua")))

-- A dump holds the dumped function's lines only, not the rest of this file.
local small = function(x)
  return x * 3
end
print(#string.dump(small) < 200, loadstring(string.dump(small))(5))
local upvalue = 10
local uses_upvalue = function() return upvalue end
print(loadstring(string.dump(uses_upvalue))())
