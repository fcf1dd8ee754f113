-- LuaJIT 2.1 on ARM64 fused the stores of a tail call's two results into one STP with an
-- offset out of range in frames this large (fixed upstream in September 2023): a tail call
-- returning two values from a function with a 63-slot frame, in a loop at hotloop=1, printed
-- a function value instead of `1 2`.
local function pair() return 1, 2 end

local function wide(n)
  local v01, v02, v03, v04, v05, v06 = n + 1, n + 2, n + 3, n + 4, n + 5, n + 6
  local v07, v08, v09, v10, v11, v12 = n + 7, n + 8, n + 9, n + 10, n + 11, n + 12
  local v13, v14, v15, v16, v17, v18 = n + 13, n + 14, n + 15, n + 16, n + 17, n + 18
  local v19, v20, v21, v22, v23, v24 = n + 19, n + 20, n + 21, n + 22, n + 23, n + 24
  local v25, v26, v27, v28, v29, v30 = n + 25, n + 26, n + 27, n + 28, n + 29, n + 30
  local v31, v32, v33, v34, v35, v36 = n + 31, n + 32, n + 33, n + 34, n + 35, n + 36
  local v37, v38, v39, v40, v41, v42 = n + 37, n + 38, n + 39, n + 40, n + 41, n + 42
  local v43, v44, v45, v46, v47, v48 = n + 43, n + 44, n + 45, n + 46, n + 47, n + 48
  local v49, v50, v51, v52, v53, v54 = n + 49, n + 50, n + 51, n + 52, n + 53, n + 54
  local v55, v56, v57, v58, v59, v60 = n + 55, n + 56, n + 57, n + 58, n + 59, n + 60
  local v61, v62 = n + 61, n + 62
  if n < 0 then
    return v01 + v02 + v03 + v04 + v05 + v06 + v07 + v08
  end
  return pair()
end

local out = {}
for i = 1, 40 do
  local a, b = wide(i)
  out[i] = tostring(a) .. " " .. tostring(b)
end
print(out[1])
local same = 0
for i = 1, 40 do if out[i] == "1 2" then same = same + 1 end end
print("iterations printing 1 2:", same)

-- The same through a vararg frame and with the results passed straight to another call.
local function wide_vararg(...)
  local v01, v02, v03, v04, v05, v06 = select('#', ...) + 0, select('#', ...) + 1, select('#', ...) + 2, select('#', ...) + 3, select('#', ...) + 4, select('#', ...) + 5
  local v07, v08, v09, v10, v11, v12 = select('#', ...) + 6, select('#', ...) + 7, select('#', ...) + 8, select('#', ...) + 9, select('#', ...) + 10, select('#', ...) + 11
  local v13, v14, v15, v16, v17, v18 = select('#', ...) + 12, select('#', ...) + 13, select('#', ...) + 14, select('#', ...) + 15, select('#', ...) + 16, select('#', ...) + 17
  local v19, v20, v21, v22, v23, v24 = select('#', ...) + 18, select('#', ...) + 19, select('#', ...) + 20, select('#', ...) + 21, select('#', ...) + 22, select('#', ...) + 23
  local v25, v26, v27, v28, v29, v30 = select('#', ...) + 24, select('#', ...) + 25, select('#', ...) + 26, select('#', ...) + 27, select('#', ...) + 28, select('#', ...) + 29
  local v31, v32, v33, v34, v35, v36 = select('#', ...) + 30, select('#', ...) + 31, select('#', ...) + 32, select('#', ...) + 33, select('#', ...) + 34, select('#', ...) + 35
  local v37, v38, v39, v40, v41, v42 = select('#', ...) + 36, select('#', ...) + 37, select('#', ...) + 38, select('#', ...) + 39, select('#', ...) + 40, select('#', ...) + 41
  local v43, v44, v45, v46, v47, v48 = select('#', ...) + 42, select('#', ...) + 43, select('#', ...) + 44, select('#', ...) + 45, select('#', ...) + 46, select('#', ...) + 47
  local v49, v50, v51, v52, v53, v54 = select('#', ...) + 48, select('#', ...) + 49, select('#', ...) + 50, select('#', ...) + 51, select('#', ...) + 52, select('#', ...) + 53
  local v55, v56, v57, v58, v59, v60 = select('#', ...) + 54, select('#', ...) + 55, select('#', ...) + 56, select('#', ...) + 57, select('#', ...) + 58, select('#', ...) + 59
  return pair()
end
local acc = 0
for i = 1, 40 do
  local a, b = wide_vararg(i, i)
  acc = acc + a * 10 + b
end
print("vararg frame", acc)
local function count(...) return select("#", ...), ... end
local c, x, y
for i = 1, 40 do c, x, y = count(wide(i)) end
print("passed on", c, x, y)
