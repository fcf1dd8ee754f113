-- os.date in UTC ("!") for fixed times.
for _, t in ipairs({0, 86399, 951782400, 1234567890, -1, 2^31, -2^31, 4102444800}) do
  print(t, os.date("!%Y-%m-%d %H:%M:%S %a %A %b %B %j %w %p %I %y", t))
end
print(os.date("!%c|%x|%X|%D|%T|%R|%F|%e|%%|%n|%t|", 1234567890))
print(os.date("!%U %W %V %G %g %u %C %h %s", 1234567890))
print(os.date("!", 0), os.date("", 0), os.date("!literal only", 0))
local t = os.date("!*t", 1234567890)
print(t.year, t.month, t.day, t.hour, t.min, t.sec, t.wday, t.yday, t.isdst)
t = os.date("!*t", -1)
print(t.year, t.month, t.day, t.hour, t.min, t.sec, t.wday, t.yday, t.isdst)
print(os.date("!%Y", 1e20), os.date("!%Y", -1e20), os.date("!%Y", 0/0))
print(os.date("!%Y-%m-%d", "86400"))
print(pcall(os.date, "!%Y", "x"))
print(os.date("!*t\0ignored", 0).year, os.date("!%Y\0%m", 0))
