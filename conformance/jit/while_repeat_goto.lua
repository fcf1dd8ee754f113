-- jit: traces>=1
-- while, repeat-until and goto loops: conditions on locals, upvalues and tables, `continue`
-- via goto, loops left by break and by return.
local n, steps = 27, 0
while n ~= 1 do
  if n % 2 == 0 then n = n / 2 else n = 3 * n + 1 end
  steps = steps + 1
end
print("collatz 27", steps)

local x = 1
repeat x = x * 1.5 until x > 1e6
print("repeat", x)

local i, odd = 0, 0
::top::
i = i + 1
if i % 2 == 0 then goto top end
odd = odd + i
if i < 99 then goto top end
print("goto loop", odd)

local sum = 0
for k = 1, 50 do
  if k % 5 == 0 then goto continue end
  sum = sum + k
  ::continue::
end
print("continue", sum)

local function find(t, v)
  local j = 1
  while true do
    if t[j] == nil then return nil end
    if t[j] == v then return j end
    j = j + 1
  end
end
local t = {}
for k = 1, 100 do t[k] = k * k end
print("return from while", find(t, 49 * 49), find(t, 2))

local r, cnt = 100, 0
repeat
  local half = r / 2
  r = half
  cnt = cnt + 1
until half < 0.001
print("repeat with local in condition", r, cnt)

local a, b = 0, 1
local fib = 0
while b < 1e15 do a, b = b, a + b; fib = fib + 1 end
print("fibonacci", fib, a, b)

local w, depth = 0, 0
while w < 30 do
  w = w + 1
  local v = w
  while v > 0 do v = v - 4; depth = depth + 1 end
end
print("nested while", depth)
