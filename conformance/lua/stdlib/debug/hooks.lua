-- debug.sethook: call, return, line and count events as LuaJIT reports them (one hook for the
-- whole state; natives report "call" only), getinfo from inside a hook, gethook. LuaJIT calls
-- no hooks from compiled code, so the reference runs with its JIT off.
jit.off()
local function g(x)
  return x + 1
end
local function f(n)
  local s = 0
  for i = 1, n do
    s = s + g(i)
  end
  return s
end
local events = {}
debug.sethook(function(e, l)
  local info = debug.getinfo(2, "nS")
  events[#events + 1] = e .. ":" .. tostring(l) .. ":" .. tostring(info.name) .. ":" .. info.what .. ":" .. info.short_src
end, "crl")
f(2)
local t = {math.floor(1.5)}
debug.sethook()
for _, e in ipairs(events) do print(e) end
print(debug.gethook())
local function tc(n) if n > 0 then return tc(n - 1) end return "done" end
events = {}
debug.sethook(function(e, l) events[#events + 1] = e .. ":" .. tostring(l) .. ":" .. tostring(debug.getinfo(2, "n").name) end, "cr")
tc(2)
debug.sethook()
print(table.concat(events, " "))
local n = 0
debug.sethook(function(e) n = n + 1 if n > 100 then error("too many instructions") end end, "", 10)
print(pcall(function() while true do end end))
debug.sethook()
print(n)
local co = coroutine.create(function() local a = 1 coroutine.yield(a) return 2 end)
local lines = {}
debug.sethook(co, function(e, l) lines[#lines+1] = e .. (l or "") end, "l")
print(coroutine.resume(co)) print(coroutine.resume(co))
print(table.concat(lines, " "))
local hf, hm, hc = debug.gethook(co) print(type(hf), hm, hc)
