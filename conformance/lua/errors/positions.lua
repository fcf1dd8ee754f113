-- Error positions: the line of the failing operation in multi-line statements and chunks.
local function msg(f, ...) local ok, e = pcall(f, ...); return e end
print(msg(function()
  local t = {}
  return 1 +
    t.x
end))
print(msg(function()
  local a = nil
  local b = {
    field = a.missing,
  }
end))
print(msg(function(x)
  return x
    .y
    .z
end, {}))
print(msg(loadstring("\n\nlocal x = nil\nreturn x.y", "=chunk")))
print(msg(loadstring("return function() error('inner') end", "=fnchunk")()))
local function lvl2() error("raised at caller", 2) end
print(msg(function()
  local unused = 1
  lvl2()
end))
print(msg(function() error(42) end))
print(msg(function() error(42, 0) end))
print(msg(function() error(12.5) end))
print(msg(function() error("") end))
print(msg(function() error("multi\nline") end))
print(msg(function() local s = string.rep("x", 3); return s + 1 end))
