-- load with reader functions and strings, loadstring chunk names, environments of loaded chunks.
local parts = {"return ", "1 ", "+ ", "41"}
local i = 0
local f = load(function() i = i + 1; return parts[i] end)
print(f())
local calls = 0
f = load(function() calls = calls + 1; if calls == 1 then return "return 'one piece'" end return nil end, "=reader")
print(f(), calls)
print(type(load(function() return nil end)))
local g = load(function() return "" end)
print(type(g), g and g())
local function first_line(f, e) return f, (tostring(e):match("^[^\n]*")) end
print(first_line(load(function() error("reader failed") end)))
print(first_line(load(function() return {} end)))
print(load("return 7")())
print(load("syntax error here", "=named"))
print(loadstring("return ...")(1, 2, 3))
print(loadstring("local a, b = ...; return b, a")("x", "y"))
local chunk = loadstring("y_from_chunk = 5; return y_from_chunk")
print(chunk(), y_from_chunk)
print(pcall(loadstring("error('raised in chunk')", "=mychunk")))
print(pcall(loadstring("error('raised in chunk')", "@path/to/file.lua")))
print(pcall(loadstring("error('raised in chunk')")))
print(pcall(loadstring("\n\nerror('line three')", "=lines")))
print(pcall(loadstring("local t = nil; return t.x", "=idx")))
local src = {}
for n = 1, 100 do src[n] = "x" .. n .. " = " .. n end
print(loadstring(table.concat(src, "\n") .. "\nreturn x100")())
print(pcall(load))
print(pcall(loadstring))
