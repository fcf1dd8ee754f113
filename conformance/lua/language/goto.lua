-- goto and labels: continue idiom, backward jumps, nested blocks, errors.
for i = 1, 5 do
  if i % 2 == 0 then goto continue end
  io.write(i, " ")
  ::continue::
end
print()
local i = 1
::top::
if i <= 3 then io.write("loop", i, " "); i = i + 1; goto top end
print()
for a = 1, 3 do
  for b = 1, 3 do
    if a * b == 4 then goto done end
  end
end
::done::
print("escaped nested loops")
do
  goto skip
  print("skipped")
  ::skip::
end
local fns = {}
do
  local k = 1
  ::again::
  local captured = k
  fns[#fns + 1] = function() return captured end
  k = k + 1
  if k <= 3 then goto again end
end
print(fns[1](), fns[2](), fns[3]())
print(loadstring("goto nowhere"))
print(loadstring("do ::a:: end goto a"))
print(loadstring("::dup:: ::dup::"))
print(loadstring("goto f; local x; ::f:: print(x)"))
print(loadstring("do goto f; local x end ::f::") ~= nil)
print(loadstring("local goto = 3 return goto")())
