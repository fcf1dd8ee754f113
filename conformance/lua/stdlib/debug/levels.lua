-- getinfo levels as LuaJIT counts them: the C level of pcall/xpcall between a function and its
-- caller, and the C entry below the main chunk.
local function show(level)
  local i = debug.getinfo(level, "nSl")
  if not i then return "none" end
  return i.what .. ":" .. tostring(i.name) .. ":" .. i.namewhat .. ":" .. i.currentline
end
local function probe()
  return show(2), show(3), show(4), show(5)
end
print(probe())
print(pcall(probe))
print(xpcall(probe, print))
print(select(2, pcall(function() return debug.getinfo(2, "f").func == pcall end)))
