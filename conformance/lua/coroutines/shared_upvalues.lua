-- Upvalues shared between coroutines and the main thread, and closures created inside coroutines.
local counter = 0
local function bump() counter = counter + 1; return counter end
local a = coroutine.wrap(function() while true do bump(); coroutine.yield(counter) end end)
local b = coroutine.wrap(function() while true do bump(); bump(); coroutine.yield(counter) end end)
print(a(), b(), a(), b(), counter)
local made
local co = coroutine.create(function()
  local inner = 10
  made = function() inner = inner + 1; return inner end
  coroutine.yield(inner)
  return inner
end)
print(coroutine.resume(co))
print(made(), made())
print(coroutine.resume(co))
print(made(), coroutine.status(co))
local fns = {}
local gen = coroutine.wrap(function()
  for i = 1, 3 do
    local captured = i * 100
    fns[i] = function() return captured end
    coroutine.yield()
  end
end)
gen(); gen(); gen()
print(fns[1](), fns[2](), fns[3]())
