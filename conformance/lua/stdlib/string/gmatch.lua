-- string.gmatch: iteration with and without captures, anchors, empty matches.
local out = {}
for w in ("one two  three"):gmatch("%a+") do out[#out + 1] = w end
print(#out, table.concat(out, ","))
out = {}
for k, v in ("a=1, b=2, c=3"):gmatch("(%w+)=(%w+)") do out[#out + 1] = k .. ":" .. v end
print(table.concat(out, " "))
out = {}
for p in ("abc"):gmatch("()") do out[#out + 1] = p end
print(table.concat(out, ","))
out = {}
for e in ("abc"):gmatch("x*") do out[#out + 1] = "[" .. e .. "]" end
print(table.concat(out))
out = {}
for a in ("hello"):gmatch("^h") do out[#out + 1] = a end
print(#out, out[1])
out = {}
for line in ("l1\nl2\n\nl4"):gmatch("([^\n]*)\n?") do out[#out + 1] = "<" .. line .. ">" end
print(table.concat(out))
local it = ("x y"):gmatch("%a")
print(it(), it(), it(), it())
out = {}
for d in ("1,22,,333"):gmatch("%d*") do out[#out + 1] = "'" .. d .. "'" end
print(table.concat(out, " "))
print(pcall(string.gmatch, nil, "x"))
local n = 0
for _ in string.rep("ab", 1000):gmatch("ab") do n = n + 1 end
print(n)
