-- exit: 3
-- os.exit flushes standard output (and open files) before leaving.
io.write("no newline yet")
print(" ... printed")
io.write("last words")
os.exit(3)
print("never")
