-- Closures capturing loop variables: fresh per iteration in for loops, with break and goto.
local fns = {}
for i = 1, 5 do
  fns[#fns + 1] = function() return i end
  if i == 3 then break end
end
print(#fns, fns[1](), fns[2](), fns[3]())
fns = {}
for i = 1, 4 do
  if i % 2 == 0 then goto continue end
  fns[#fns + 1] = function() i = i + 100; return i end
  ::continue::
end
print(fns[1](), fns[1](), fns[2]())
fns = {}
for k, v in pairs({a = 1}) do fns[1] = function() return k, v end end
print(fns[1]())
local shared = 0
fns = {}
for i = 1, 3 do
  local captured = i
  fns[i] = function() shared = shared + captured; return shared end
end
print(fns[1](), fns[2](), fns[3](), shared)
local makers = {}
local i = 1
repeat
  local j = i
  makers[i] = function() return j * 10 end
  i = i + 1
until j >= 3
print(makers[1](), makers[2](), makers[3]())
local acc = {}
for outer = 1, 2 do
  for inner = 1, 2 do
    acc[#acc + 1] = function() return outer * 10 + inner end
  end
end
local r = {}
for _, f in ipairs(acc) do r[#r + 1] = f() end
print(table.concat(r, " "))
local function gen()
  local list = {}
  for n = 1, 3 do list[n] = function(x) return x + n end end
  return list
end
local g = gen()
print(g[1](10), g[2](10), g[3](10))
