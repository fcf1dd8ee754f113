-- exit: 1
-- An uncaught error whose value is a number gets a position like a string.
print("raising a number")
local function fail() error(404) end
fail()
