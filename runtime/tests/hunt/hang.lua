-- Loops forever for the seeds whose first random number is 1.
if math.random(4) == 1 then
  while true do end
end
print("done")
