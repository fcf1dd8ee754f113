-- Deeply nested code via loadstring: shallow nesting works; absurd nesting is a clean
-- Lua error (never a crash). Exact limits differ between implementations, so deep
-- cases print only whether they were handled.
local function outcome(src)
  local f, err = loadstring(src)
  if not f then
    if type(err) ~= "string" then return "bad error value" end
    local limit = err:find("too many", 1, true) or err:find("too complex", 1, true) or err:find("overflow", 1, true)
    return limit and "limit error" or ("other error: " .. err)
  end
  local ok, r = pcall(f)
  if ok then return "ran" end
  return type(r) == "string" and "runtime error" or "bad runtime error value"
end
local shapes = {
  parens = function(d) return "return " .. ("("):rep(d) .. "1" .. (")"):rep(d) end,
  tables = function(d) return "return " .. ("{"):rep(d) .. ("}"):rep(d) end,
  unary = function(d) return "return " .. ("-"):rep(d) .. "1" end,
  nots = function(d) return "return " .. ("not "):rep(d) .. "nil" end,
  concat = function(d) return "return " .. ("'a'.."):rep(d) .. "'a'" end,
  power = function(d) return "return " .. ("2^"):rep(d) .. "1" end,
  calls = function(d) return "local f = function(x) return x end return " .. ("f("):rep(d) .. "1" .. (")"):rep(d) end,
  blocks = function(d) return ("do "):rep(d) .. ("end "):rep(d) end,
  ifs = function(d) return ("if true then "):rep(d) .. ("end "):rep(d) end,
  whiles = function(d) return ("while true do "):rep(d) .. ("break end "):rep(d) end,
  functions = function(d) return ("return function() "):rep(d) .. ("end "):rep(d) end,
  indexes = function(d) return "local t = setmetatable({}, {__index = function(t) return t end}) return t" .. ("[1]"):rep(d) end,
}
local names = {}
for name in pairs(shapes) do names[#names + 1] = name end
table.sort(names)
for _, name in ipairs(names) do
  local shallow = outcome(shapes[name](10))
  local deep = outcome(shapes[name](100000))
  local medium = outcome(shapes[name](1000))
  local handled = function(o) return (o == "ran" or o == "limit error" or o == "runtime error") and "handled" or o end
  print(name, shallow, handled(medium), handled(deep))
end
print("parens 100000", outcome(shapes.parens(100000)))
print("tables 100000", outcome(shapes.tables(100000)))
local adds = {"return 0"}
for i = 1, 10000 do adds[#adds + 1] = "+1" end
print("flat additions 10000", outcome(table.concat(adds)), loadstring(table.concat(adds))())
