-- jit: traces>=1
-- One loop, one trace: the smallest -jdump worth a snapshot.
local s = 0
for i = 1, 100 do s = s + i * 2 end
print(s)
