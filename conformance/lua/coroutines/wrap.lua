-- coroutine.wrap: generators, errors propagate with position, dead wrap.
local function range(n) return coroutine.wrap(function() for i = 1, n do coroutine.yield(i) end end) end
local got = {}
for i in range(5) do got[#got + 1] = i end
print(table.concat(got, " "))
local gen = coroutine.wrap(function(a) local b = coroutine.yield(a * 2); return b + 1 end)
print(gen(5), gen(10))
print(pcall(gen))
local failing = coroutine.wrap(function() error("boom") end)
print(pcall(failing))
local failing_tbl = coroutine.wrap(function() error({code = 7}) end)
local ok, e = pcall(failing_tbl)
print(ok, type(e), e.code)
local function permgen(a, n)
  n = n or #a
  if n <= 1 then coroutine.yield(a) else
    for i = 1, n do
      a[n], a[i] = a[i], a[n]
      permgen(a, n - 1)
      a[n], a[i] = a[i], a[n]
    end
  end
end
local perms = {}
for p in coroutine.wrap(function() permgen({1, 2, 3}) end) do perms[#perms + 1] = table.concat(p) end
print(#perms, table.concat(perms, " "))
print(coroutine.isyieldable())
print(coroutine.wrap(function() return coroutine.isyieldable() end)())
print(pcall(coroutine.wrap, nil))
local nested = coroutine.wrap(function()
  local inner = coroutine.wrap(function() coroutine.yield("inner1"); coroutine.yield("inner2") end)
  coroutine.yield(inner())
  coroutine.yield("outer")
  coroutine.yield(inner())
end)
print(nested(), nested(), nested())
