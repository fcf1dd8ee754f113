-- pairs/next/ipairs: visiting all keys (sorted before printing), __pairs is not 5.1.
local t = {10, 20, 30, x = "a", y = "b", [2.5] = "f", [true] = "bool"}
local keys = {}
for k, v in pairs(t) do keys[#keys + 1] = tostring(k) .. "=" .. tostring(v) end
table.sort(keys)
print(table.concat(keys, " "))
local n = 0
local k, v = next(t)
while k ~= nil do n = n + 1; k, v = next(t, k) end
print("next visited", n)
print(next({}), next({}, nil))
print(type(next), type(pairs({})), select("#", pairs({})))
local p = setmetatable({}, {__pairs = function() return function() return nil end end})
p.real = 1
local seen = 0
for _ in pairs(p) do seen = seen + 1 end
print("__pairs ignored", seen)
local ip = setmetatable({}, {__ipairs = function() error("not called") end, __index = function(_, i) if i <= 3 then return i * 10 end end})
local iv = {}
for i, v in ipairs(ip) do iv[#iv + 1] = v end
print("ipairs sees __index", table.concat(iv, ","))
local del = {}
for i = 1, 20 do del["k" .. i] = i end
for k in pairs(del) do del[k] = nil end
print("cleared during traversal", next(del))
local mod = {a = 1, b = 2, c = 3}
for k in pairs(mod) do mod[k] = mod[k] * 2 end
print(mod.a, mod.b, mod.c)
print(pcall(pairs))
print(pcall(ipairs, nil))
local holes = {1, 2, nil, 4}
local c = 0
for _ in ipairs(holes) do c = c + 1 end
print("ipairs stops at hole", c)
