#!/usr/bin/env luajit
-- A first line starting with '#' is skipped; the main chunk is a vararg function.
print("shebang skipped")
print(select("#", ...), type(arg), #arg)
local n = 0
local function count(...) n = select("#", ...) end
count(...)
print(n)
local x = 1; print("semicolons after statements", x);
print(loadstring(";;"), loadstring("local y = 1;;"))
print("comment at end without newline") -- trailing comment
-- last line without a newline