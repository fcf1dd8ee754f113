-- Lexical scoping: shadowing, block locals, globals, local function recursion.
x = "global"
local x = "local"
print(x, _G.x)
do
  local x = "block"
  print(x)
end
print(x)
local function shadow(x) x = x .. "!"; return x end
print(shadow("arg"), x)
local a = 1
local a = a + 1
print(a)
for i = 1, 2 do local i = i * 10; io.write(i, " ") end
print()
local f = function() return type(f) end
print(f())
local function g() return type(g) end
print(g())
print(undefined_global)
_G.dynamic = "via _G"
print(dynamic)
_G["with space"] = 1
print(_G["with space"])
print(rawget(_G, "x"), rawequal(_G._G, _G))
local t = {}
do local t = {inner = true}; print(t.inner) end
print(t.inner)
local v1, v1 = 1, 2
print(v1)
