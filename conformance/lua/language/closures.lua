-- Closures: shared upvalues, fresh locals per loop iteration, counters.
local function counter()
  local n = 0
  return function() n = n + 1; return n end, function() return n end
end
local inc, get = counter()
inc(); inc()
print("shared", get())
local inc2 = counter()
print("independent", inc2(), get())
local fns = {}
for i = 1, 3 do fns[i] = function() return i end end
print("for locals", fns[1](), fns[2](), fns[3]())
fns = {}
local j = 1
while j <= 3 do local k = j; fns[j] = function() k = k + 10; return k end; j = j + 1 end
print("while locals", fns[1](), fns[1](), fns[2](), fns[3]())
fns = {}
for _, v in ipairs({"a", "b"}) do fns[#fns + 1] = function() return v end end
print("ipairs locals", fns[1](), fns[2]())
local x = 1
local function setx(v) x = v end
local function getx() return x end
setx(42)
print("outer local", x, getx())
local function nest()
  local a = 1
  return function()
    local b = 2
    return function() a = a + 1; b = b + 1; return a + b end
  end
end
local mk = nest()
local f1, f2 = mk(), mk()
print("nested", f1(), f1(), f2())
local shared = {}
for i = 1, 2 do
  local v = i * 100
  shared[i] = {get = function() return v end, set = function(n) v = n end}
end
shared[1].set(7)
print("pairs", shared[1].get(), shared[2].get())
local function recursive(n) if n == 0 then return 0 end return n + recursive(n - 1) end
print("recursive local function", recursive(10))
local fact
fact = function(n) return n <= 1 and 1 or n * fact(n - 1) end
print("fact", fact(10))
