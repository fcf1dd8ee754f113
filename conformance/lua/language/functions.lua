-- Function definitions: methods, self, nested names, missing/extra arguments.
local obj = {name = "obj"}
function obj.plain(x) return x end
function obj:method(x) return self.name .. ":" .. tostring(x) end
print(obj.plain(1), obj:method(2), obj.method(obj, 3), obj.method({name = "other"}, 4))
local a = {b = {c = {}}}
function a.b.c.deep(x) return x * 2 end
function a.b.c:deepm() return self == a.b.c end
print(a.b.c.deep(21), a.b.c:deepm())
local function args(a, b, c) return a, b, c end
print(args(1))
print(args(1, 2, 3, 4, 5))
print(type(print), type(args), type(nil), type(true), type(1), type("s"), type({}))
local f = function(...) return ... end
print(f "string arg", f {1} ~= nil, #f {1, 2})
print(("x"):rep(3), ("%d"):format(7))
local s = "abc"
print(s:upper(), s:len(), s:sub(2))
local t = {f = function(self, v) return v end}
print(t:f(9), t.f(t, 8))
print(pcall(function() local u = {}; u:nomethod() end))
print(pcall(function() local u = "str"; u:nomethod() end))
local function recurse(n) if n > 0 then return 1 + recurse(n - 1) end return 0 end
print(recurse(100))
local defaults = function(x, y) x = x or 10; y = y or 20; return x + y end
print(defaults(), defaults(1), defaults(nil, 2))
print(select("#", (function() end)()))
print((function(...) local a, b = ...; return a, b end)(7, 8, 9))
