-- string.dump: round-tripping a Lua function through loadstring (the bytes themselves differ
-- between implementations and are not printed); C functions cannot be dumped.
local function add(a, b) return a + b, "sum" end
local bytes = string.dump(add)
print(type(bytes), #bytes > 0)
local back = loadstring(bytes)
print(type(back), back(2, 3))
local f = load(string.dump(function(...) return select("#", ...) end))
print(f(1, nil, 3))
print(pcall(string.dump, print))
print(pcall(string.dump))
local chunk = loadstring(string.dump(loadstring("return 'from dumped chunk'")))
print(chunk())
