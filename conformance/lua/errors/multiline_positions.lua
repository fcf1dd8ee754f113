-- Error lines of statements and expressions spanning lines, as LuaJIT attributes them: a
-- concatenation on its last operand's line, a store on its value's, a numeric for's set-up at
-- 'do', a generic for's call on the last line of its iterator expressions.
local t = nil
print(pcall(function()
  local x = 1 +
    t.a
end))
print(pcall(function()
  local x = t
    .field
end))
print(pcall(function()
  local s = "a" ..
    {} ..
    "b"
end))
print(pcall(function()
  for k, v in
    t
  do end
end))
print(pcall(function()
  for i = 1,
    t do end
end))
print(pcall(function()
  local y = f(
    1,
    2
  )
end))
print(pcall(function()
  t
  .x = 1
end))
print(pcall(function()
  local z = {
    a = t.b,
  }
end))
print(pcall(function()
  return 1 <
    {}
end))
print(pcall(function()
  g(1,
    2)
end))
print(pcall(function()
  for i = 1,
    t
  do

  end
end))
print(pcall(function()
  for k, v in
    t
  do
  end
end))
print(pcall(function()
  local a, b = 1,
    t.x
end))
print(pcall(function()
  t.y, t.z =
    1,
    2
end))
