-- Thousands of live coroutines, each suspended mid-loop, resumed round-robin.
local cos = {}
for i = 1, 2000 do
  cos[i] = coroutine.create(function(step)
    local total = 0
    for k = 1, 5 do total = total + step * k; step = coroutine.yield(total) end
    return "done", total
  end)
end
local sum = 0
for round = 1, 6 do
  for i = 1, #cos do
    local ok, v = coroutine.resume(cos[i], i)
    if ok and type(v) == "number" then sum = sum + v end
  end
end
local dead = 0
for i = 1, #cos do if coroutine.status(cos[i]) == "dead" then dead = dead + 1 end end
print(sum, dead)
cos = nil
collectgarbage()
local deep = coroutine.create(function()
  local function rec(n) if n == 0 then return coroutine.yield("bottom") end return rec(n - 1) end
  return rec(10000)
end)
print(coroutine.resume(deep))
print(coroutine.resume(deep, "back up"))
local chain = coroutine.wrap(function()
  local inner = coroutine.wrap(function()
    local innermost = coroutine.wrap(function() coroutine.yield("level 3") end)
    coroutine.yield(innermost())
  end)
  coroutine.yield(inner())
end)
print(chain())
