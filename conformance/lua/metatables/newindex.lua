-- __newindex: functions, tables as targets, rawset, existing keys bypass it.
local log = {}
local t = setmetatable({existing = 1}, {__newindex = function(t, k, v) log[#log + 1] = k .. "=" .. tostring(v); rawset(t, k, v * 2) end})
t.a = 1
t.a = 5
t.existing = 10
print(t.a, t.existing, table.concat(log, " "))
local store = {}
local proxy = setmetatable({}, {__newindex = store, __index = store})
proxy.x = "stored"
print(rawget(proxy, "x"), store.x, proxy.x)
local inner = {}
local chain = setmetatable({}, {__newindex = setmetatable({}, {__newindex = inner})})
chain.k = "deep"
print(rawget(chain, "k"), inner.k)
local readonly = setmetatable({}, {__newindex = function(_, k) error("attempt to modify read-only field " .. k, 2) end})
print(pcall(function() readonly.z = 1 end))
local count = 0
local arr = setmetatable({}, {__newindex = function(t, k, v) count = count + 1; rawset(t, k, v) end})
for i = 1, 5 do arr[i] = i end
arr[1] = 100
print(count, arr[1], #arr)
rawset(arr, 6, 6)
print(count, arr[6])
local nilassign = setmetatable({a = 1}, {__newindex = function() print("newindex called") end})
nilassign.a = nil
nilassign.a = 2
print(rawget(nilassign, "a"))
print(pcall(function() setmetatable({}, {__newindex = true}).x = 1 end))
