-- Operator precedence and associativity across the whole 5.1 table.
print(1 + 2 * 3, (1 + 2) * 3, 2 * 3 ^ 2, -2 ^ 2, 2 ^ -2, not nil == true)
print(1 .. 2 .. 3, "a" .. 1 + 2, 2 ^ 3 ^ 2, (2 ^ 3) ^ 2, 100 / 10 / 2, 100 - 10 - 2)
print(1 < 2 == true, "x" .. "y" == "xy", 1 + 1 < 3 and 2 or 3, nil or false and 1)
print(not 1 == 2, not (1 == 2), -3 % 5, -(3 % 5), #"abc" + 1, -#"ab")
print(1 or error("never"), false and error("never"), 2 > 1 or 1 / nil)
print(2 * 3 % 4, 2 + 3 % 4, 7 % 4 * 2, 2 ^ 2 * 3, 3 * 2 ^ 2, -2 ^ -2)
print(1 .. 2 == "12", "1" + "2" .. "", 10 - 2 .. "", ("a"):rep(2) .. "b")
local t = {n = 5}
print(-t.n ^ 2, #"ab" .. "c", not t.missing and "none")
print(1 < 2 and 2 < 3, 1 == 1 ~= false, ("a" < "b") == ("c" < "d"))
print(pcall(function() return "a" < "b" == "c" < "d" end))
print(2 ^ 0.5 * 2 ^ 0.5 > 1.99, 5 - -5, 5 - - - 5, - - 2)
