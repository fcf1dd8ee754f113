-- Helper module for require.lua: returns nothing, so require stores true.
noreturn_mod_loaded = true
