-- Errors raised inside hot loops, caught by pcall: the message (position and variable name)
-- must be the interpreter's, whichever trace is running when the error happens.
local function report(f, ...)
  local ok, msg = pcall(f, ...)
  print(ok, msg)
end

report(function()
  local x = 0
  local step = 1
  for i = 1, 100 do
    if i == 70 then step = nil end
    x = x + step
  end
  return x
end)

report(function()
  local t = {v = 1}
  for i = 1, 100 do
    if i == 50 then t.v = {} end
    t.w = t.v * 2
  end
end)

report(function()
  for i = 1, 100 do
    if i == 80 then undefined_global_fn() end
  end
end)

report(function()
  local s = 0
  for i = 1, 100 do s = s + (missing_global_number or 1) end
  return s + missing_global_number
end)

local up = 1
report(function()
  for i = 1, 100 do
    if i == 90 then up = "text" end
    up = up + 1
  end
end)
up = 5

report(function()
  local rows = {}
  for i = 1, 60 do rows[i] = {i} end
  local s = 0
  for i = 1, 61 do s = s + rows[i][1] end
  return s
end)

report(function()
  local obj = {n = 0}
  function obj:inc() self.n = self.n + 1 end
  for i = 1, 100 do
    if i == 40 then obj.inc = nil end
    obj:inc()
  end
end)

report(function()
  local a = 1
  for i = 1, 100 do
    if i == 30 then a = {} end
    if a < i then a = a + 1 end
  end
end)

report(function()
  local s = ""
  for i = 1, 100 do
    local piece = i % 50 == 0 and {} or "x"
    s = s .. piece
  end
end)

report(function()
  for i = 1, 100 do
    if i == 64 then error("custom failure at " .. i) end
  end
end)

report(function()
  for i = 1, 100 do
    if i == 64 then error(setmetatable({}, {__tostring = function() return "error object " .. i end})) end
  end
end)

report(function()
  local t = setmetatable({}, {__index = function(_, k)
    if k > 75 then error("index " .. k .. " too large", 2) end
    return k
  end})
  local s = 0
  for i = 1, 100 do s = s + t[i] end
  return s
end)

report(function()
  local n = 0
  for i = 1, 100 do n = n + #(i < 95 and "abc" or nil) end
end)

local results = {}
for round = 1, 3 do
  local ok2, msg2 = pcall(function()
    for i = 1, 50 do
      if i == 15 * round then local z = nil; return z.field end
    end
  end)
  results[round] = tostring(ok2) .. " " .. msg2
end
print(table.concat(results, " | "))
