-- Helper module for require.lua: raises while loading.
error("failing_mod refuses to load")
