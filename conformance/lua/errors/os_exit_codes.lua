-- exit: 3
-- os.exit with a code: buffered output is flushed, status is the code.
io.write("flushed before exit\n")
print("still printed")
os.exit(3)
print("never")
