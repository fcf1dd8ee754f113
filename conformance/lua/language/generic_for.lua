-- Generic for: ipairs, custom stateless and stateful iterators, closing at nil.
local t = {"a", "b", "c", nil, "e"}
for i, v in ipairs(t) do io.write(i, "=", v, " ") end
print()
local function range(n)
  return function(_, i) if i < n then return i + 1 end end, nil, 0
end
for i in range(4) do io.write(i, " ") end
print()
local function counter(n)
  local i = 0
  return function() i = i + 1; if i <= n then return i, i * i end end
end
for i, sq in counter(3) do io.write(i, ":", sq, " ") end
print()
local keys = {}
for k, v in pairs({x = 1, y = 2, z = 3}) do keys[#keys + 1] = k .. v end
table.sort(keys)
print(table.concat(keys, ","))
local n = 0
for k, v in next, {10, 20, 30} do n = n + v end
print("next", n)
for _, w in ipairs({}) do print("never") end
print(pcall(function() for x in 5 do end end))
print(pcall(function() for x in nil do end end))
local seen = {}
for i, v in ipairs({1, 2, 3}) do
  if v == 2 then goto continue end
  seen[#seen + 1] = v
  ::continue::
end
print(table.concat(seen, ","))
