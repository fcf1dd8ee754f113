-- create/resume/yield: passing values both ways, status, dead coroutines.
local co = coroutine.create(function(a, b)
  print("start", a, b)
  local c = coroutine.yield(a + b)
  print("got", c)
  local d, e = coroutine.yield(c * 2)
  print("got", d, e)
  return "finished", d + e
end)
print(coroutine.status(co))
print(coroutine.resume(co, 1, 2))
print(coroutine.status(co))
print(coroutine.resume(co, 10))
print(coroutine.resume(co, 3, 4))
print(coroutine.status(co))
print(coroutine.resume(co))
print(coroutine.resume(coroutine.create(function() end)))
print(coroutine.resume(coroutine.create(function(...) return select("#", ...) end), nil, nil))
local gen = coroutine.create(function() for i = 1, 3 do coroutine.yield(i) end end)
local got = {}
while true do
  local ok, v = coroutine.resume(gen)
  if not ok or v == nil then break end
  got[#got + 1] = v
end
print(table.concat(got, ","), coroutine.status(gen))
print(coroutine.running())
local inner_running
local c2 = coroutine.create(function() inner_running = coroutine.running(); return type(inner_running) end)
print(coroutine.resume(c2))
print(inner_running == c2, type(c2))
print(pcall(coroutine.create, 5))
print(pcall(coroutine.resume, 5))
print(select("#", coroutine.resume(coroutine.create(function() coroutine.yield() end))))
