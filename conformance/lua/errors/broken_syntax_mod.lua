-- Helper module for require_errors.lua: does not compile.
local x = = 1
