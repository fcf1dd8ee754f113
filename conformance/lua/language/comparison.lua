-- Relational and equality operators on every basic type.
print(1 < 2, 2 < 1, 1 <= 1, 2 >= 3, 3 > 2, 1 == 1.0, 1 ~= 2)
print("a" < "b", "abc" < "abd", "Z" < "a", "" < "a", "a" < "aa", "b" >= "abc")
print("10" < "9", 10 < 9)
print("a\0b" < "a\0c", "a\0" > "a")
print(1 == "1", "1" == 1, nil == false, 0 == false)
local t1, t2 = {}, {}
print(t1 == t1, t1 == t2, t1 ~= t2)
local f = function() end
print(f == f, f == function() end)
print(0 / 0 == 0 / 0, 0 / 0 ~= 0 / 0, 0 / 0 < 1, 0 / 0 > 1)
print(-0 == 0, math.huge > 1e308, -math.huge < -1e308)
print(pcall(function() return 1 < "2" end))
print(pcall(function() return {} < {} end))
print(pcall(function() return nil < 1 end))
print(pcall(function() return true <= false end))
print(pcall(function() return "x" >= 1 end))
