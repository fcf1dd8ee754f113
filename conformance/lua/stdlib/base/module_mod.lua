-- A 5.1-style module (loaded by package_lib.lua).
module(..., package.seeall)
value = 42
function hello() return "hello from " .. _NAME .. " via " .. type(print) end
