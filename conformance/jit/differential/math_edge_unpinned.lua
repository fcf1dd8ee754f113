-- Math edge cases without a golden answer: math.min/max with a NaN argument (LuaJIT returns
-- the second operand on x86-64 and answers differently elsewhere), math.ceil on (-1, -0.5)
-- (LuaJIT 2.1.0-beta3 returns +0, later versions -0), and the sign of modf's parts of zero.
-- Whatever the interpreter answers, the JIT must answer the same in every trace.
local nan = 0 / 0
local function show(x)
  if x ~= x then return "nan" end
  if x == 0 then return (1 / x > 0) and "0" or "-0" end
  return tostring(x)
end
local values = {nan, 1, -1, 0, -0, 1 / 0, -1 / 0}
local out = {}
for i = 1, #values do
  for j = 1, #values do
    local a, b = values[i], values[j]
    out[#out + 1] = show(math.min(a, b)) .. "," .. show(math.max(a, b))
  end
end
print("min,max", table.concat(out, " "))

out = {}
for i = 1, 30 do
  local x = nan
  if i > 10 then x = i end
  out[#out + 1] = show(math.min(x, 15)) .. "/" .. show(math.max(15, x))
    .. "/" .. show(math.min(math.min(x, nan), x))
end
print("in a loop", table.concat(out, " "))

out = {}
for i = 1, 16 do out[i] = show(math.ceil(-i / 16)) end
print("ceil", table.concat(out, " "))

out = {}
for i = 1, 8 do
  local a, b = math.modf(-(i - 1) / 2)
  out[i] = show(a) .. ":" .. show(b)
end
print("modf", table.concat(out, " "))
