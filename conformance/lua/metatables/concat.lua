-- __concat: either operand, chains of .., numbers and strings on the other side.
local C = {}
C.__concat = function(a, b)
  local function s(v) return type(v) == "table" and ("<" .. v.v .. ">") or tostring(v) end
  return s(a) .. s(b)
end
local function c(v) return setmetatable({v = v}, C) end
print(c("a") .. "x", "x" .. c("b"), 1 .. c("n"), c("p") .. c("q"))
print("a" .. "b" .. c("m") .. "c" .. "d")
local seen = {}
local T = setmetatable({}, {__concat = function(a, b)
  seen[#seen + 1] = (type(a) == "table" and "T" or a) .. "|" .. (type(b) == "table" and "T" or b)
  return "r"
end})
local r = "1" .. "2" .. T .. "3" .. "4"
print(r, table.concat(seen, "  "))
seen = {}
r = T .. "x" .. T
print(r, table.concat(seen, "  "))
local N = setmetatable({}, {__concat = function(a, b) return 42 end})
print(N .. "x", type(N .. "x"))
print(pcall(function() return setmetatable({}, {}) .. "x" end))
print(pcall(function() return "x" .. setmetatable({}, {__add = function() end}) end))
