-- Fails for the seeds whose `pairs` order starts with "beta" or "gamma", with one message each.
local t = { alpha = 1, beta = 2, gamma = 3, delta = 4, epsilon = 5 }
local keys = {}
for k in pairs(t) do
  keys[#keys + 1] = k
end
if keys[1] == "beta" or keys[1] == "gamma" then
  error("order: " .. keys[1] .. " first")
end
print("ok " .. #keys)
