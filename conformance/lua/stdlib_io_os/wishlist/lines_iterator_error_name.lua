-- LuaJIT names a native called by a generic for "(for generator)" in argument errors.
local f = io.tmpfile()
print(pcall(function() for _ in f:lines("*x") do end end))
