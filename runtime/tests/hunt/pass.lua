-- Passes under every seed; prints its arguments.
print("pass", ...)
