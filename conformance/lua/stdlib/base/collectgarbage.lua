-- collectgarbage options that exist in LuaJIT 2.1 and their result types.
print(collectgarbage())
print(collectgarbage("collect"))
print(type(collectgarbage("count")), collectgarbage("count") > 0)
print(type(collectgarbage("step")))
print(type(collectgarbage("setpause", 200)), type(collectgarbage("setstepmul", 200)))
print(collectgarbage("stop"), collectgarbage("restart"))
print(type(collectgarbage("isrunning")))
print(pcall(collectgarbage, "bogus"))
local before = collectgarbage("count")
local big = {}
for i = 1, 100000 do big[i] = {i} end
local during = collectgarbage("count")
big = nil
collectgarbage()
local after = collectgarbage("count")
print(during > before, after < during)
print(type(gcinfo()), gcinfo() > 0)
