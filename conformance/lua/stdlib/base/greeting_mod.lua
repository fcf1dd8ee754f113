-- Helper module for require.lua (not a test script).
loads_of_greeting_mod = (loads_of_greeting_mod or 0) + 1
local M = {}
M.name = ...
function M.greet(who) return "hello, " .. who end
return M
