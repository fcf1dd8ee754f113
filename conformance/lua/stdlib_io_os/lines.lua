-- io.lines and file:lines, with and without formats.
local name = os.tmpname()
local f = assert(io.open(name, "w"))
f:write("first\n\nthird line\r\nlast without newline")
f:close()

for l in io.lines(name) do print("[" .. l .. "]") end

local n = 0
for a, b in io.lines(name, 3, "*l") do n = n + 1; print(n, a, b) end

for l in io.lines(name, "*L") do io.write("<", l, ">") end
print()

f = assert(io.open(name))
for c in f:lines(1) do io.write(c, ".") if c == "t" then break end end
print()
print(f:read("*l"))
for l in f:lines() do print("rest", l) end
print(io.type(f), f:read("*a"), f:read())
f:close()

-- the iterator of io.lines(name) closes its file at the end
local it = io.lines(name)
local count = 0
while it() do count = count + 1 end
print("lines", count)
print(pcall(it))

-- file:lines does not close
f = assert(io.open(name))
for _ in f:lines() do end
print(io.type(f))
f:close()
local it2 = f.lines
print(pcall(it2, f))

-- io.lines() reads the default input
io.input(name)
for l in io.lines() do print("input", l) end
io.input():close()
print(pcall(io.read))
io.input(io.stdin)
os.remove(name)
