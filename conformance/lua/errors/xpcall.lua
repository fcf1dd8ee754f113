-- xpcall: handlers receive the original error, tracebacks, handler errors.
local function handler(m) return "handled<" .. tostring(m) .. ">" end
print(xpcall(function() error("oops") end, handler))
print(xpcall(function() return 1, 2, 3 end, handler))
print(xpcall(function() error({}) end, function(e) return type(e) end))
print(xpcall(function() local x = nil; return x.y end, handler))
local tb
xpcall(function() error("traced") end, function(m) tb = debug.traceback(m, 1) end)
print((tb:gsub("\n.*", "")))
print(tb:find("stack traceback:", 1, true) ~= nil)
local tb2 = select(2, xpcall(function() error("x") end, debug.traceback))
print((tb2:match("^[^\n]*")))
print(xpcall(function() error("orig") end, function() error("in handler") end))
print(pcall(xpcall))
print(pcall(xpcall, print))
print(xpcall(error, function(m) return "h:" .. tostring(m) end, "extra"))
local depth = 0
print(xpcall(function() local function r() depth = depth + 1; return r() + 1 end; return r() end,
  function(m) return (tostring(m):find("stack overflow", 1, true) ~= nil) and "overflow seen" or m end))
print(xpcall(function(...) return select("#", ...) end, handler, 1, 2, 3))
