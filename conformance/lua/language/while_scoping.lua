-- Locals declared in loop bodies are fresh each iteration; repeat's condition sees body locals.
local fns = {}
local i = 0
while i < 3 do
  i = i + 1
  local v = i * 2
  fns[i] = function() v = v + 1; return v end
end
print(fns[1](), fns[1](), fns[2](), fns[3]())
local tries = 0
repeat
  tries = tries + 1
  local finished = tries == 4
until finished
print("tries", tries)
local k = 10
while k > 0 do local k = k - 100; if k < 0 then break end end
print("outer k untouched", k)
local n = 0
for _ = 1, 3 do local n = 5; n = n + 1 end
print("outer n untouched", n)
repeat local x = 1 until x == 1
print("done")
