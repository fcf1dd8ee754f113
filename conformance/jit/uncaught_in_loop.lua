-- exit: 1
-- An error escaping a hot loop ends the script: the report on stderr names the variable and
-- the line, as the interpreter does.
local sum = 0
local value = 2
for i = 1, 1000 do
  if i == 700 then value = nil end
  sum = sum + i * value
end
print(sum)
