-- pairs order over table/function keys and tostring of tables: both come from
-- handles mixed with the seed, never from addresses (no .expected file).
local keys = {}
local t = {}
for i = 1, 48 do local k = {id = i}; keys[i] = k; t[k] = i end
for i = 1, 8 do t[function() return i end] = 100 + i end
local order = {}
for k, v in pairs(t) do order[#order + 1] = tostring(v) end
print(table.concat(order, " "))
local names = {}
for i = 1, 5 do names[i] = tostring(keys[i]) end
print(table.concat(names, " "))
local mixed = {}
for i = 1, 16 do mixed[i * 1.5] = i; mixed["s" .. i] = i; mixed[keys[i]] = i; mixed[i % 2 == 0] = i end
order = {}
for k, v in pairs(mixed) do order[#order + 1] = type(k) .. ":" .. tostring(v) end
print(table.concat(order, " "))
