-- Table constructors: positional, named, computed keys, separators, nesting.
local t = {1, 2, 3; 4, x = "x", ["y z"] = "yz", [10] = 10, [2 + 3] = "five"}
print(t[1], t[2], t[3], t[4], t[5], t.x, t["y z"], t[10])
local n = {[1] = "a", [2] = "b", "c"}
print(n[1], n[2])
local nested = {a = {b = {c = "deep"}}, {1, {2, {3}}}}
print(nested.a.b.c, nested[1][2][2][1])
local trailing = {1, 2, 3,}
print(#trailing)
local empty = {}
print(next(empty))
local mixed = {"one", two = 2, "three", [3.0] = "float key"}
print(mixed[1], mixed[2], mixed[3], mixed.two)
local keys = {[true] = "t", [false] = "f", [1.5] = "f1.5", [-1] = "neg", ["1"] = "str1", [1] = "num1"}
print(keys[true], keys[false], keys[1.5], keys[-1], keys["1"], keys[1])
print(pcall(function() return {[nil] = 1} end))
print(pcall(function() local k = 0 / 0; return {[k] = 1} end))
print(pcall(function() local q = {}; q[nil] = 1 end))
print(pcall(function() local q = {}; q[0 / 0] = 1 end))
local q = {}
q[2 ^ 53] = "big"
q[-0] = "zero"
print(q[2 ^ 53], q[0])
local function f() return 1, 2, 3 end
local e = {f(), f(), x = f()}
print(#e, e.x)
local big = {}
for i = 1, 1000 do big[i] = i end
print(#big, big[1000])
local sparse = {}
sparse[1000000] = true
print(sparse[1000000], sparse[999999])
