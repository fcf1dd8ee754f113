-- Planted flake (d): the story's miscompile, retold.
-- `tally` has a wide frame (its cursor lives in slot 30) and returns two values, of which the
-- caller keeps one. When the exit that ends tally's counting loop gets hot, a side trace grows
-- from it: it advances the cursor, returns below its start frame and writes the caller's `i`
-- (slot -1: its tag at -16) and the cursor (slot 30: its payload at 488) back to the stack,
-- one store after the other. A pair fuser that reads the -16 store's offset by its raw 9-bit
-- field (496) pairs them into `stp ..., [x19, #488]`: `i` keeps the tag of the function that was
-- called, and the next arithmetic on it fails. Whether that side trace forms depends on the
-- seed (hot counters, and the `pairs` order the work list is built in): with the fault planted
-- (`-Ofault=lso`, test builds only), some seeds fail; with a correct JIT, none do.

local function tally(list, want)
  local n = 0
  local s1, s2, s3, s4, s5, s6, s7, s8, s9, s10 = 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
  local s11, s12, s13, s14, s15, s16, s17, s18, s19, s20 = 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
  local s21, s22, s23, s24, s25, s26, s27 = 0, 0, 0, 0, 0, 0, 0
  local cursor = list.head
  for k = 1, #list do
    if list[k] == want then n = n + 1 end
  end
  cursor = cursor.next
  list.head = cursor
  return n, cursor
end

-- The work list: item kinds in the order `pairs` gives them.
local kinds = { alpha = 3, beta = 1, gamma = 2, delta = 3, epsilon = 1, zeta = 2 }
local list = {}
for name, kind in pairs(kinds) do list[#list + 1] = kind end
local node = {}
node.next = node
list.head = node

local pending = 0
local total = 0
for round = 1, 26 do
  local i = tally(list, round % 3 + 1)
  while pending > 0 do pending = pending - 1 end
  total = total + i
end
print("matches: " .. total)
