-- Proper tail calls: a million-deep chain must not grow the stack.
local function loop(n, acc) if n == 0 then return acc end return loop(n - 1, acc + 1) end
print(loop(1000000, 0))
local even, odd
function even(n) if n == 0 then return true end return odd(n - 1) end
function odd(n) if n == 0 then return false end return even(n - 1) end
print(even(1000001), odd(1000001))
local obj = {n = 0}
function obj:step(k) if k == 0 then return self.n end self.n = self.n + 1 return self:step(k - 1) end
print(obj:step(1000000))
local function va(n, ...) if n == 0 then return select("#", ...) end return va(n - 1, ...) end
print(va(1000000, 1, 2, 3))
local callable = setmetatable({}, {__call = function(self, n) if n == 0 then return "done" end return self(n - 1) end})
print(callable(100000))
local function through_pcall(n) if n == 0 then return "bottom" end return through_pcall(n - 1) end
print(pcall(through_pcall, 1000000))
local function ret_many(n) if n == 0 then return 1, 2, 3 end return ret_many(n - 1) end
print(ret_many(500000))
