-- pairs order over number and boolean keys in the hash part: their hashes are mixed with the
-- seed like every other key's, so a sweep over seeds finds code that depends on the order
-- (no .expected file).
local t = {}
for i = 1, 24 do t[i * 1.5] = i; t[-i] = -i; t[i * 1000003] = 1000 + i end
t[true] = "yes"; t[false] = "no"
local order = {}
for k, v in pairs(t) do order[#order + 1] = tostring(k) end
print(table.concat(order, " "))
local flags = {[true] = 1, [false] = 2, [0.5] = 3}
order = {}
for k in pairs(flags) do order[#order + 1] = tostring(k) end
print(table.concat(order, " "))
