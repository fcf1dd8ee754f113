-- __index: tables, chains, functions, rawget bypass, on strings.
local base = {greet = function() return "hello" end, kind = "base"}
local mid = setmetatable({kind = "mid"}, {__index = base})
local leaf = setmetatable({}, {__index = mid})
print(leaf.kind, leaf.greet(), leaf.missing, rawget(leaf, "kind"))
local calls = {}
local dyn = setmetatable({}, {__index = function(t, k) calls[#calls + 1] = tostring(k); return k .. "!" end})
print(dyn.a, dyn.b, dyn[1], rawget(dyn, "a"))
print(table.concat(calls, ","))
dyn.a = "set"
print(dyn.a)
local deep = {}
local cur = deep
for i = 1, 50 do local nxt = {}; setmetatable(cur, {__index = nxt}); cur = nxt end
cur.bottom = "found at depth 50"
print(deep.bottom)
local default = setmetatable({}, {__index = function() return 0 end})
default.x = default.x + 5
print(default.x, default.y)
print(type(("abc").len), ("abc"):len(), getmetatable("").__index == string)
local proxy = setmetatable({}, {__index = setmetatable({}, {__index = function(_, k) return "fn:" .. k end})})
print(proxy.z)
local idx_nil = setmetatable({present = false}, {__index = function() return "meta" end})
print(idx_nil.present, idx_nil.absent)
local mt = {}
mt.__index = mt
mt.method = function(self) return "method of " .. self.name end
local obj = setmetatable({name = "o"}, mt)
print(obj:method())
print(pcall(function() local n = setmetatable({}, {__index = 5}); return n.x end))
local loop = setmetatable({}, {})
getmetatable(loop).__index = loop
print(pcall(function() return loop.x end))
