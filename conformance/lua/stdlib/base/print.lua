-- print: tabs between values, newline at the end, nil/booleans, and the global tostring.
print()
print(nil)
print(nil, nil)
print(1, "two", true, false, nil, 3.5)
print("embedded\0nul", #"embedded\0nul")
print("")
print(("x"):rep(3), 1e15, 1e16, -0.0, 2^63)
local saved = tostring
tostring = function(v) return "<" .. saved(v) .. ">" end
print(1, "s", nil)
tostring = saved
tostring = nil
local ok, err = pcall(print, 1)
tostring = saved
print(ok, err)
print("restored")
print(select("#", print("returns nothing")))
