-- require: package.path search in the script's folder, caching, package.loaded.
package.path = "./?.lua;" .. package.path
local m = require("greeting_mod")
print(type(m), m.greet("world"), m.name, loads_of_greeting_mod)
local again = require("greeting_mod")
print(again == m, loads_of_greeting_mod, package.loaded.greeting_mod == m)
print(require("noreturn_mod"), noreturn_mod_loaded, package.loaded.noreturn_mod)
local ok, err = pcall(require, "failing_mod")
print(ok, (err:gsub("^[^:]*failing_mod%.lua:", "failing_mod.lua:")))
ok, err = pcall(require, "no_such_module_xyz")
print(ok, (err:match("^[^\n]*")))
print(err:find("no field package.preload['no_such_module_xyz']", 1, true) ~= nil, err:find("./no_such_module_xyz.lua", 1, true) ~= nil)
package.preload.virtual = function(name) return {from = "preload", name = name} end
local v = require("virtual")
print(v.from, v.name)
package.loaded.fake = "anything"
print(require("fake"))
print(type(package.loaders), type(package.cpath), type(package.config), package.config:sub(1, 1))
print(require("string") == string, require("_G") == _G, package.loaded.math == math)
print(pcall(require))
