-- string.find: plain and pattern search, init positions, captures in results.
local function r(...) local t = {} for i = 1, select("#", ...) do t[i] = tostring((select(i, ...))) end return "[" .. table.concat(t, ",") .. "]" end
local s = "the quick brown fox"
print(r(s:find("quick")), r(s:find("o")), r(s:find("o", 14)), r(s:find("o", -3)), r(s:find("xyz")))
print(r(s:find("")), r(s:find("", 5)), r(s:find("", 100)), r(s:find("", 20)), r(s:find("", 21)))
print(r(s:find("q(u)(i)")), r(s:find("(%a+) (%a+)$")))
print(r(s:find(".", 1, true)), r(("a.b"):find(".", 1, true)), r(("a+b"):find("+", 1, true)), r(("a%b"):find("%", 1, true)))
print(r(s:find("()qu()")), r(s:find("", 1, true)), r(s:find("fox", 1, true)))
print(r(("aaa"):find("a-", 2)), r(("aaa"):find("a*", 2)), r(("abc"):find("b", -1)), r(("abc"):find("b", -10)))
print(r(("x"):find("x", 0)), r(("x"):find("x", 2)), r(("hello"):find("l+")))
print(pcall(string.find, "abc", "[a-"))
print(pcall(string.find, "abc", "[a"))
print(pcall(string.find, "abc", "%"))
print(pcall(string.find, "abc", "(()"))
print(pcall(string.find, "abc", "%1"))
print(pcall(string.find, "abc", "a)"))
print(r(("a\0b\0c"):find("\0", 1, true)), r(("a\0b"):find("%z")), r(("a.b"):find("%.")))
print(r(("12ab"):find("^%d+")), r(("ab12"):find("^%d+")), r(("ab12"):find("%d+$")), r(("a^b"):find("a^b")), r(("a$b"):find("a$b")))
print(r(("abc"):find("b", 1.0)), r(("abc"):find(98)), r(("a1"):find(1)))
