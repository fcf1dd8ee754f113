-- getfenv/setfenv: per-function environments, levels, and the global table.
print(getfenv() == _G, getfenv(0) == _G, getfenv(1) == _G, getfenv(print) == _G)
local env = {print = print, tostring = tostring, getfenv = getfenv}
local function f() x_in_env = "set"; return x_in_env end
setfenv(f, env)
print(f(), env.x_in_env, rawget(_G, "x_in_env"))
print(getfenv(f) == env)
local sandbox = setmetatable({}, {__index = _G})
local chunk = loadstring("newglobal = 1; return type(print)")
setfenv(chunk, sandbox)
print(chunk(), sandbox.newglobal, newglobal)
local function level_test()
  local function inner() local e = getfenv(2); return e end
  local r = inner()
  return r
end
local e2 = {getfenv = getfenv}
setfenv(level_test, e2)
print(level_test() == e2)
local function changer() setfenv(1, {result = "changed"}); return result end
print(pcall(changer))
print(setfenv(function() end, {}) ~= nil)
print(pcall(setfenv, 1000, {}))
print(pcall(setfenv, print, {}))
print(pcall(getfenv, -1))
print(pcall(setfenv, f, nil))
local clos = function() return up_env_value end
setfenv(clos, {up_env_value = 99})
print(clos())
local f2 = loadstring("local e = getfenv(); return e")
setfenv(f2, env)
print(f2() == env)
