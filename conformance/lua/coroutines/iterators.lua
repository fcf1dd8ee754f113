-- Yielding from inside generic-for iterators, from nested calls, and from metamethods.
local co = coroutine.wrap(function()
  for i, v in ipairs({"a", "b", "c"}) do coroutine.yield(i .. v) end
  local function iter(_, i) if i < 3 then coroutine.yield("iter " .. i); return i + 1 end end
  for i in iter, nil, 0 do end
  local t = setmetatable({}, {__add = function(a, b) return coroutine.yield("in __add") end,
                              __concat = function(a, b) return coroutine.yield("in __concat") end,
                              __call = function(self, x) return coroutine.yield("in __call " .. x) end})
  local r1 = t + 1
  local r2 = t .. "x"
  local r3 = t(5)
  coroutine.yield("results " .. tostring(r1) .. " " .. tostring(r2) .. " " .. tostring(r3))
  return "end"
end)
local out = {}
local v = co()
local n = 0
while v ~= "end" do out[#out + 1] = v; n = n + 1; v = co(n) end
for _, line in ipairs(out) do print(line) end
