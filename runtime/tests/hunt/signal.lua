-- Kills itself with SIGABRT (as a crash would) for the seeds whose first random number is 1.
if math.random(3) == 1 then
  os.execute("kill -ABRT $PPID")
end
print("alive")
