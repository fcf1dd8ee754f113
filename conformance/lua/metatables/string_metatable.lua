-- The shared string metatable: extending string, methods on literals, indexing numbers fails.
function string.shout(s) return s:upper() .. "!" end
print(("hi"):shout(), ("x"):rep(2):shout())
local mt = getmetatable("")
print(type(mt), mt.__index == string, getmetatable("a") == getmetatable("b"))
local s = "abc"
print(s:len(), s.len == string.len, s[1], s.x)
mt.__add = function(a, b) return tonumber(a) + tonumber(b) + 1000 end
print(pcall(function() return "1" + "2" end))
print(pcall(function() return "x" + 1 end))
mt.__add = nil
mt.__call = function(self, arg) return self .. "(" .. tostring(arg) .. ")" end
print(pcall(function() return ("fn")(1) end))
mt.__call = nil
local saved = mt.__index
mt.__index = function(str, k) if k == "first" then return str:sub(1, 1) end return saved[k] end
print(("hello").first, ("hello"):upper())
mt.__index = saved
print(("hello").first)
print(pcall(function() local n = 5; return n:foo() end))
