-- __call: callable tables, extra arguments, chains, errors on non-callables.
local callable = setmetatable({name = "c"}, {__call = function(self, a, b) return self.name, a, b end})
print(callable(1, 2))
print(pcall(callable, "p"))
local acc = setmetatable({total = 0}, {__call = function(self, n) self.total = self.total + n; return self end})
acc(1)(2)(3)
print(acc.total)
local memo = setmetatable({}, {__call = function(self, n)
  if self[n] then return self[n] end
  local v = n < 2 and n or self(n - 1) + self(n - 2)
  self[n] = v
  return v
end})
print(memo(80))
local inner = setmetatable({}, {__call = function(_, x) return "inner", x end})
local outer = setmetatable({}, {__call = inner})
print(pcall(outer, 1))
print(pcall(function() local t = {}; t() end))
print(pcall(function() local t = {}; t.field() end))
print(pcall(function() undefinedfn() end))
print(pcall(function() local s = "str"; s() end))
print(pcall(function() (1)() end))
local up = 7
print(pcall(function() up() end))
print(select("#", callable()))
for _, v in ipairs({callable}) do print(type(v), (v())) end
print(table.concat({pcall(setmetatable({}, {__call = function(_, ...) return select("#", ...) end}), nil, nil)}, " ", 2))
