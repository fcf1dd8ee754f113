-- __mode: weak keys, weak values and both, cleared by a full collection.
local function count(t) local n = 0 for _ in pairs(t) do n = n + 1 end return n end
local function fill_values(t, n) for i = 1, n do t[i] = {} end end
local wv = setmetatable({}, {__mode = "v"})
fill_values(wv, 10)
local keep = {}
wv.kept = keep
wv.str = "strings are values, never collected"
wv.num = 12
collectgarbage()
collectgarbage()
print("weak values", count(wv), wv.kept == keep, wv.str ~= nil, wv.num)
local wk = setmetatable({}, {__mode = "k"})
local k1 = {}
wk[k1] = "alive"
for i = 1, 10 do wk[{}] = i end
wk.strkey = "string keys stay"
collectgarbage()
collectgarbage()
print("weak keys", count(wk), wk[k1], wk.strkey)
local both = setmetatable({}, {__mode = "kv"})
both[k1] = {}
both[{}] = k1
both[1] = k1
collectgarbage()
collectgarbage()
print("weak both", count(both), both[1] == k1)
local strong = {}
for i = 1, 5 do strong[i] = {} end
collectgarbage()
print("strong", count(strong))
local cache = setmetatable({}, {__mode = "v"})
local function get(k) local v = cache[k]; if not v then v = {k = k}; cache[k] = v end; return v end
local held = get("a")
get("b")
collectgarbage()
collectgarbage()
print("cache", cache.a == held, cache.b)
print(collectgarbage("count") > 0, type(collectgarbage("count")))
