-- pairs order over string keys: a pure function of the seed (no .expected file).
-- The harness runs this twice per seed (outputs must be byte-identical) and
-- across seeds (orders must differ).
local t = {}
for i = 1, 64 do t["key" .. i] = i end
t.alpha, t.beta, t.gamma, t.delta = 1, 2, 3, 4
local order = {}
for k in pairs(t) do order[#order + 1] = k end
print(table.concat(order, " "))
for i = 1, 32, 2 do t["key" .. i] = nil end
for i = 100, 120 do t["late" .. i] = i end
order = {}
for k in pairs(t) do order[#order + 1] = k end
print(table.concat(order, " "))
