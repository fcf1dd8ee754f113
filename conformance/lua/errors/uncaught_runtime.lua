-- exit: 1
-- An uncaught runtime error: stdout so far is kept, stderr names the position.
print("before the error")
local t = {}
local function f(i) return i + t end
io.write("partial line without newline")
f(1)
print("never printed")
