-- Globals and fields with constant string keys in hot loops: reads, writes, new keys added
-- while a loop runs (the table's hash part grows under the trace), fields of nested tables,
-- method calls, and __index/__newindex on the way.
total = 0
for i = 1, 100 do total = total + i end
print("global accumulator", total)

local obj = {x = 1, y = 2, z = 3}
for i = 1, 100 do
  obj.x = obj.x + obj.y
  obj.y = obj.z - i
end
print("fields", obj.x, obj.y, obj.z)

local grow = {a = 0}
for i = 1, 200 do
  grow.a = grow.a + 1
  grow["k" .. i] = i
end
local n = 0
for _ in pairs(grow) do n = n + 1 end
print("reads while the hash part grows", grow.a, n, grow.k1, grow.k200)

local deep = {inner = {value = 0, list = {0}}}
for i = 1, 100 do
  deep.inner.value = deep.inner.value + i
  deep.inner.list[1] = deep.inner.list[1] - 1
end
print("nested fields", deep.inner.value, deep.inner.list[1])

local Point = {}
Point.__index = Point
function Point.new(x, y) return setmetatable({x = x, y = y}, Point) end
function Point:add(o) return Point.new(self.x + o.x, self.y + o.y) end
function Point:len2() return self.x * self.x + self.y * self.y end
local p = Point.new(0, 0)
for i = 1, 100 do p = p:add(Point.new(i, -i / 2)) end
print("methods", p.x, p.y, p:len2())

local defaults = setmetatable({}, {__index = function(t, k) return #k end})
local d = 0
for i = 1, 50 do d = d + defaults.abc + defaults.hello end
print("__index function", d)

local log = {}
local proxy = setmetatable({}, {__newindex = function(t, k, v) log[#log + 1] = k .. "=" .. v end})
for i = 1, 5 do proxy.field = i end
print("__newindex", #log, log[1], log[5])

local gname = 0
for i = 1, 100 do
  _G.counter_g = (_G.counter_g or 0) + 1
  gname = gname + counter_g
end
print("_G and global", gname, counter_g)

math.custom = 0
for i = 1, 10 do math.custom = math.custom + math.pi end
print("library table field", string.format("%.10f", math.custom))

local t = {}
for i = 1, 100 do
  t.present = i
  t.absent = nil
end
print("nil store", t.present, t.absent)
