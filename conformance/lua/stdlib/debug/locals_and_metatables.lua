-- getlocal/setlocal (levels, temporaries, functions, threads), upvalueid/upvaluejoin,
-- debug.setmetatable on numbers, nil and functions, tracebacks of threads and around xpcall.
local function f(a, b) local c = a + b
  print(debug.getlocal(1, 1), debug.getlocal(1, 2), debug.getlocal(1, 3), (debug.getlocal(1, 4)))
  print(debug.setlocal(1, 3, 100), c)
  print(debug.setlocal(1, 9, 1))
  print(pcall(debug.getlocal, 50, 1))
  return c
end
print(f(1, 2))
print(debug.getlocal(f, 1), debug.getlocal(f, 2), debug.getlocal(f, 3))
local u1, u2 = 1, 2
local function g() return u1 end
local function h() return u2 end
print(debug.upvalueid(g, 1) == debug.upvalueid(g, 1), debug.upvalueid(g, 1) == debug.upvalueid(h, 1), type(debug.upvalueid(g, 1)))
debug.upvaluejoin(g, 1, h, 1)
print(g())
debug.setmetatable(10, {__index = function(n, k) return k .. n end})
print((5).x)
debug.setmetatable(10, nil)
debug.setmetatable(nil, {__index = function() return "nilidx" end}) print((nil).foo) debug.setmetatable(nil, nil)
debug.setmetatable(print, {__index = {name = "fn"}}) print(print.name, f.name) debug.setmetatable(print, nil)
local co = coroutine.create(function(x) local y = x * 2 coroutine.yield(y) end)
coroutine.resume(co, 21)
print(debug.getlocal(co, 1, 1), debug.getlocal(co, 1, 2))
print(debug.traceback(co))
print(debug.traceback(co, "msg"))
print((debug.traceback("hi", 1):gsub("\n\t%[C%]: at 0x%x+", "")))
print(xpcall(function() error("x") end, function(m) return (debug.traceback(m):gsub("\n\t%[C%]: at 0x%x+", "")) end))
print(debug.getinfo(co, 1, "l").currentline)
print(debug.getlocal(co, 0, 1), debug.getlocal(co, 1, 3))
print(pcall(debug.getlocal, co, 2, 1))
print(debug.setlocal(co, 1, 2, 99), select(2, debug.getlocal(co, 1, 2)))
print(debug.traceback(co, "m", 0))
print((debug.traceback(123):gsub("\n\t%[C%]: at 0x%x+", "")))
print(debug.traceback({}) ~= nil)
