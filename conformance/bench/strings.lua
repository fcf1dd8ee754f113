-- String-heavy workload: formatting, concatenation, patterns, gsub, byte/char, interning.
-- Usage: strings.lua [N]  (default 300000). Prints a checksum over the produced strings.
local n = tonumber(arg and arg[1]) or 300000
local checksum = 0
local function mix(s) for i = 1, #s, 7 do checksum = (checksum * 31 + s:byte(i)) % 1000000007 end end
local parts = {}
for i = 1, n do
  local s = string.format("item-%05d:%s:%x", i, ("ab"):rep(i % 5), i * 2654435761 % 4294967296)
  parts[#parts + 1] = s
end
local joined = table.concat(parts, ";")
mix(joined)
local count = 0
for key, num, hex in joined:gmatch("(item%-(%d+)):%a*:(%x+)") do
  count = count + 1
  if num:sub(-1) == "7" then mix(key .. hex) end
end
local upper = joined:sub(1, 200000):upper():gsub("ITEM", "it"):gsub("%d", function(d) return string.char(65 + d) end)
mix(upper)
local words = {}
for i = 1, n do words[i] = "w" .. (i % 1000) end
local seen = {}
local distinct = 0
for _, w in ipairs(words) do if not seen[w] then seen[w] = true; distinct = distinct + 1 end end
local built = ""
for i = 1, 3000 do built = built .. string.char(97 + i % 26) end
mix(built:reverse())
local lines = {}
for line in (joined:sub(1, 100000):gsub(";", "\n") .. "\n"):gmatch("([^\n]*)\n") do lines[#lines + 1] = #line end
local sum = 0
for _, l in ipairs(lines) do sum = sum + l end
print(string.format("strings: %d matched, %d distinct, %d lines of total %d, checksum %d", count, distinct, #lines, sum, checksum))
