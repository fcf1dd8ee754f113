-- jit: traces>=1
-- A guard that starts failing halfway: a root trace, then a side trace at hotexit=1.
local a, b = 0, 0
for i = 1, 100 do
  if i <= 50 then a = a + i else b = b - i end
end
print(a, b)
