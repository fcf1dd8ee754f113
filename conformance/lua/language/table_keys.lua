-- Table key normalization: integer-valued floats, strings vs numbers, booleans, -0, huge keys.
local t = {}
t[1] = "int"
print(t[1.0], t["1"], rawget(t, 1.0))
t[1.5] = "float"
t["1.5"] = "string"
print(t[1.5], t["1.5"], t[3 / 2])
t[-0] = "negzero"
print(t[0], t[-0])
t[2^53] = "big"
print(t[2^53], t[2^53 + 1])
t[true], t[false] = "T", "F"
print(t[true], t[false], t[1 == 1])
local k1, k2 = {}, {}
t[k1] = "k1"
print(t[k1], t[k2])
t[print] = "fn"
print(t[print])
t[1e300] = "huge"
t[-1e300] = "neghuge"
t[math.huge] = "inf"
print(t[1e300], t[-1e300], t[math.huge], t[-math.huge])
local arr = {}
for i = 1, 10 do arr[i] = i end
arr[5] = nil
print(arr[4], arr[5], arr[6])
for i = 1, 10 do arr[i * 1.0] = i * 2 end
print(arr[5], arr[10])
local s = {}
s["10"] = "string ten"
s[10] = "number ten"
print(s["10"], s[10], s[10.0])
local count = 0
for k in pairs({[1] = 1, [1.0] = 2, ["1"] = 3}) do count = count + 1 end
print(count)
