-- Yielding across pcall/xpcall and metamethods, errors after resuming.
local co = coroutine.create(function()
  local ok, v = pcall(function()
    local x = coroutine.yield("in pcall")
    if x == "fail" then error("failed after yield") end
    return x
  end)
  coroutine.yield("pcall returned " .. tostring(ok) .. " " .. tostring(v))
  local ok2, v2 = pcall(function() coroutine.yield("second"); error({tag = "tbl"}) end)
  coroutine.yield("second pcall " .. tostring(ok2) .. " " .. type(v2) .. " " .. v2.tag)
  local ok3, v3 = xpcall(function() coroutine.yield("in xpcall"); error("xp") end, function(m) return "handled: " .. m end)
  return ok3, v3
end)
print(coroutine.resume(co))
print(coroutine.resume(co, "fail"))
print(coroutine.resume(co))
print(coroutine.resume(co))
print(coroutine.resume(co))
print(coroutine.resume(co))
local co2 = coroutine.create(function()
  return pcall(function() local v = coroutine.yield(1); return v * 2 end)
end)
print(coroutine.resume(co2))
print(coroutine.resume(co2, 21))
local mt = {__index = function(t, k) return coroutine.yield("yield in __index " .. k) end}
local co3 = coroutine.create(function() local t = setmetatable({}, mt); return "got " .. t.foo end)
print(coroutine.resume(co3))
print(coroutine.resume(co3, "value"))
local co4 = coroutine.create(function()
  for i = 1, 3 do local ok = pcall(coroutine.yield, i) end
  return "done"
end)
for _ = 1, 4 do print(coroutine.resume(co4)) end
local co5 = coroutine.wrap(function() table.sort({3, 2, 1}, function(a, b) coroutine.yield(); return a < b end) end)
print(pcall(co5))
