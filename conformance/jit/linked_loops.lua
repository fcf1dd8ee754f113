-- jit: traces>=4
-- Traces that end by linking to the trace of another loop: an outer loop's trace runs up to an
-- inner loop that has its own trace and jumps there; an inner loop's trace that leaves its loop
-- runs on to the outer loop's back-edge and jumps to the outer loop's trace. Each such trace
-- must run its recorded path once and then jump, never loop on itself.

-- for inside for (nbody's shape)
local function pairs_sum(n)
  local s = 0
  for i = 1, n do
    local w = i * 3
    for j = i + 1, n do s = s + w - j end
    s = s + i
  end
  return s
end
for n = 1, 12 do io.write(pairs_sum(n), " ") end
print()

-- repeat inside repeat with swaps (fannkuch's shape)
local function flips(perm)
  local q = {}
  for i = 1, #perm do q[i] = perm[i] end
  local count, q1 = 0, q[1]
  repeat
    local qq = q[q1]
    if qq == 1 then break end
    q[q1] = q1
    if q1 >= 4 then
      local i, j = 2, q1 - 1
      repeat q[i], q[j] = q[j], q[i]; i = i + 1; j = j - 1 until i >= j
    end
    q1 = qq; count = count + 1
  until false
  return count
end
-- First only permutations that never reach the inner loop, so the outer loop's trace forms
-- alone; then ones whose inner loop runs once and leaves: its trace links to the outer one.
local total = 0
for round = 1, 60 do total = total + flips({3, 1, 2}) + flips({2, 3, 1}) end
local perms = { {4, 3, 2, 1}, {4, 1, 3, 2}, {5, 4, 1, 2, 3}, {6, 5, 4, 3, 2, 1}, {2, 7, 6, 5, 4, 3, 1},
  {8, 1, 7, 2, 6, 3, 5, 4}, {7, 5, 3, 1, 2, 4, 6, 8} }
for round = 1, 40 do
  for k = 1, #perms do total = total + flips(perms[k]) * k + round % 3 end
end
print("flips", total)

-- while inside for, and a for inside a while
local acc = 0
for i = 1, 30 do
  local k = i
  while k > 1 do
    if k % 2 == 0 then k = k / 2 else k = 3 * k + 1 end
    acc = acc + 1
  end
end
local m = 0
while m < 25 do
  m = m + 1
  for x = 1, m % 7 do acc = acc + x * m end
end
print("acc", acc)
