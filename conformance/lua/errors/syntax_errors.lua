-- Syntax errors from loadstring: chunk names, lines and "near" tokens.
local cases = {
  "x = = 1", "local x x", "local 1 = 2", "if true then", "if x else end", "for i = 1 do end",
  "for a, b = 1, 2 do end", "function f( end", "return return", "x = 1 +", "f(", "t = {1, 2",
  "a.b:c = 1", "local function() end", "x = }", "while true end", "repeat until", "return 1 2",
  "x = 'unterminated", "x = [[unterminated", "::lbl", "local t = {[1] 2}", "x = 1 1", "(f)",
  "a, b", "x.y", "f() = 1", "and", "local x <close> = 1", "break", "return ... ", "function f() return ... end",
  "x = #", "not", "x = 1\n\n\ny = = 2", "--[[\n\n", "x = 0x", "x = 3..4", "x = \"a\\", "@",
}
for _, src in ipairs(cases) do
  local f, err = loadstring(src)
  print(f and "compiled" or err)
end
print(loadstring("x = = 1", "=custom"))
print(loadstring("x = = 1", "@file.lua"))
print(loadstring("x = = 1", "a chunk name"))
print(loadstring("x = = 1", "line1\nline2"))
print(loadstring("x = = 1", string.rep("long", 30)))
print(loadstring("\n\n  error here", "=lines"))
print(load("x = = 1", "=load"))
