-- jit.flush(), jit.off() and jit.on() called inside hot loops: traces thrown away while they
-- run, or a function barred from compilation midway, must not change any result.
local s = 0
for i = 1, 200 do
  s = s + i * 2
  if i % 50 == 0 then jit.flush() end
end
print("flush in the loop", s)

local function work(n)
  local a = 0
  for i = 1, n do a = a + i % 7 end
  return a
end
local w = 0
for round = 1, 10 do
  w = w + work(30 + round)
  if round == 4 then jit.off(work) end
  if round == 7 then jit.on(work) end
end
print("function turned off and on", w)

local z = 0
for i = 1, 100 do
  if i == 30 then jit.off() end
  if i == 60 then jit.on() end
  z = z + i
end
print("jit turned off and on", z, (jit.status()))

local function inner_flush(k)
  local t = 0
  for i = 1, k do
    t = t + i
    if i == k then jit.flush() end
  end
  return t
end
local f = 0
for i = 1, 20 do f = f + inner_flush(i) end
print("flush from an inner loop", f)
