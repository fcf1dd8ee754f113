-- Pattern items: classes, sets, quantifiers, %b, %f, anchors, back references.
local function m(s, p) local t = {s:match(p)}; for i = 1, #t do t[i] = tostring(t[i]) end return (#t > 0) and table.concat(t, "|") or "nil" end
local subject = "Hello World 123 foo_bar\tTAB\n!?"
for _, c in ipairs({"%a+", "%d+", "%l+", "%u+", "%s+", "%w+", "%x+", "%p+", "%c", "%A+", "%D+", "%S+", "%W+", "%L+", "%U+", "%P+"}) do
  io.write(c, "=", (m(subject, c):gsub("[\t\n]", "?")), " ")
end
print()
print(m("abc123", "[%a]+"), m("abc123", "[^%a]+"), m("a-b", "[a%-]+"), m("]x", "[]]"), m("^x", "[%^]"), m("a]b", "[^]]+"))
print(m("aaab", "a*"), m("aaab", "a+"), m("aaab", "a-b"), m("b", "a?b"), m("ab", "a?b"), m("", "a*"), m("xyz", "y-"))
print(m("THE (quick) fox", "%((%a+)%)"), m("f(a(b)c)d", "%b()"), m("[[x]]", "%b[]"), m("no close (", "%b()"), m("aXbXc", "%bXX"))
print(m("THE (quick) fox", "%f[%a]%a+"), m("hello world", "%f[%w]%w+$"), m("THE (quick) fox", "%f[%l]%a+"))
local words = {}
for w in ("the cat, the hat; thereafter"):gmatch("%f[%a]the%f[%A]") do words[#words + 1] = w end
print(#words)
print(m("hello", "^h"), m("hello", "^e"), m("hello", "o$"), m("hel$lo", "l$l"), m("hello", "^hello$"), m("^x", "^^x"))
print(m("hello hello", "(h%a+) %1"), m("abab", "(ab)%1"), m("xyyx", "(.)(.)%2%1"), m("say 'hi' now", "(['\"])(.-)%1"))
print(m("key = value", "(%w+)%s*=%s*(%w+)"), m("2024-01-15", "(%d+)-(%d+)-(%d+)"), m("  trim  ", "^%s*(.-)%s*$"))
print(m("hello", "()ll()"), m("hello", "()"), m("abc", "(a)(b)(c)"), m("abc", "((a)(b))"))
print(m("x=1, y=2", "y=(%d)"), m("aaa", "(a-)a"), m("[test]", "%[(.*)%]"), m("a.b.c", "^(.-)%."), m("a.b.c", "^(.*)%."))
print(m("\0abc", "%z"), #m("a\0b", ".+"), m("café", "[\128-\255]+") == "é")
print(m("3.14", "^[+-]?%d+%.?%d*$"), m("-2", "^[+-]?%d+%.?%d*$"), m("1.2.3", "^[+-]?%d+%.?%d*$"))
print(pcall(string.match, "x", "%b"))
print(pcall(string.match, "x", "%f"))
print(pcall(string.match, "x", "(x"))
print(pcall(string.match, "x", "x)"))
print(pcall(string.match, "x", "%g"))
print(pcall(string.match, string.rep("a", 40), string.rep("(a)", 40)))
