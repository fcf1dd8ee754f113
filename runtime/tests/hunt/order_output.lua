-- Always exits 0, but what it prints depends on `pairs` order.
local t = { a = 1, b = 2, c = 3 }
for k in pairs(t) do
  io.write(k)
end
print()
