-- A metatable on _G: strict mode catching undeclared globals, and declared ones working.
local declared = {}
setmetatable(_G, {
  __newindex = function(t, k, v)
    if not declared[k] then error("assignment to undeclared global '" .. tostring(k) .. "'", 2) end
    rawset(t, k, v)
  end,
  __index = function(_, k) error("read of undeclared global '" .. tostring(k) .. "'", 2) end,
})
print(pcall(function() undeclared = 1 end))
print(pcall(function() return also_undeclared end))
declared.allowed = true
allowed = "ok"
print(allowed, rawget(_G, "allowed"))
print(type(print), type(string))
setmetatable(_G, nil)
print(anything_now)
