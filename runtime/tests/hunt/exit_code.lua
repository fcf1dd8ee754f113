-- Exits with status 3, without a message, for the seeds whose first random number is small.
if math.random(10) <= 3 then
  os.exit(3)
end
print("fine")
