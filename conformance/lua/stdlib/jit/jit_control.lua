-- jit.on/off/flush for the engine, one function and function trees; jit.status's flags;
-- jit.opt.start levels, flags, parameters and its errors. CPU feature names differ between
-- machines, so only the switch and the flags of jit.status() are printed.
jit.on()
jit.opt.start(3)
local known = {
  fold = true, cse = true, dce = true, fwd = true, dse = true,
  narrow = true, loop = true, abc = true, sink = true, fuse = true,
}
local function status()
  local t = { jit.status() }
  local out = { tostring(t[1]) }
  for i = 2, #t do
    if known[t[i]] then out[#out + 1] = t[i] end
  end
  return table.concat(out, " ")
end
print(status())

-- Levels: 0..3, any digit above 3 is 3; no argument restores the default flags.
jit.opt.start("0") print(status())
jit.opt.start("1") print(status())
jit.opt.start("2") print(status())
jit.opt.start() print(status())
jit.opt.start("0", "9") print(status())
jit.opt.start(1) print(status())

-- Flags: name or +name sets, -name, noname and no-name clear; arguments apply in order.
jit.opt.start("3", "-fold", "nocse", "no-dce") print(status())
jit.opt.start("0", "+loop", "sink", "abc") print(status())
jit.opt.start("3", "-narrow", "narrow") print(status())

-- Parameters, set to LuaJIT's defaults so the rest of the script runs as usual.
print(jit.opt.start("maxtrace=1000", "maxrecord=4000", "maxirconst=500", "maxside=100",
  "maxsnap=500", "minstitch=0", "hotexit=10", "tryside=4", "instunroll=4",
  "loopunroll=15", "callunroll=3", "recunroll=2", "sizemcode=64"))
jit.opt.start(3)

-- Errors: each argument is one item (no comma lists), strings or numbers only.
for _, bad in ipairs({ "foo", "", "Fold", "fold=1", "no", "12", "-3", "+hotloop=1",
  "hotloop", "hotloop=1x", "hotloop=-1", "hotloop= 1", "hotloop=1,hotexit=1" }) do
  print(pcall(jit.opt.start, bad))
end
print(pcall(jit.opt.start, "fold", {}))
print(pcall(jit.opt.start, nil))
print(pcall(function() jit.opt.start("cse", "bogus") end))
print(status())

-- One function, a function and its nested functions, or the nested ones only.
local function sum(n)
  local s = 0
  for i = 1, n do s = s + i end
  return s
end
print(jit.off(sum), sum(1000))
print(jit.on(sum), sum(1000))
print(jit.flush(sum), sum(1000))
local function outer(n)
  local function inner(m)
    local s = 0
    for i = 1, m do s = s + i * 2 end
    return s
  end
  local s = 0
  for i = 1, n do s = s + inner(i) end
  return s
end
print(jit.off(outer, true), outer(50))
print(jit.on(outer, false), outer(50))
print(jit.on(outer, true), outer(50))
print(jit.flush(outer, true), jit.flush(outer, false), outer(50))
print(jit.off(sum, "not a boolean"), sum(10))
jit.on(sum)

-- true means the calling function: allowed from Lua code, refused from pcall.
print(select("#", jit.off(true)), select("#", jit.on(true)))
print(coroutine.wrap(function() jit.off(true) jit.on(true) return "in a coroutine" end)())
print(pcall(jit.off, true))
print(pcall(jit.flush, true))

-- Natives and other values are refused with LuaJIT's wording.
for _, v in ipairs({ print, false, "x", 1, {} }) do
  print(pcall(jit.off, v))
  print(pcall(jit.on, v))
end
print(pcall(jit.flush, print))
print(pcall(jit.flush, "1"))
print(pcall(function() jit.off("x") end))

-- jit.flush(n) takes a trace number; nil arguments mean the engine.
print(jit.flush(1), jit.flush(2.5), jit.flush(), jit.flush(nil, true))

-- The engine switch.
jit.off() print(status(), sum(100))
jit.on() print(status(), sum(100))
jit.off(nil, true) print(status())
jit.on(nil) print(status())

-- A loop made by a backward goto runs the same with the JIT on or off.
local function gotoloop(n)
  local i, s = 1, 0
  ::top::
  s = s + i
  i = i + 1
  if i <= n then goto top end
  return s
end
print(gotoloop(200))
jit.off(gotoloop) print(gotoloop(200))
