-- collectgarbage's pacing API: step results, setpause/setstepmul values, stop/restart, how far
-- garbage grows the heap after a full collection, weak values and finalizers.
print(collectgarbage("setpause", 150), collectgarbage("setpause"), collectgarbage("setpause", 200))
print(collectgarbage("setstepmul", 400), collectgarbage("setstepmul", 200))

-- Garbage after a full collection grows the heap by about the pause (200%), not by megabytes.
local sink = {}
collectgarbage()
local base = collectgarbage("count")
local peak = base
for i = 1, 10000 do
  sink[1] = {}
  local c = collectgarbage("count")
  if c > peak then peak = c end
end
print("peak below 4x the live heap", peak < 4 * base)

-- Steps finish a cycle after a while; a step larger than the heap finishes it at once.
collectgarbage()
local steps = 0
repeat steps = steps + 1 until collectgarbage("step") or steps > 10000
print("a cycle finishes after some steps", steps > 1 and steps < 10000)
print("a large step", collectgarbage("step", 100000))

-- A stopped collector lets garbage accumulate; restart resumes it.
collectgarbage("stop")
print("running", collectgarbage("isrunning"))
local before = collectgarbage("count")
for i = 1, 30000 do sink[1] = {i} end
print("stopped: grows", collectgarbage("count") > before + 1000)
collectgarbage("restart")
print("running", collectgarbage("isrunning"))
for i = 1, 30000 do sink[1] = {i} end
print("restarted: collected", collectgarbage("count") < before + 1000)

-- A userdata being finalized is cleared from weak values before its __gc runs, kept in weak keys.
local weak_values = setmetatable({}, {__mode = "v"})
local weak_keys = setmetatable({}, {__mode = "k"})
do
  local u = newproxy(true)
  getmetatable(u).__gc = function(x)
    print("__gc: weak value", weak_values[1] == nil and "cleared" or "kept",
      "weak key", weak_keys[x] and "kept" or "cleared")
  end
  weak_values[1] = u
  weak_keys[u] = true
end
collectgarbage()
collectgarbage()

-- Finalizers at exit, and those of userdata their finalizers create.
local function finalized(name, child)
  local u = newproxy(true)
  getmetatable(u).__gc = function()
    print("finalized at exit", name)
    if child then keep_child = finalized(child) end
  end
  return u
end
keep = finalized("parent", "child")
print("end")
