-- Deep non-tail recursion (Lua frames, not host stack), mutual recursion and nested pcalls.
local function depth(n) if n == 0 then return 0 end return 1 + depth(n - 1) end
print(depth(10000))
local function sum_list(node) if not node then return 0 end return node.v + sum_list(node.next) end
local list
for i = 1, 5000 do list = {v = i, next = list} end
print(sum_list(list))
local is_even, is_odd
function is_even(n) if n == 0 then return true end local r = is_odd(n - 1); return r end
function is_odd(n) if n == 0 then return false end local r = is_even(n - 1); return r end
print(is_even(3000), is_odd(3001))
local function nested_pcall(n) if n == 0 then return "bottom" end local ok, v = pcall(nested_pcall, n - 1); return v end
print(nested_pcall(100))
local function ackermann(m, n)
  if m == 0 then return n + 1 end
  if n == 0 then return ackermann(m - 1, 1) end
  return ackermann(m - 1, ackermann(m, n - 1))
end
print(ackermann(2, 3), ackermann(3, 3))
local function hanoi(n, from, to, via, moves)
  if n == 0 then return moves end
  moves = hanoi(n - 1, from, via, to, moves)
  moves = moves + 1
  return hanoi(n - 1, via, to, from, moves)
end
print(hanoi(15, "a", "c", "b", 0))
local mt = {}
mt.__index = function(t, k) if k <= 0 then return 0 end return t[k - 1] + 1 end
print(setmetatable({}, mt)[100])
