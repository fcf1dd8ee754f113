-- debug.getinfo: the fields each option letter asks for, names of the calling instruction
-- (global, local, method, field, upvalue), active lines, levels and bad options.
local function keys(t)
  local list = {}
  for k in pairs(t) do list[#list + 1] = k end
  table.sort(list)
  return table.concat(list, " ")
end
local function here() return debug.getinfo(2, "n") end
print(keys(debug.getinfo(1, "S")))
print(keys(debug.getinfo(1, "l")))
print(keys(debug.getinfo(1, "u")))
print(keys(debug.getinfo(1, "n")))
print(keys(debug.getinfo(1, "f")))
print(keys(debug.getinfo(print, "L")))
print(keys(debug.getinfo(1)))

local function name_of() local i = debug.getinfo(2, "n") return tostring(i.name) .. "/" .. i.namewhat end
local function caller() return (name_of()) end
function global_fn() return name_of() end
local obj = {}
function obj:method() return name_of() end
function obj.field() return name_of() end
local up = caller
local function via_upvalue() return (up()) end
print(caller())
print(global_fn())
print(obj:method())
print(obj.field())
print(via_upvalue())
print(name_of())

local function lines()
  local a = 1

  local b = 2
  return a + b
end
local active = debug.getinfo(lines, "L").activelines
local list = {}
for line in pairs(active) do list[#list + 1] = line end
table.sort(list)
print(table.concat(list, " "))

print(debug.getinfo(100))
print(pcall(debug.getinfo, 1, "X"))
print(debug.getinfo(1, "l").currentline)
