-- Producer/filter/consumer pipeline built from coroutines.
local function producer(items)
  return coroutine.create(function() for _, v in ipairs(items) do coroutine.yield(v) end end)
end
local function receive(prod) local ok, v = coroutine.resume(prod); return v end
local function filter(prod, pred)
  return coroutine.create(function()
    while true do
      local v = receive(prod)
      if v == nil then return end
      if pred(v) then coroutine.yield(v * 10) end
    end
  end)
end
local p = filter(producer({1, 2, 3, 4, 5, 6, 7, 8}), function(v) return v % 2 == 0 end)
local out = {}
while true do local v = receive(p); if v == nil then break end; out[#out + 1] = v end
print(table.concat(out, " "))
local function tokens(s) return coroutine.wrap(function() for w in s:gmatch("%S+") do coroutine.yield(w) end end) end
local count, longest = 0, ""
for w in tokens("the quick brown fox jumps over the lazy dog") do
  count = count + 1
  if #w > #longest then longest = w end
end
print(count, longest)
local fib = coroutine.wrap(function() local a, b = 0, 1 while true do coroutine.yield(a); a, b = b, a + b end end)
local fs = {}
for _ = 1, 15 do fs[#fs + 1] = fib() end
print(table.concat(fs, ","))
local function tree_walk(t)
  return coroutine.wrap(function()
    local function walk(node) if type(node) == "table" then for _, c in ipairs(node) do walk(c) end else coroutine.yield(node) end end
    walk(t)
  end)
end
local leaves = {}
for leaf in tree_walk({1, {2, {3, 4}, 5}, {{6}}, 7}) do leaves[#leaves + 1] = leaf end
print(table.concat(leaves, " "))
