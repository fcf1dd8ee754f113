-- Requires itself while loading (loaded by package_lib.lua).
return require("loop_mod")
