-- exit: 1
-- A syntax error in the main script: nothing runs, the message names the line.
print("this never runs because the chunk does not compile")
local ok = true
local x x = = 1
