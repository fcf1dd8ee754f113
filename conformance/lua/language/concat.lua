-- String concatenation with numbers, right associativity and errors.
print("a" .. "b" .. "c", 1 .. 2, 1.5 .. "|", -0.0 .. "", 2 ^ 63 .. "")
print("x" .. 10 / 2, 1e100 .. "", 0.1 .. "")
local s = ""
for i = 1, 10 do s = s .. i end
print(s, #s)
print(("ab"):rep(3) .. "!" .. ("-"):rep(2))
print(pcall(function() return "a" .. nil end))
print(pcall(function() return "a" .. {} end))
print(pcall(function() return true .. "a" end))
local t = {}
print(pcall(function() return t.missing .. "x" end))
local up = false
print(pcall(function() return "x" .. up end))
print(pcall(function() local l; return l .. "x" end))
print(pcall(function() return 1 .. 2 .. nothing end))
