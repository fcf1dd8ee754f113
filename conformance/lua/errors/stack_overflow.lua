-- Runaway recursion is a catchable Lua error mentioning "stack overflow".
local function rec(n) return 1 + rec(n + 1) end
local ok, e = pcall(rec, 1)
print(ok, type(e), e:find("stack overflow", 1, true) ~= nil)
local function rec_args(...) return 1 + rec_args(1, 2, 3, ...) end
ok, e = pcall(rec_args)
print(ok, tostring(e):find("stack overflow", 1, true) ~= nil or tostring(e):find("too many", 1, true) ~= nil)
local mt = {}
mt.__index = function(t, k) return t[k .. "x"] end
ok, e = pcall(function() return setmetatable({}, mt).a end)
print(ok, tostring(e):find("stack overflow", 1, true) ~= nil or tostring(e):find("error in error", 1, true) ~= nil)
local co = coroutine.create(function() return rec(1) end)
ok, e = coroutine.resume(co)
print(ok, e:find("stack overflow", 1, true) ~= nil)
local function after() return "recovered" end
print(after())
local depth = 0
local function measured() depth = depth + 1; measured() end
pcall(measured)
print("depth above 1000", depth > 1000)
local function via_pcall(n) local ok, e = pcall(via_pcall, n + 1); if not ok then error(e, 0) end return e end
ok, e = pcall(via_pcall, 1)
print(ok, tostring(e):find("stack overflow", 1, true) ~= nil)
