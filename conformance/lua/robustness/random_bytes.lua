-- Random byte strings given to loadstring never crash: they compile or return nil + a string.
local seed = 987654321
local function rnd(n) seed = (seed * 16807) % 2147483647; return seed % n end
local compiled, rejected, bad = 0, 0, 0
for round = 1, 2000 do
  local len = rnd(60)
  local bytes = {}
  for i = 1, len do bytes[i] = string.char(rnd(256)) end
  local src = table.concat(bytes)
  local f, err = loadstring(src)
  if f then compiled = compiled + 1
  elseif type(err) == "string" and f == nil then rejected = rejected + 1
  else bad = bad + 1 end
end
print("random bytes: bad results", bad, "total", compiled + rejected)
local alphabet = {"local", "x", "=", "(", ")", "{", "}", "[", "]", "..", "...", "function", "end", "if", "then", "return", "1", "'s'", ",", ";", "::", "goto", "#", "-", "not", "and", "or", "[[", "]]", "\n", "--", "while", "do", "for", "in", "repeat", "until", "."}
compiled, rejected, bad = 0, 0, 0
for round = 1, 3000 do
  local parts = {}
  for i = 1, rnd(25) do parts[i] = alphabet[rnd(#alphabet) + 1] end
  local f, err = loadstring(table.concat(parts, " "))
  if f then compiled = compiled + 1
  elseif type(err) == "string" then rejected = rejected + 1
  else bad = bad + 1 end
end
print("random tokens: bad results", bad, "total", compiled + rejected)
print(select("#", loadstring("\0")), type(select(2, loadstring("\0"))))
print(select("#", loadstring("\255\254")), type(select(2, loadstring("\255\254"))))
print(loadstring("\27Lua garbage") == nil)
