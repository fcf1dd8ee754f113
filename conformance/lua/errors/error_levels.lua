-- error() with levels 0/1/2/3 and non-string error objects.
local function lvl(n) error("msg", n) end
local function caller(n) lvl(n) end
for _, n in ipairs({0, 1, 2, 3}) do print(n, pcall(caller, n)) end
print(pcall(error))
print(pcall(error, nil))
print(pcall(error, 42))
print(pcall(error, 42, 2))
print(pcall(error, true))
local ok, e = pcall(error, {code = 1, msg = "table error"})
print(ok, type(e), e.code, e.msg)
local obj = setmetatable({}, {__tostring = function() return "custom error object" end})
ok, e = pcall(error, obj)
print(ok, e == obj, tostring(e))
print(pcall(function() error("no position", 0) end))
print(pcall(function() error("with position") end))
print(pcall(function() error("with position", 1) end))
local function validate(x) if type(x) ~= "number" then error("expected number, got " .. type(x), 2) end return x end
local function use() return validate("str") end
print(pcall(function() local r = validate("s"); return r end))
print(pcall(use))
print(pcall(error, "string with level 5", 5))
local nested_ok, nested_e = pcall(function()
  local ok2, e2 = pcall(error, "inner")
  error("outer after " .. e2, 0)
end)
print(nested_ok, nested_e)
print(pcall(pcall))
print(pcall(pcall, error, "x"))
print(select("#", pcall(error)))
