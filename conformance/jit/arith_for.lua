-- jit: traces>=1
-- Numeric for loops with arithmetic: + - * / % ^ and unary minus, integer and fractional
-- steps, negative steps, accumulators that leave the integer range.
local s = 0
for i = 1, 100 do s = s + i end
print("sum", s)

local p = 1
for i = 1, 20 do p = p * 3 - i end
print("mul-sub", p)

local q = 1000
for i = 1, 30 do q = q / 2 + i end
print("div", q)

local m = 0
for i = -50, 50 do m = m + i % 7 + (-i) % 5 end
print("mod", m)

local f = 0
for i = 1, 40 do f = f + (i / 8) % 1.5 - 5.5 % (i / 3) end
print("fmod", f)

local e = 0
for i = 1, 30 do e = e + 2 ^ (i % 10) - (i / 10) ^ 0.5 end
print("pow", e)

local u = 3
for i = 1, 25 do u = -u + i end
print("unm", u)

local down = 0
for i = 100, 1, -3 do down = down + i end
print("negative step", down)

local frac, count = 0, 0
for x = 0, 1, 0.125 do frac = frac + x; count = count + 1 end
print("fractional step", frac, count)

local big = 1
for i = 1, 80 do big = big * 7 end
print("overflow to float", big, big * 1e300)

local mixed = 0
for i = 1, 60 do
  local a = i * 0.5
  local b = a * a - i
  mixed = mixed + b / (i + 1) - (b % 3)
end
print("mixed", mixed)

local n = 0
for i = 10, 1 do n = n + 1 end
for i = 1, 1, -1 do n = n + 10 end
print("empty and single", n)

local acc = 0
for i = 1, 3 do
  for j = i, i + 200 do acc = acc + j * i - j end
end
print("re-entered loop", acc)
