-- Arithmetic metamethods: operand order, mixing with numbers and strings.
local V = {}
V.__index = V
local function vec(x, y) return setmetatable({x = x, y = y}, V) end
local function show(v) return type(v) == "table" and ("(" .. v.x .. "," .. v.y .. ")") or tostring(v) end
V.__add = function(a, b)
  if type(a) == "number" then return vec(a + b.x, a + b.y) end
  if type(b) == "number" then return vec(a.x + b, a.y + b) end
  return vec(a.x + b.x, a.y + b.y)
end
V.__sub = function(a, b) return vec(a.x - b.x, a.y - b.y) end
V.__mul = function(a, b) if type(b) == "number" then return vec(a.x * b, a.y * b) end return a.x * b.x + a.y * b.y end
V.__div = function(a, b) return vec(a.x / b, a.y / b) end
V.__mod = function(a, b) return vec(a.x % b, a.y % b) end
V.__pow = function(a, b) return vec(a.x ^ b, a.y ^ b) end
V.__unm = function(a) return vec(-a.x, -a.y) end
local a, b = vec(1, 2), vec(3, 4)
print(show(a + b), show(a - b), show(a * b), show(a * 2), show(b / 2), show(b % 2), show(a ^ 2), show(-a))
print(show(a + 1), show(10 + a))
local order = {}
local L = setmetatable({}, {__add = function(x, y) order[#order + 1] = "L"; return "L" end})
local R = setmetatable({}, {__add = function(x, y) order[#order + 1] = "R"; return "R" end})
print(L + R, R + L, L + 1, 1 + R)
print(table.concat(order, ","))
local S = setmetatable({}, {__sub = function(x, y) return type(x) .. "-" .. type(y) end})
print(S - 1, 1 - S, "2" - S, S - "x")
print("10" + 1, "3" * "4", 10 .. "")
print(pcall(function() return a + nil end))
print(pcall(function() return {} + 1 end))
local tbl = {}
print(pcall(function() return tbl.field * 2 end))
print(pcall(function() local i = function() end; return i + 1 end))
local up = "notnum"
print(pcall(function() return up - 1 end))
print(pcall(function() return -{} end))
print(pcall(function() return glob % 2 end))
local only_unm = setmetatable({}, {__unm = function(x) return "negated" end})
print(-only_unm, pcall(function() return only_unm + 1 end))
