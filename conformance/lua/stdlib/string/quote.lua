-- string.format("%q"): escaping of quotes, backslashes, newlines, control bytes, NUL.
local f = string.format
print(f("%q", "plain"))
print(f("%q", 'with "double" and \'single\''))
print(f("%q", "back\\slash"))
print(f("%q", "line1\nline2"))
print(f("%q", "cr\rtab\tnul\0end"))
print(f("%q", "\1\2\31\127\128\255"))
print(f("%q", "\0001"))
print(f("%q", ""))
print(f("%q", 12), f("%q", 1.5))
local all = {}
for i = 0, 255 do all[#all + 1] = string.char(i) end
local s = table.concat(all)
local back = loadstring("return " .. f("%q", s))()
print(back == s, #f("%q", s))
print(pcall(f, "%q"))
print(pcall(f, "%q", nil))
print(f("%q|%q", "a", "b"))
print(f("%5q", "x"))
