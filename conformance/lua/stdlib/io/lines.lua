-- io.lines and file:lines: iteration, empty lines, missing final newline, errors.
local name = os.tmpname()
local f = assert(io.open(name, "w"))
f:write("alpha\n\nbeta\r\ngamma")
f:close()
local out = {}
for line in io.lines(name) do out[#out + 1] = "[" .. line:gsub("\r", "\\r") .. "]" end
print(#out, table.concat(out))
f = assert(io.open(name))
local n = 0
for line in f:lines() do n = n + #line end
print("total length", n, io.type(f))
f:close()
local ok, err = pcall(io.lines, name .. ".missing")
print(ok, (err:gsub("^.*: ", "FILE: ")))
local empty = os.tmpname()
local count = 0
for _ in io.lines(empty) do count = count + 1 end
print("empty file lines", count)
f = assert(io.open(name))
local it = f:lines()
print(it(), it())
f:close()
print(pcall(it))
os.remove(name)
os.remove(empty)
