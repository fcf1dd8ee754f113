-- Numeric literals and how numbers are printed (%.14g, inf, nan, -0).
print(1, 1.0, -1, 0.5, .5, 5., 1e2, 1E-2, 0x10, 0XfF, 0xA.8p1, 0x.1p4, 0x1P-2)
print(3.14159265358979, 1/3, 2/3, 100000000000000, 1e14, 1e15, 1e100, 123456789012)
print(2^53, 2^63, 2^64, -2^63, 1e-5, 1e-300, 5e-324, 2.5e-310)
print(1/0, -1/0, 0/0 ~= 0/0, -0, 0 * -1, -0.0, 1 / (-0))
print(tostring(1e15), tostring(-1e15), tostring(1e16), tostring(0.1 + 0.2))
print(math.pi, -math.pi, 1e308 * 10, -(0/0) ~= -(0/0))
print(255 == 0xff, 1e1 == 10, 0x10p0 == 16)
print(9007199254740993, 12345678901234567890)
print(0xffffffff, 0x100000000, 0x7fffffffffffffff)
print(tonumber("0x1p4"), tonumber("1e"), tonumber("1e+"), tonumber(".e1"), tonumber("0x"))
print(tonumber("  10  "), tonumber("10 1"), tonumber(""), tonumber("inf"), tonumber("nan"))
print(string.format("%.17g", 0.1), string.format("%.3f", 2 / 3))
for _, src in ipairs({"1..2", "0xg", "1e", "3x", "0x1.2.3", "08", "1_000"}) do
  local f, err = loadstring("return " .. src)
  print(src, f and select("#", f()) or err)
end
