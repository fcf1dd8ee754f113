-- tostring and type on every kind of value; tostring of tables has a fixed prefix.
local values = {nil, true, false, 0, -1.5, 1e300, "str", {}, print, function() end, coroutine.create(function() end), newproxy()}
for i = 1, 12 do
  local v = values[i]
  local s = tostring(v)
  local shown = (type(v) == "table" or type(v) == "function" or type(v) == "thread" or type(v) == "userdata")
    and (s:match("^(%a+): ") or s:match("^(%a+)#")) or s
  print(i, type(v), shown)
end
print(pcall(type))
print(type(type), type(_G), type(_VERSION), _VERSION)
print(tostring(1/0), tostring(-1/0), tostring(0/0) == tostring(0/0))
print(tostring(10 / 2), tostring(3), tostring(-0.0), tostring(2^31))
