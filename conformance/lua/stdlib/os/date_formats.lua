-- os.date conversions on fixed UTC times (C locale), and os.time round trips in UTC fields.
local when = 1700000000
for _, spec in ipairs({"%a", "%A", "%b", "%B", "%d", "%H", "%I", "%j", "%m", "%M", "%p", "%S", "%U", "%w", "%W", "%y", "%Y", "%%"}) do
  io.write(spec, "=", os.date("!" .. spec, when), " ")
end
print()
print(os.date("!%Y-%m-%dT%H:%M:%SZ", 0), os.date("!%Y-%m-%dT%H:%M:%SZ", 951782400), os.date("!%j", 951782400 + 86400))
print(os.date("!%Y-%m-%d", -86400), os.date("!%Y", 2^31), os.date("!%H:%M:%S", 86399))
print(os.date("!literal text only", when))
print(os.date("!", when) == "")
local t = os.date("!*t", when)
print(t.year, t.month, t.day, t.hour, t.min, t.sec, t.wday, t.yday, t.isdst)
local leap = os.date("!*t", 951782400 + 86400)
print(leap.month, leap.day, leap.yday)
print(pcall(os.date, "!*t", "bad"))
