-- Multiple assignment: evaluation, adjustment and swapping.
local a, b, c = 1, 2
print(a, b, c)
a, b = b, a
print(a, b)
local x, y = 1, 2, 3
print(x, y)
local function three() return 1, 2, 3 end
local p, q, r, s = three()
print(p, q, r, s)
p, q, r, s = three(), 10
print(p, q, r, s)
p, q, r, s = 0, three()
print(p, q, r, s)
p, q = (three())
print(p, q)
local t = {}
local i = 1
i, t[1] = i + 1, 20
print(i, t[1], t[2])
t.x, t.y = "X", "Y"
print(t.x, t.y)
g1, g2 = 5, 6
print(g1, g2)
local u, v
print(u, v)
do local z = 1; do local z = z + 1; print("inner", z) end; print("outer", z) end
