-- Planted flake (c): the result depends on trace-abort penalties.
-- The loop below logs an event through pcall (not compiled: recording aborts) on 63
-- iterations out of 64. Each abort makes the loop wait before the next attempt, LuaJIT's
-- way: 72 iterations, then twice the last wait plus a random 0..15. Recording succeeds only
-- when an attempt starts on an iteration without the concatenation, which depends on those
-- random waits. The test assumed the loop never compiles.
local util = require("jit.util")
jit.opt.start("hotloop=4")

local log, n = {}, 0
local function append(event)
  n = n + 1
  log[n] = event
end
local acc = 0
for i = 1, 4000 do
  if i % 64 ~= 0 then pcall(append, i) end
  acc = acc + i % 7
end

if util.traceinfo(1) then
  error("the logging loop was compiled; expected it to stay interpreted")
end
print("logged " .. n .. " events, acc " .. acc)
