-- os.exit(true) exits with status 0 and later code does not run.
print("exiting with true")
os.exit(true)
print("never")
