-- Multiple results: truncation in the middle, expansion at the end, parentheses.
local function mr() return 1, 2, 3 end
local function none() end
print(mr())
print(mr(), "x")
print("x", mr())
print((mr()))
print(({mr()})[3], ({mr(), nil})[2])
local t = {mr(), mr()}
print(#t)
t = {mr(), (mr())}
print(#t)
t = {none()}
print(#t)
print(none())
print((none()))
print(select("#", none()), select("#", (none())))
local a, b, c, d = mr()
print(a, b, c, d)
local function forward() return mr() end
print(forward())
local function wrapped() return (mr()) end
print(wrapped())
print(math.max(mr()), math.min(mr()))
print(string.rep("ab", mr()))
local s = "" .. mr()
print(s)
local function ret_nil() return nil end
print(select("#", ret_nil()))
print(pcall(mr))
