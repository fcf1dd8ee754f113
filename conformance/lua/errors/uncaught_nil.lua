-- exit: 1
-- error() with no value at all.
print("raising nil")
error()
