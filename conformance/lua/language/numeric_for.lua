-- Numeric for: steps, float steps, bounds evaluated once, loop variable is a copy.
local out = {}
for i = 1, 5 do out[#out + 1] = i end
print(table.concat(out, " "))
out = {}
for i = 10, 1, -3 do out[#out + 1] = i end
print(table.concat(out, " "))
out = {}
for i = 0, 1, 0.25 do out[#out + 1] = i end
print(table.concat(out, " "))
for i = 1, 0 do print("never") end
for i = 1, 1 do print("once", i) end
local limit = 3
for i = 1, limit do limit = 10 end
print("limit", limit)
local count = 0
for i = 1, 3 do i = i * 10; count = count + i end
print("copy", count)
for i = "1", "2" do io.write(type(i), " ", i, " ") end
print()
out = {}
for i = 1.5, 3.5 do out[#out + 1] = i end
print(table.concat(out, " "))
for i = -1, -3, -1 do io.write(i, " ") end
print()
print(pcall(function() for i = 1, "x" do end end))
print(pcall(function() for i = nil, 2 do end end))
print(pcall(function() for i = 1, 2, {} do end end))
local last
for i = 2 ^ 52 - 2, 2 ^ 52 do last = i end
print(last)
for i = math.huge, math.huge do print("huge", i) break end
local steps = 0
for i = 0, 1, 0.1 do steps = steps + 1 end
local acc = {}
for i = 0.1, 0.35, 0.05 do acc[#acc + 1] = string.format("%.17g", i) end
print(steps, #acc, acc[#acc])
print(1 % 0 ~= 1 % 0, 0 % 0 ~= 0 % 0)
