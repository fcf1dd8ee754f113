-- Math library functions in hot loops, fed ordinary values and the edge values: NaN, -0,
-- +-inf, huge and tiny numbers. 1/x shows the sign of a zero.
local nan, inf = 0 / 0, math.huge
local values = {0, -0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 1e308, -1e308, 1e-310, inf, -inf, nan, 7, -7}
local function show(x)
  if x ~= x then return "nan" end
  if x == 0 then return (1 / x > 0) and "0" or "-0" end
  return tostring(x)
end

-- math.min/max with a NaN argument are left to differential/math_edge_unpinned.lua: LuaJIT's
-- answer depends on the argument order and the machine.
local function over(name, f, skip_nan)
  local out = {}
  for i = 1, #values do
    local v = values[i]
    out[i] = (skip_nan and v ~= v) and "-" or show(f(v))
  end
  print(name, table.concat(out, " "))
end
over("floor", math.floor)
over("ceil", math.ceil)
over("abs", math.abs)
over("sqrt", math.sqrt)
over("unm", function(x) return -x end)
over("x+0", function(x) return x + 0 end)
over("x-0", function(x) return x - 0 end)
over("0-x", function(x) return 0 - x end)
over("x*0", function(x) return x * 0 end)
over("x*-1", function(x) return x * -1 end)
over("x/-1", function(x) return x / -1 end)
over("x%3", function(x) return x % 3 end)
over("x%-3", function(x) return x % -3 end)
over("x^2", function(x) return x ^ 2 end)
over("x^0.5", function(x) return x ^ 0.5 end)
over("2^x", function(x) return 2 ^ x end)
over("exp", math.exp)
over("log", math.log)
over("log10", math.log10)
over("sin", math.sin)
over("cos", math.cos)
over("tan", math.tan)
over("atan", math.atan)
over("fmod3", function(x) return math.fmod(x, 3) end)
over("modf", function(x) return (math.modf(x)) end)
over("frexp", function(x) return (math.frexp(x)) end)
over("min1", function(x) return math.min(x, 1) end, true)
over("max1", function(x) return math.max(x, 1) end, true)
over("min3", function(x) return math.min(2, x, -1) end, true)
over("max3", function(x) return math.max(-2, x, 1) end, true)
over("deg", math.deg)
over("floor/2", function(x) return math.floor(x / 2) end)
over("ceil*3", function(x) return math.ceil(x * 3) end)

local acc = 0
for i = 1, 200 do
  local x = (i - 100) / 7
  acc = acc + math.floor(x) + math.ceil(x) + math.abs(x) + math.sqrt(i)
        + math.min(x, 3) + math.max(x, -3) + math.fmod(i, 7)
end
print("loop", acc)

local z = 0
for i = 1, 100 do z = -z end
print("unm of zero 100 times", show(z))
z = -0
for i = 1, 101 do z = z * -1 end
print("times -1 of -0", show(z))

local counts = {0, 0, 0}
for i = 1, 100 do
  local v = values[i % #values + 1]
  if v ~= v then counts[1] = counts[1] + 1 end
  if v == inf or v == -inf then counts[2] = counts[2] + 1 end
  if v == 0 then counts[3] = counts[3] + 1 end
end
print("classification", counts[1], counts[2], counts[3])

local ints = 0
for i = -20, 20 do ints = ints + math.floor(i / 3) * 3 + i % 3 - i end
print("floor division identity", ints)

local big = 2 ^ 52
local b = 0
for i = 1, 10 do b = b + math.floor(big + i + 0.5) - big end
print("near 2^52", b)
