-- Calls to small Lua functions inside hot loops (the JIT inlines them): one and several
-- results, varargs, recursion, calls through tables and locals, functions that change.
local function sq(x) return x * x end
local function add3(a, b, c) return a + b + c end
local function divmod(a, b) return math.floor(a / b), a % b end
local s = 0
for i = 1, 100 do s = s + sq(i) + add3(i, -i, 1) end
print("simple calls", s)

local qs, rs = 0, 0
for i = 1, 100 do
  local q, r = divmod(i * 13, 7)
  qs, rs = qs + q, rs + r
end
print("two results", qs, rs)

local function count(...) return select("#", ...) end
local function sum(...)
  local t = 0
  for _, v in ipairs({...}) do t = t + v end
  return t
end
local cs = 0
for i = 1, 50 do cs = cs + count(i, nil, i) + sum(i, i, i) end
print("varargs", cs)

local function fact(n) if n <= 1 then return 1 end return n * fact(n - 1) end
local fs = 0
for i = 1, 20 do fs = fs + fact(i % 10) end
print("recursion", fs)

local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
print("fib", fib(20))

local ops = {
  function(a, b) return a + b end,
  function(a, b) return a - b end,
  function(a, b) return a * b end,
}
local acc = 1
for i = 1, 90 do acc = ops[i % 3 + 1](acc, i) % 1000 end
print("calls through a table", acc)

local f = function(x) return x + 1 end
local changed = 0
for i = 1, 100 do
  if i == 50 then f = function(x) return x - 1 end end
  changed = f(changed)
end
print("callee replaced mid-loop", changed)

local function none() end
local function pass(...) return ... end
local nn = 0
for i = 1, 50 do
  if none() == nil then nn = nn + 1 end
  local a, b, c = pass(i, i + 1)
  if c == nil then nn = nn + a + b end
end
print("no results, padded results", nn)

local function tail(n, acc2) if n == 0 then return acc2 end return tail(n - 1, acc2 + n) end
local ts = 0
for i = 1, 30 do ts = ts + tail(i, 0) end
print("tail calls", ts)

local obj = {v = 0}
function obj.inc(self, k) self.v = self.v + k; return self end
for i = 1, 100 do obj:inc(i):inc(-1) end
print("chained methods", obj.v)

local ps = 0
for i = 1, 100 do ps = ps + select(2, "a", i, "c") end
print("select", ps)

local us = 0
for i = 1, 100 do us = us + (unpack({i, 2 * i, 3 * i}, 2)) end
print("unpack", us)
