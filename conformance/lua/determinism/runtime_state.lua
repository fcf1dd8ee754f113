-- Values the determinism contract fixes per seed (no .expected file): math.random without
-- randomseed, GC statistics after a fixed workload, and, under --deterministic, the
-- virtual os.time/os.clock/os.date.
local r = {}
for i = 1, 8 do r[i] = math.random(1000000) end
print("random", table.concat(r, " "), math.random())
local keep = {}
local weak = setmetatable({}, {__mode = "k"})
for i = 1, 20000 do
  local t = {i, tostring(i)}
  if i % 7 == 0 then keep[#keep + 1] = t end
  weak[t] = i
end
print("gc count", collectgarbage("count"))
collectgarbage()
local alive = 0
for _ in pairs(weak) do alive = alive + 1 end
print("weak survivors", alive, "kept", #keep, "count after collect", collectgarbage("count"))
print("time", os.time(), "clock", os.clock(), "date", os.date("%Y-%m-%d %H:%M:%S"))
local order = {}
for k in pairs({a = 1, b = 2, c = 3, d = 4, e = 5, f = 6, g = 7, h = 8}) do order[#order + 1] = k end
print("order", table.concat(order))
print("function", tostring(print):match("^(%a+)"), tostring(function() end), tostring(coroutine.create(print)))
