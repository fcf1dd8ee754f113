-- __eq, __lt, __le: when they are consulted and how results are converted.
local mt = {}
mt.__eq = function(a, b) return a.v == b.v end
mt.__lt = function(a, b) return a.v < b.v end
mt.__le = function(a, b) return a.v <= b.v end
local function o(v) return setmetatable({v = v}, mt) end
local a, b, c = o(1), o(2), o(1)
print(a == c, a ~= c, a == b, a < b, b < a, a <= c, b <= a, a > b, b >= a)
print(a == 1, 1 == a, rawequal(a, c))
local other = setmetatable({v = 1}, {__eq = mt.__eq})
print(a == other, other == a)
local diffeq = setmetatable({v = 1}, {__eq = function() return true end})
print(a == diffeq)
local truthy = setmetatable({}, {__eq = function() return "yes" end, __lt = function() return 0 end, __le = function() return nil end})
local truthy2 = setmetatable({}, getmetatable(truthy))
print(truthy == truthy2, truthy < truthy2, truthy <= truthy2)
local only_lt = {__lt = function(x, y) return x.v < y.v end}
local p, q = setmetatable({v = 1}, only_lt), setmetatable({v = 2}, only_lt)
print(p <= q, q <= p)
print(pcall(function() return a < 1 end))
print(pcall(function() return 1 <= a end))
print(pcall(function() return setmetatable({}, {}) < setmetatable({}, {}) end))
local s1 = setmetatable({}, {__lt = function() return true end})
print(pcall(function() return s1 < "x" end))
local calls = 0
local counted = {__eq = function() calls = calls + 1; return false end}
local x1, x2 = setmetatable({}, counted), setmetatable({}, counted)
local _ = x1 == x1
local _ = x1 == x2
print("eq calls", calls)
