-- exit: 1
-- An uncaught error whose object is a table without __tostring.
print("about to raise a table")
error({code = 3})
