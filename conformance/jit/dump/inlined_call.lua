-- jit: traces>=1
-- A small function called in a loop, inlined into the loop's trace, and a table store.
local function scale(x, k) return x * k + 1 end
local t = {}
for i = 1, 64 do t[i] = scale(i, 3) end
print(#t, t[1], t[64])
