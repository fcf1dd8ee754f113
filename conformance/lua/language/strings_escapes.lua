-- String literals: every escape sequence LuaJIT 2.1 accepts, printed as bytes.
local function bytes(s) local b = {} for i = 1, #s do b[i] = s:byte(i) end return table.concat(b, " ") end
print(bytes("\a\b\f\n\r\t\v\\\"\'"))
print(bytes("\0\1\12\123\255"), bytes("\0012"), bytes("\9x"))
print(bytes("\x00\x41\x7f\xff\xAb"))
print(bytes("\u{41}\u{7F}\u{80}\u{7FF}\u{800}\u{FFFF}\u{10000}\u{10FFFF}"))
print(bytes("\u{0000041}"), #"\u{20AC}")
print("a\z
       b", "c\z   d")
print("line1\
line2")
print('single "double" inside', "double 'single' inside")
print(bytes("\r\n"), #"\\n")
for _, src in ipairs({[["\400"]], [["\256"]], [["\xZZ"]], [["\x4"]], [["\u{110000}"]], [["\u{}"]], [["\u41"]], [["\q"]], [["abc]], "'abc\ndef'"}) do
  local f, err = loadstring("return " .. src)
  print(src:gsub("\n", "\\n"), f and "ok" or err)
end
print(loadstring([[return "\u{7FFFFFFF}"]]) ~= nil)
