-- For the seeds whose first random number is 1, waits for a child process that sleeps arg[1]
-- seconds (the hunt's timeout must kill both).
if math.random(2) == 1 then
  os.execute("sleep " .. arg[1])
end
print("awake")
