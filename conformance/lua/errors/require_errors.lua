-- require of a module with a syntax error, a missing module, and a module raising a table.
package.path = "./?.lua"
package.cpath = ""
local ok, err = pcall(require, "broken_syntax_mod")
print(ok)
print(err)
ok, err = pcall(require, "missing_module_for_test")
print(ok)
print(err)
package.preload.raises_table = function() error({reason = "table from module"}) end
ok, err = pcall(require, "raises_table")
print(ok, type(err), err.reason)
package.preload.returns_false = function() return false end
print(pcall(require, "returns_false"))
print(package.loaded.returns_false)
