-- exit: 1
-- An uncaught error whose object has __tostring.
print("raising an object with __tostring")
error(setmetatable({}, {__tostring = function() return "custom object message" end}))
