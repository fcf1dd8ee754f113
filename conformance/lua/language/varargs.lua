-- Varargs: ..., select, arg adjustment, varargs in tables and calls.
local function count(...) return select("#", ...) end
print(count(), count(nil), count(nil, nil), count(1, nil, 3, nil))
local function pass(...) return ... end
print(pass(1, 2, 3))
print((pass(1, 2, 3)))
print(pass(1, 2), pass(3, 4))
local function pack(...) return {n = select("#", ...), ...} end
local p = pack(1, nil, 3)
print(p.n, p[1], p[2], p[3])
print(select(2, "a", "b", "c"))
print(select(-1, "a", "b", "c"))
print(select(-3, "a", "b", "c"))
print(select("#"))
print(pcall(select, 0, "a"))
print(pcall(select, -4, "a", "b", "c"))
print(pcall(select, "x"))
local function first_two(a, b, ...) return a, b, select("#", ...) end
print(first_two(1))
print(first_two(1, 2, 3, 4))
local function sum(...)
  local s = 0
  for i = 1, select("#", ...) do s = s + (select(i, ...)) end
  return s
end
print(sum(1, 2, 3, 4, 5))
local function va_in_middle(...) return {..., "end"} end
print(#va_in_middle(1, 2, 3))
print(unpack({1, 2, 3}))
print(unpack({1, 2, 3}, 2))
print(unpack({1, 2, 3}, 2, 5))
print(unpack({}, 1, 0))
print(select("#", unpack({}, 1, 3)))
print(pcall(unpack))
local function tail(...) return select("#", ...), ... end
print(tail(nil, nil))
print(string.format("%s %s", pass("x", "y")))
local t = {pass(1, 2), pass(3, 4)}
print(#t, t[1], t[2], t[3])
local many = {}
for i = 1, 250 do many[i] = i end
print(select("#", unpack(many)), (select(250, unpack(many))))
print(pcall(function() local r = select(0, "a"); return r end))
print(pcall(function() local r = unpack(nil); return r end))
print(pcall(function() return select(0, "a") end))
