-- Slots whose type changes after a trace was recorded: a number that becomes a string, nil, a
-- table or a boolean after N iterations. The trace must exit and the interpreter carry on.
local acc = 0
local v = 1
for i = 1, 100 do
  if i == 60 then v = "2" end
  acc = acc + v
end
print("number then numeric string", acc)

local parts = {}
local x = 0
for i = 1, 40 do
  if i == 20 then x = "s" end
  if type(x) == "number" then x = x + 1 else x = x .. i % 10 end
  if i % 10 == 0 then parts[#parts + 1] = tostring(x) end
end
print("number then string", table.concat(parts, " "))

local kinds = {}
local t = {}
for i = 1, 100 do
  if i < 30 then t[1] = i
  elseif i < 60 then t[1] = tostring(i)
  elseif i < 80 then t[1] = {i}
  else t[1] = i % 2 == 0 end
  local k = type(t[1])
  kinds[k] = (kinds[k] or 0) + 1
end
print("table slot", kinds.number, kinds.string, kinds.table, kinds.boolean)

local maybe = 0
local nils = 0
for i = 1, 80 do
  if i % 20 == 0 then maybe = nil end
  if maybe == nil then nils = nils + 1; maybe = i else maybe = maybe + 1 end
end
print("nil now and then", maybe, nils)

local f = function(a) return a * 2 end
local r = 0
for i = 1, 60 do
  if i == 30 then f = setmetatable({}, {__call = function(self, a) return a * 3 end}) end
  r = r + f(i)
end
print("function then callable table", r)

local mt = {__add = function(a, b) return 1000 end}
local y = 0
for i = 1, 50 do
  local o = (i > 40) and setmetatable({}, mt) or i
  y = y + o
end
print("number then table with __add", y)

local s = 0
local arr = {}
for i = 1, 100 do arr[i] = i end
for i = 1, 100 do
  if i == 70 then arr[i] = 0.5 end
  if i == 80 then arr[i] = "3" end
  s = s + arr[i]
end
print("array element types", s)

local cmp = 0
local w = 5
for i = 1, 60 do
  if i == 30 then w = "5" end
  if w == 5 then cmp = cmp + 1 end
end
print("equality across types", cmp)

local g
for i = 1, 40 do
  if i % 10 == 0 then g = nil elseif g == nil then g = 1 else g = g * 2 end
end
print("reset to nil", g)
