-- Upvalues read and written in hot loops: open upvalues (the enclosing function is still
-- running), closed ones (it has returned), upvalues shared by several closures, closures made
-- inside loops (each iteration a fresh variable), and locals captured after the loop.
local counter = 0
local function bump(k) counter = counter + k end
for i = 1, 100 do bump(i) end
print("open upvalue written by a callee", counter)

local function make()
  local total = 0
  local function add(k) total = total + k; return total end
  local function get() return total end
  return add, get
end
local add, get = make()
for i = 1, 200 do add(i % 13) end
print("closed upvalue", get())

local add2, get2 = make()
for i = 1, 50 do add2(add(1)) end
print("two closed upvalue sets", get(), get2())

local fs = {}
for i = 1, 20 do
  local sq = i * i
  fs[i] = function() return sq + i end
end
local s = 0
for i = 1, 20 do s = s + fs[i]() end
print("closures made in a loop", s)

local shared = 1
local function r() return shared end
local function w(v) shared = v end
local acc = 0
for i = 1, 100 do
  w(shared * 1.01)
  acc = acc + r()
end
print("reader and writer", acc)

local loop_local
for i = 1, 50 do
  local v = i * 3
  if i == 40 then loop_local = function() return v end end
end
print("captured iteration", loop_local())

local function outer()
  local x = 0
  for i = 1, 100 do
    x = x + i
    if i % 25 == 0 then
      local g = function() x = x * 2 end
      g()
    end
  end
  return x
end
print("upvalue of a closure made mid-loop", outer())

local str = ""
local function append(c) str = str .. c end
for i = 1, 30 do append(string.char(65 + i % 26)) end
print("string upvalue", str)

local tab = {n = 0}
local function push(v) tab.n = tab.n + 1; tab[tab.n] = v end
for i = 1, 64 do push(i * 2) end
print("table upvalue", tab.n, tab[64], #tab)
