-- The virtual clock and the allocator's counts after hot loops: under --deterministic both are
-- functions of what ran, so the JIT must advance and allocate exactly as the interpreter does.
local t0 = os.clock()
local s = 0
for i = 1, 1000 do s = s + i end
print("clock after a loop", os.clock() - t0, s)

local function f(x) return x + 1 end
local c = 0
for i = 1, 300 do c = f(c) end
print("clock after calls", os.clock(), c, os.time())

collectgarbage()
local before = collectgarbage("count")
local keep = {}
for i = 1, 500 do keep[i] = {i, tostring(i)} end
print("count after allocating in a loop", collectgarbage("count") - before, #keep)

local strs = 0
for i = 1, 300 do strs = strs + #("s" .. i) end
print("count after string concatenation", collectgarbage("count"), strs)

keep = nil
collectgarbage()
print("count after a full collection", collectgarbage("count"))

local steps = 0
for i = 1, 200 do
  local tmp = {i}
  if collectgarbage("step", 1) then steps = steps + 1 end
end
print("steps finishing a cycle", steps, collectgarbage("count"))

local r = {}
for i = 1, 8 do r[i] = math.random(1000) end
print("random", table.concat(r, " "), os.clock())
print("date", os.date("%Y-%m-%d %H:%M:%S"), os.clock())
