-- Errors raised inside metamethods and by invalid metamethod values.
local function msg(f) local ok, e = pcall(f); return e end
local t = setmetatable({}, {
  __index = function(_, k) error("no field " .. k) end,
  __newindex = function(_, k) error("cannot set " .. k, 2) end,
  __add = function() error({code = "add"}) end,
  __call = function(self, x) return x.field end,
})
print(msg(function() return t.foo end))
print(msg(function() t.bar = 1 end))
print(type(msg(function() return t + 1 end)), msg(function() return t + 1 end).code)
print(msg(function() return t(nil) end))
local bad_index = setmetatable({}, {__index = 42})
print(msg(function() return bad_index.x end))
local bad_call = setmetatable({}, {__call = 42})
print(msg(function() return bad_call() end))
local bad_add = setmetatable({}, {__add = "not a function"})
print(msg(function() return bad_add + 1 end))
local bad_tostring = setmetatable({}, {__tostring = function() error("tostring failed") end})
print(msg(function() return tostring(bad_tostring) end))
local bad_lt = setmetatable({}, {__lt = function() error("lt failed", 0) end})
print(msg(function() return bad_lt < bad_lt end))
local bad_concat = setmetatable({}, {__concat = function(a, b) return a.x.y end})
print(msg(function() return bad_concat .. "s" end))
