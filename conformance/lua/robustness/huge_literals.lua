-- Huge string literals, long lines, many constants and many locals compile or fail cleanly.
local big = string.rep("x", 1000000)
local f = assert(loadstring("return '" .. big .. "'"))
print(#f(), f() == big)
f = assert(loadstring("return [[" .. big .. "]]"))
print(#f())
local esc = string.rep("\\65", 100000)
print(#loadstring("return '" .. esc .. "'")())
local consts = {"return {"}
for i = 1, 70000 do consts[#consts + 1] = i .. "," end
consts[#consts + 1] = "}"
local t = assert(loadstring(table.concat(consts)))()
print(#t, t[70000])
local strs = {"return {"}
for i = 1, 20000 do strs[#strs + 1] = "'s" .. i .. "'," end
strs[#strs + 1] = "}"
local s = assert(loadstring(table.concat(strs)))()
print(#s, s[20000])
local locals = {}
for i = 1, 300 do locals[#locals + 1] = "local v" .. i .. " = " .. i end
local lf, lerr = loadstring(table.concat(locals, "\n"))
print(lf and "compiled" or lerr)
local ups = {"local u1"}
for i = 2, 100 do ups[#ups + 1] = "local u" .. i end
ups[#ups + 1] = "return function() return u1"
for i = 2, 100 do ups[#ups + 1] = "+u" .. i end
ups[#ups + 1] = " end"
local uf, uerr = loadstring(table.concat(ups, " "))
print(uf and "compiled" or uerr)
local line = "return " .. string.rep("1+", 50000) .. "1"
print(loadstring(line)())
local manylines = string.rep("\n", 200000) .. "error('at the end')"
print(pcall(loadstring(manylines, "=lines")))
print(#string.format("%s", big), #(big .. big), #table.concat({big, big, big}))
