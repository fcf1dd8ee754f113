-- io.read("*n") follows C's fscanf("%lf"): what it accepts and what it leaves behind.
local name = os.tmpname()
local cases = {
  "  12abc", "1e x", "1e+", "1e5e", "0x1p4 ", "0X1P-1z", "0x.8", "0x1.8p1", ".5", "1.",
  "1,5", "00012", "-x", "0x", "0xg", "+.e", ".", "", "inf", "-Infinity", "infx", "inx",
  "infinit", "nax", "nan(12)z", "-0", "\t\n 7", "1e308", "1e309", "-2.5e-3 next",
  "123456789012345678901234567890", "0x10", "+5", "--5", "5-",
}
for _, text in ipairs(cases) do
  local f = assert(io.open(name, "w"))
  f:write(text)
  f:close()
  f = assert(io.open(name))
  local n = f:read("*n")
  local rest = f:read("*a")
  print(("%q"):format(text), n, ("%q"):format(rest))
  f:close()
end
-- several numbers in a row, then a failure
local f = assert(io.open(name, "w"))
f:write("1 2\n3\t4 five 6")
f:close()
f = assert(io.open(name))
print(f:read("*n", "*n", "*n", "*n", "*n", "*n"))
print(f:read("*a"))
f:close()
os.remove(name)
