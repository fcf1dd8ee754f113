-- if/elseif/else, while, repeat (with locals visible in the condition), break.
local function classify(n)
  if n < 0 then return "neg" elseif n == 0 then return "zero" elseif n < 10 then return "small" else return "big" end
end
print(classify(-1), classify(0), classify(5), classify(50))
local i, acc = 0, {}
while i < 5 do i = i + 1; acc[#acc + 1] = i end
print(table.concat(acc, ","))
local n = 0
repeat local done = n >= 3; n = n + 1 until done
print("repeat", n)
local k = 0
while true do k = k + 1; if k == 7 then break end end
print("break at", k)
for a = 1, 3 do
  for b = 1, 3 do
    if b == 2 then break end
    io.write(a, ":", b, " ")
  end
end
print()
if nil then print("no") elseif false then print("no") else print("else branch") end
if 0 then print("0 is true") end
if "" then print("empty string is true") end
local r = 0
repeat r = r + 1; if r == 2 then break end until false
print("repeat break", r)
do local z = 10; print("do block", z) end
print(z)
while false do print("never") end
