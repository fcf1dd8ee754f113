-- exit: 1
-- An uncaught error() with a string message at level 2.
local function check(x) if not x then error("check failed", 2) end end
print("checking")
check(true)
check(false)
