-- len, sub (negative and out-of-range indices), upper, lower, rep, reverse, byte, char.
local s = "Hello, World"
print(s:len(), #s, string.len(""), ("a\0b"):len())
print(s:sub(1, 5), s:sub(8), s:sub(-5), s:sub(-5, -2), s:sub(0), s:sub(5, 1), s:sub(100), s:sub(-100, 2))
print(s:sub(3, 3), s:sub(2, -2), ("abc"):sub(-1, -1), ("abc"):sub(4, 10) == "")
print(s:upper(), s:lower(), ("MiXeD 123 äö"):upper())
print(("ab"):rep(3), ("ab"):rep(0), ("ab"):rep(-1), ("x"):rep(3, ","), ("x"):rep(1, ","), (""):rep(5))
print(s:reverse(), (""):reverse(), ("a\0b"):reverse() == "b\0a")
print(s:byte(), s:byte(2), s:byte(-1), s:byte(1, 3))
print(s:byte(100), select("#", s:byte(100)), select("#", s:byte(3, 2)), s:byte(0))
print(string.char(72, 105), string.char(), #string.char(0, 255), string.char("65"))
print(pcall(string.char, 256))
print(string.len(123), pcall(function() local n = 123; return n:len() end))
print(("%d items"):format(3), ("x"):upper():lower():rep(2))
local all = {}
for i = 0, 255 do all[#all + 1] = string.char(i) end
local bytes = table.concat(all)
print(#bytes, bytes:byte(1), bytes:byte(256), bytes:upper():byte(98), bytes:lower():byte(66))
print(tostring(12):rep(2), string.rep(1, 3))
