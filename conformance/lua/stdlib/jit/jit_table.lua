-- The jit module: version string, arch, on/off/flush and status, also via require.
print(type(jit), jit.version:sub(1, 6), type(jit.version_num), jit.version_num >= 20100)
print(type(jit.arch), type(jit.os))
print(type(jit.on), type(jit.off), type(jit.flush), type(jit.status), type(jit.attach), type(jit.opt), type(jit.opt.start))
print(type((jit.status())))
jit.off()
print("status after off", (jit.status()))
jit.on()
print("status after on", (jit.status()))
print(jit.flush())
local function f(x) return x * 2 end
print(jit.off(f), jit.on(f), jit.off(f, true), f(21))
print(jit.flush(f))
print(require("jit") == jit, package.loaded.jit == jit)
print(pcall(jit.opt.start, "hotloop=56"))
print(pcall(jit.opt.start))
print(pcall(jit.off, 5))
local n = 0
for i = 1, 1000 do n = n + i end
print(n)
