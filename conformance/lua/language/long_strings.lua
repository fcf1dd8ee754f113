-- Long brackets with levels, first-newline skipping, and long comments.
print([[simple]])
print([==[contains ]] and ]=] inside]==])
local s = [[
first newline is skipped]]
print(s)
print(#[[

two]])
--[[ a long
comment ]] print("after long comment")
--[==[ comment with ]] inside
]==] print("after leveled comment")
-- a short comment [[ not long
print("after short comment")
print([=[
]=] == "", [[a\nb]], #[[\]])
print([[line1
line2]])
local crlf = loadstring("return [[\r\nx\r\ny]]")()
print(#crlf, crlf:byte(1, -1))
print(loadstring("return [==[ unclosed ]=]"))
print(loadstring("return [=x"))
print(loadstring("--[[ unclosed comment"))
print(loadstring("return [[ nested [[ ok ]]") ~= nil)
--[[]] print("empty long comment")
---[[ not a long comment
print("three dashes")
--]]
