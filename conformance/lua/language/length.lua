-- The length operator on strings and on tables with a proper sequence.
print(#"", #"abc", #"a\0b", #"\u{20AC}")
print(#{}, #{1, 2, 3}, #{n = 1}, #{1, 2, nil})
local t = {}
for i = 1, 100 do t[i] = i end
print(#t)
t[#t] = nil
print(#t)
t[#t + 1] = "x"
print(#t, t[100])
local s = "hello"
print(#s + 1, -#s)
print(pcall(function() return #nil end))
print(pcall(function() local n = 5; return #n end))
print(pcall(function() return #undefinedglobal end))
