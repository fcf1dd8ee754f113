-- __gc on userdata (newproxy): finalizers run on collection and at exit.
local finalized = {}
do
  for i = 1, 5 do
    local u = newproxy(true)
    getmetatable(u).__gc = function() finalized[#finalized + 1] = i end
  end
end
collectgarbage()
collectgarbage()
table.sort(finalized)
print("finalized", #finalized, table.concat(finalized, ","))
local kept = newproxy(true)
local ran = false
getmetatable(kept).__gc = function() ran = true end
collectgarbage()
print("kept alive", ran)
local t = setmetatable({}, {__gc = function() print("table __gc never runs in 5.1") end})
t = nil
collectgarbage()
print("tables ignore __gc")
local resurrect
do
  local u = newproxy(true)
  getmetatable(u).__gc = function(self) resurrect = self end
end
collectgarbage()
print("finalizer got the object", type(resurrect))
local late = newproxy(true)
getmetatable(late).__gc = function() print("finalizer at exit") end
print("end of script")
