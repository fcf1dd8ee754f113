-- jit: traces>=1
-- Nested loops: inner loops that become hot before the outer one, matrix products, triangular
-- iteration spaces, inner breaks, outer accumulators.
local n = 12
local A, B = {}, {}
for i = 1, n do
  A[i], B[i] = {}, {}
  for j = 1, n do
    A[i][j] = (i * j) % 7 - 3
    B[i][j] = (i + 2 * j) % 5 + 0.5
  end
end
local C = {}
for i = 1, n do
  local row = {}
  for j = 1, n do
    local s = 0
    for k = 1, n do s = s + A[i][k] * B[k][j] end
    row[j] = s
  end
  C[i] = row
end
local trace = 0
for i = 1, n do trace = trace + C[i][i] end
print("matmul trace", trace, C[1][n], C[n][1])

local tri = 0
for i = 1, 40 do
  for j = 1, i do tri = tri + j end
end
print("triangle", tri)

local pairs_found = 0
for i = 1, 30 do
  for j = 1, 30 do
    if i * j > 200 then break end
    if (i + j) % 11 == 0 then pairs_found = pairs_found + 1 end
  end
end
print("inner break", pairs_found)

local deep = 0
for a = 1, 6 do
  for b = a, 6 do
    for c = b, 6 do
      for d = c, 6 do deep = deep + a * b - c + d end
    end
  end
end
print("four levels", deep)

local primes = {}
for i = 2, 300 do
  local prime = true
  for j = 2, i - 1 do
    if j * j > i then break end
    if i % j == 0 then prime = false; break end
  end
  if prime then primes[#primes + 1] = i end
end
print("primes", #primes, primes[#primes])

local grid = 0
for y = -5, 5 do
  local line = 0
  for x = -10, 10 do
    if x * x + 4 * y * y <= 50 then line = line + 1 end
  end
  grid = grid + line * (y + 6)
end
print("ellipse", grid)
