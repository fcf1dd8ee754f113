-- goto and labels: a label at the end of a block is outside the scope of the block's locals
-- (the `continue` idiom), label names may be reused in nested blocks, and the errors that
-- remain errors.

-- continue in a numeric for, skipping a local
for i = 1, 4 do
  if i % 2 == 0 then goto continue end
  local x = i * 10
  print("odd", x)
  ::continue::
end

-- continue in a generic for and a while loop, with a captured local
local fns = {}
for _, v in ipairs({ "a", "b", "c" }) do
  if v == "b" then goto next end
  local captured = v
  fns[#fns + 1] = function() return captured end
  ::next::
end
for _, f in ipairs(fns) do print("captured", f()) end

local n = 0
while n < 5 do
  n = n + 1
  if n == 3 then goto skip end
  local sq = n * n
  io.write(sq, " ")
  ::skip::
end
print()

-- several labels at the end of a block
do
  goto b
  local y = 1
  ::a::
  ::b::
end
print("after two trailing labels")

-- a function body ending in a label
local function f(k)
  if k then goto done end
  local z = 5
  print("z", z)
  ::done::
end
f(false)
f(true)

-- a label name reused in nested blocks; goto finds the innermost visible one
do
  local out = {}
  ::l::
  do
    goto l
    out[#out + 1] = "not reached"
    ::l::
    out[#out + 1] = "inner"
  end
  print(table.concat(out, ","))
end

-- backward goto as a loop
local count = 0
::again::
count = count + 1
if count < 4 then goto again end
print("count", count)

-- errors that remain errors
local cases = {
  "do goto c local x = 1 ::c:: print(x) end",
  "repeat if true then goto c end local x = 1 ::c:: until x",
  "do ::a:: ::a:: end",
  "goto nowhere",
  "while true do goto b local q ::b:: break end",
}
for _, src in ipairs(cases) do
  local fn, err = loadstring(src, "=case")
  print(fn, err)
end
