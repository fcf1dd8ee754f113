-- The package library: module/seeall with nested names, require through package.loaders
-- (preload, Lua, C and all-in-one C loaders), searchpath, loadlib, loops, table.new/clear.
package.path = "./?.lua;" .. package.path
local m = require("module_mod")
print(type(m), m._NAME, m._PACKAGE, m._M == m, m.value, m.hello())
print(module_mod == m, package.loaded.module_mod == m, getmetatable(m).__index == _G)

local function define()
  module("a.b.c")
  x = 1
  return y
end
print(define())
print(type(a), type(a.b), a.b.c._NAME, a.b.c._PACKAGE, a.b.c.x, package.loaded["a.b.c"] == a.b.c)
local function again() module("a.b.c") x = 2 end
again()
print(a.b.c.x, a.b.c._M == a.b.c)
conflict = 5
print(pcall(function() module("conflict.sub") end))
print(pcall(module, "via_pcall"))

print(package.searchpath("module_mod", "./?.lua"))
print(package.searchpath("no.such", "./?.lua;./?/x.lua"))
print(package.searchpath("a_b", "./?.lua", "_", "-"))
print(package.loadlib("./no_such_lib.so", "luaopen_x"))
print(#package.loaders, type(package.loaders[3]), type(package.loaders[4]))

local ok, e = pcall(require, "no_such_mod.sub")
print(ok, e:match("^[^\n]*"))
for line in e:gmatch("[^\n]+") do
  if line:find("%.so") then print(line) end
end
print(pcall(require, "loop_mod"))
print(pcall(require, "loop_mod"))

table.insert(package.loaders, 2, function(name)
  if name == "virtual.answer" then return function(n) return {name = n, answer = 42} end end
  return "\n\tno virtual module '" .. name .. "'"
end)
local v = require("virtual.answer")
print(v.name, v.answer)
print(select(2, pcall(require, "still_missing")):match("no virtual module '[^']*'"))

local new = require("table.new")
print(new == table.new, type(require("table.clear")), table.clear == require("table.clear"))
local t = new(10, 4)
print(#t, next(t))
t[1], t[2], t.k = 1, 2, 3
local same = t
table.clear(t)
print(same == t, #t, next(t))
t[1] = "again"
print(#t, t[1])
