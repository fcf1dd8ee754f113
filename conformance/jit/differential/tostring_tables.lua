-- tostring of tables and functions created in hot loops, and pairs over tables keyed by them:
-- identity hashes and iteration order come from the seed, so the JIT must create the same
-- objects in the same order as the interpreter.
local made = {}
for i = 1, 40 do made[i] = {i} end
local names = {}
for i = 1, 40, 8 do names[#names + 1] = tostring(made[i]) end
print(table.concat(names, " "))

local fns = {}
for i = 1, 20 do fns[i] = function() return i end end
print(tostring(fns[1]), tostring(fns[20]))

local keyed = {}
for i = 1, 30 do keyed[{}] = i end
local order = {}
for _, v in pairs(keyed) do order[#order + 1] = v end
print(table.concat(order, " "))

local words = {}
for i = 1, 30 do words["w" .. i] = i end
order = {}
for k in pairs(words) do order[#order + 1] = k end
print(table.concat(order, " "))

local seen = {}
local distinct = 0
for i = 1, 200 do
  local s = tostring({})
  if not seen[s] then seen[s] = true; distinct = distinct + 1 end
end
print("distinct names", distinct, tostring({}))
