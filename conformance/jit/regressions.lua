-- jit: traces>=1
-- Cases that trace compilers, LuaJIT's among them, have got wrong: negative zero through
-- narrowed integer arithmetic, for loops with -0, NaN and fractional bounds, loop counters
-- beyond 32 bits, a constant-key lookup reused on another table's layout, string-to-number
-- coercion, and side exits with many live values and inlined frames.
local function show(x)
  if x ~= x then return "nan" end
  if x == 0 then return (1 / x > 0) and "0" or "-0" end
  return tostring(x)
end

local r = {}
for i = 0, 3 do r[#r + 1] = show(-i) end
print("unm of the loop counter", table.concat(r, " "))

r = {}
for i = 1, 4 do r[i] = show(-tonumber("0")) end
print("unm of tonumber('0')", table.concat(r, " "))

r = {}
local slot = nil
for _ = 1, 5 do slot = show(-((tonumber(slot) or 1) % 1)) end
print("unm of a modulo result", slot)

r = {}
for i = 1, 4 do r[i] = show(math.ceil(-0.5 + i * 0)) .. "/" .. show(math.ceil(-i / 2)) end
print("ceil keeps the sign", table.concat(r, " "))

r = {}
for i = -2, 2 do r[#r + 1] = show(i * 0) end
print("integer times zero", table.concat(r, " "))

local runs = 0
for _ = 1, 6 do
  for _ = 1, 1, -0 do runs = runs + 1; break end
end
print("-0 step", runs)

runs = 0
for _ = 1, 4 do
  for _ = 0 / 0, 1 do runs = runs + 1 end
  for _ = 1, 0 / 0 do runs = runs + 1 end
  for _ = 1, 2, 0 / 0 do runs = runs + 1 end
end
print("NaN bounds", runs)

r = {}
for i = 1, 3.5 do r[#r + 1] = i end
for i = 3.5, 1, -1 do r[#r + 1] = i end
print("fractional bounds", table.concat(r, " "))

local c, last = 0, 0
for i = 2 ^ 31 - 3, 2 ^ 31 + 2 do c = c + 1; last = i end
print("across 2^31", c, last)
c = 0
for i = -2 ^ 31 + 2, -2 ^ 31 - 2, -1 do c = c + 1; last = i end
print("across -2^31", c, last)
local wide = 0
for i = 1, 40 do wide = wide + i * 2 ^ 28 end
print("products beyond 32 bits", wide)
local big = 0
for i = 2 ^ 53 - 4, 2 ^ 53 - 1 do big = big + (i - 2 ^ 53) end
print("near 2^53", big)

local function get_n(t)
  local n
  for _ = 1, 3 do n = t.n end
  return n
end
local many = {}
for i = 1, 40 do many["k" .. i] = i end
many.n = "from a big table"
print("constant key, two layouts", get_n(many), get_n({n = 1}), get_n({}), get_n({m = 1, n = 2}))

local rehash = {x = 1}
local seen = 0
for i = 1, 100 do
  seen = seen + rehash.x
  rehash[i] = i
  rehash["s" .. i] = i
end
print("constant key across rehashes", seen, rehash.x)

local coerced = 0
for i = 1, 50 do coerced = coerced + ("10" + i) + ("0x10" * 1) - (" 2 " ^ 2) end
print("string coercion", coerced)

local mod = {}
for i = -6, 6 do mod[#mod + 1] = (i % 4) .. ":" .. (i % -4) end
print("modulo signs", table.concat(mod, " "))

local a1, a2, a3, a4, a5, a6, a7, a8 = 1, 2, 3, 4, 5, 6, 7, 8
for i = 1, 100 do
  a1, a2, a3, a4 = a2 + i, a3 * 1, a4 - 1, a1 % 97
  a5, a6, a7, a8 = a6 + a1, a7, a8 + 0.5, a5 - a2
  if i == 77 then break end
end
print("many live values at an exit", a1, a2, a3, a4, a5, a6, a7, a8)

local function inner(x) if x > 45 then return x * 2 end return x end
local function middle(x) return inner(x + 1) + 1 end
local function outer(x) return middle(x) - 1 end
local deep = 0
for i = 1, 60 do deep = deep + outer(i) end
print("exit from an inlined frame", deep)

local function ret_many(i) if i % 10 == 0 then return i, i, i end return i end
local cnt = 0
for i = 1, 60 do cnt = cnt + select("#", ret_many(i)) end
print("result count changes", cnt)

local t = {}
for i = 1, 10 do t[i] = i end
local asum = 0
for i = 1, 15 do asum = asum + (t[i - 5] or 100) end
print("index below the array part", asum)
