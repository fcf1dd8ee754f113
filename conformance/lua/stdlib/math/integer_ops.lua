-- Integer-valued doubles: exact arithmetic up to 2^53, modulo and floor identities.
local big = 2^53
print(big, big - 1, big + 1 == big, (big - 1) + 1 == big)
print(2^31, 2^32, -2^31, 2^31 * 2^31, 2^63 == 2^63 + 1024)
print(7 % 3, -7 % 3, 7 % -3, -7 % -3, 0 % 5, 5 % 5)
for _, pair in ipairs({{7, 3}, {-7, 3}, {7.5, 2}, {-7.5, 2}, {1e15, 7}}) do
  local a, b = pair[1], pair[2]
  io.write(a % b == a - math.floor(a / b) * b and "ok " or "bad ")
end
print()
print(1e15 + 0.5, 1e16 + 1, 123456789 * 1000, 0.1 + 0.2 == 0.3, math.abs(0.1 + 0.2 - 0.3) < 1e-15)
print(3 / 2, 4 / 2, 1 / 3, -1 / 3, 2^-1074 > 0, 2^-1075 == 0)
print(math.floor(7 / 2), math.floor(-7 / 2), math.ceil(7 / 2))
print(1 == 1.0, 0.5 == 1 / 2, 10 / 3 * 3 == 10)
local sum = 0
for i = 1, 100 do sum = sum + i * i end
print(sum)
local fact = 1
for i = 1, 20 do fact = fact * i end
print(fact, fact == 2432902008176640000)
local x = 1
for i = 1, 64 do x = x * 2 end
print(x, x == 2^64)
