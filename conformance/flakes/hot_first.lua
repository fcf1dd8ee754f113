-- Planted flake (b): the result depends on which loops get hot, i.e. on the hot counters'
-- seeded start values (LuaJIT: hotloop = 56, each loop's counter starting within 56 +- 7).
-- A performance guard checks that warm-up compiled exactly the two loops it exercises. A third
-- loop, the padding, goes round 50 times: it is compiled too when its counter happened to start
-- low enough -- for some seeds only.
local util = require("jit.util")

local function checksum(data)
  local sum = 0
  for i = 1, #data do
    sum = (sum * 31 + data[i]) % 65521
  end
  return sum
end

local data = {}
for i = 1, 200 do data[i] = (i * 7919) % 251 end

local total = 0
for round = 1, 5 do
  total = total + checksum(data)
end

local padded = 0
for i = 1, 51 do padded = padded + i % 5 end

local compiled = 0
while util.traceinfo(compiled + 1) do compiled = compiled + 1 end
if jit.status() and compiled ~= 2 then
  error("warm-up compiled " .. compiled .. " traces; expected 2 (fill and checksum loops)")
end
print("checksum " .. total .. ", padding " .. padded)
