-- and/or/not: short circuit and the values they return.
print(nil and 1, false and 1, 0 and 1, "" and "yes")
print(nil or 1, false or nil, 0 or 1, nil or false)
print(not nil, not false, not 0, not "", not not nil)
print(1 and 2 or 3, nil and 2 or 3, false or nil and 1)
local calls = 0
local function side(v) calls = calls + 1; return v end
local r = side(false) and side(true)
print(r, calls)
r = side(true) or side(false)
print(r, calls)
r = side(nil) or side(false) or side("last")
print(r, calls)
print(1 == 1 and "eq" or "ne", 1 == 2 and "eq" or "ne")
local x = nil
print(x and x.field or "guarded")
print(not 1 == 2, not (1 == 2))
