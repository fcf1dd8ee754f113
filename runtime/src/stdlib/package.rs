//! The package library as LuaJIT 2.1 has it: `require` driven by `package.loaders` (preload,
//! Lua files along `package.path`, and the two C loaders, which find C modules along
//! `package.cpath` only to say that this runtime cannot load them), `package.searchpath`,
//! `package.loadlib`, 5.1's `module` and `package.seeall`, and LuaJIT's `table.new` and
//! `table.clear` modules.

use super::base::load_file;
use super::loaded_table;
use crate::value::{TableRef, Value};
use crate::vm::{LuaResult, Vm};

const DEFAULT_PATH: &str =
    "./?.lua;./?/init.lua;/usr/local/share/lua/5.1/?.lua;/usr/share/lua/5.1/?.lua";
const DEFAULT_CPATH: &str = "./?.so;/usr/local/lib/lua/5.1/?.so;\
/usr/lib/x86_64-linux-gnu/lua/5.1/?.so;/usr/local/lib/lua/5.1/loadall.so";

/// Why a C module cannot be loaded, in the words `require` and `loadlib` use.
const NO_C_MODULES: &str = "C modules are not supported (the runtime runs Lua code only)";

pub fn open(vm: &mut Vm) {
    let g = vm.globals;
    let package = vm.heap.new_table(0, 10);
    let loaded = vm.heap.new_table(0, 16);
    let registry = vm.registry;
    vm.set_field(registry, "_LOADED", Value::Table(loaded));
    vm.set_field(package, "loaded", Value::Table(loaded));
    let preload = vm.heap.new_table(0, 2);
    vm.set_field(package, "preload", Value::Table(preload));
    for (field, variable, default) in [
        ("path", "LUA_PATH", DEFAULT_PATH),
        ("cpath", "LUA_CPATH", DEFAULT_CPATH),
    ] {
        // `;;` in the variable stands for the default path, as in Lua.
        let path = std::env::var(variable)
            .map(|p| p.replace(";;", &format!(";{default};")))
            .unwrap_or_else(|_| default.to_string());
        let path = vm.str_value(path.as_bytes());
        vm.set_field(package, field, path);
    }
    let config = vm.str_value(b"/\n;\n?\n!\n-\n");
    vm.set_field(package, "config", config);
    let loaders = vm.heap.new_table(4, 0);
    let searchers: [(&'static str, crate::heap::NativeFn); 4] = [
        ("preload_loader", preload_loader),
        ("lua_loader", lua_loader),
        ("c_loader", c_loader),
        ("croot_loader", croot_loader),
    ];
    for (i, (name, f)) in searchers.into_iter().enumerate() {
        let v = vm.new_native(name, f);
        let _ = vm
            .heap
            .table_mut(loaders)
            .set(Value::Number(i as f64 + 1.0), v);
    }
    vm.set_field(package, "loaders", Value::Table(loaders));
    super::register(
        vm,
        package,
        &[
            ("searchpath", searchpath),
            ("loadlib", loadlib),
            ("seeall", seeall),
        ],
    );
    super::register(vm, g, &[("require", require), ("module", module)]);
    for (name, f) in [
        ("table.new", open_table_new as crate::heap::NativeFn),
        ("table.clear", open_table_clear),
    ] {
        let v = vm.new_native(name, f);
        vm.set_field(preload, name, v);
    }
    vm.set_global("package", Value::Table(package));
    vm.set_field(loaded, "_G", Value::Table(g));
    vm.set_field(loaded, "package", Value::Table(package));
}

/// A field of the global `package` table (nil when the script replaced or removed it).
fn package_field(vm: &mut Vm, name: &str) -> Value {
    match vm.get_global("package") {
        Value::Table(package) => {
            let key = vm.str_value(name.as_bytes());
            vm.heap.table(package).get(key)
        }
        _ => Value::Nil,
    }
}

/// The files `path` names for module `name` (`sep` in the name replaced by `rep`), the first
/// that exists or every one tried as LuaJIT lists them (`\n\tno file '...'`).
fn search(name: &str, path: &[u8], sep: &str, rep: &str) -> Result<String, String> {
    let name = if sep.is_empty() {
        name.to_string()
    } else {
        name.replace(sep, rep)
    };
    let mut tried = String::new();
    for template in String::from_utf8_lossy(path)
        .split(';')
        .filter(|t| !t.is_empty())
    {
        let candidate = template.replace('?', &name);
        if std::fs::File::open(&candidate).is_ok_and(|f| f.metadata().is_ok_and(|m| m.is_file())) {
            return Ok(candidate);
        }
        tried.push_str(&format!("\n\tno file '{candidate}'"));
    }
    Err(tried)
}

/// `package.searchpath(name, path [, sep [, rep]])`: the first readable file, or nil and the
/// list of files tried.
fn searchpath(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let name = vm.check_str(0)?;
    let path = vm.check_str(1)?;
    let sep = vm.opt_str(2)?;
    let rep = vm.opt_str(3)?;
    let text = |b: Option<std::rc::Rc<[u8]>>, default: &str| {
        b.map_or(default.to_string(), |b| {
            String::from_utf8_lossy(&b).into_owned()
        })
    };
    let found = search(
        &String::from_utf8_lossy(&name),
        &path,
        &text(sep, "."),
        &text(rep, "/"),
    );
    match found {
        Ok(file) => {
            let v = vm.str_value(file.as_bytes());
            vm.ret1(v)
        }
        Err(tried) => {
            vm.push(Value::Nil);
            let v = vm.str_value(tried.as_bytes());
            vm.push(v);
            Ok(2)
        }
    }
}

/// `package.loadlib(path, init)`: fails as LuaJIT does when it cannot load the library — nil,
/// the reason, and "open".
fn loadlib(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let path = vm.check_str(0)?;
    vm.check_str(1)?;
    let path = String::from_utf8_lossy(&path).into_owned();
    let reason = if std::path::Path::new(&path).exists() {
        format!("{path}: {NO_C_MODULES}")
    } else {
        format!("{path}: cannot open shared object file: No such file or directory")
    };
    vm.push(Value::Nil);
    let reason = vm.str_value(reason.as_bytes());
    vm.push(reason);
    let stage = vm.str_value(b"open");
    vm.push(stage);
    Ok(3)
}

/// `package.loaders[1]`: the loader in `package.preload`.
fn preload_loader(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let name = vm.check_str(0)?;
    let key = vm.new_string(&name)?;
    if let Value::Table(preload) = package_field(vm, "preload") {
        let loader = vm.heap.table(preload).get(key);
        if !loader.is_nil() {
            return vm.ret1(loader);
        }
    } else {
        return Err(vm.rt_error("'package.preload' must be a table"));
    }
    let msg = format!(
        "\n\tno field package.preload['{}']",
        String::from_utf8_lossy(&name)
    );
    let v = vm.new_string(msg.as_bytes())?;
    vm.ret1(v)
}

/// The search path in `package.<field>`, or an error naming it.
fn path_field(vm: &mut Vm, field: &str) -> LuaResult<std::rc::Rc<[u8]>> {
    let value = package_field(vm, field);
    match value {
        Value::String(_) => Ok(vm.bytes_of(value).unwrap_or_default()),
        _ => Err(vm.rt_error(&format!("'package.{field}' must be a string"))),
    }
}

/// `package.loaders[2]`: a Lua file along `package.path`.
fn lua_loader(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let name = String::from_utf8_lossy(&vm.check_str(0)?).into_owned();
    let path = path_field(vm, "path")?;
    match search(&name, &path, ".", "/") {
        Ok(file) => match load_file(vm, Some(&file)) {
            Ok(f) => vm.ret1(f),
            Err(msg) => Err(vm.rt_error(&format!(
                "error loading module '{name}' from file '{file}':\n\t{msg}"
            ))),
        },
        Err(tried) => {
            let v = vm.str_value(tried.as_bytes());
            vm.ret1(v)
        }
    }
}

/// Finds `file_name` along `package.cpath`: a C module found is an error (it cannot be loaded
/// here), none found is the list of files tried.
fn c_search(vm: &mut Vm, module: &str, file_name: &str) -> LuaResult<usize> {
    let cpath = path_field(vm, "cpath")?;
    match search(file_name, &cpath, ".", "/") {
        Ok(file) => Err(vm.rt_error(&format!(
            "error loading module '{module}' from file '{file}':\n\t{NO_C_MODULES}"
        ))),
        Err(tried) => {
            let v = vm.str_value(tried.as_bytes());
            vm.ret1(v)
        }
    }
}

/// `package.loaders[3]`: a C library for the module along `package.cpath`.
fn c_loader(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let name = String::from_utf8_lossy(&vm.check_str(0)?).into_owned();
    c_search(vm, &name, &name)
}

/// `package.loaders[4]`: the all-in-one C library of a submodule's root (`a` for `a.b.c`).
fn croot_loader(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let name = String::from_utf8_lossy(&vm.check_str(0)?).into_owned();
    match name.split_once('.') {
        Some((root, _)) => c_search(vm, &name, root),
        None => Ok(0),
    }
}

/// `require(name)`: `package.loaded[name]`, or the first loader `package.loaders` finds, run
/// with the name; its result (or true) is stored in `package.loaded`.
fn require(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let name = vm.check_str(0)?;
    let name_value = vm.new_string(&name)?;
    let name_text = String::from_utf8_lossy(&name).into_owned();
    let loaded = loaded_table(vm).expect("package.loaded exists");
    let sentinel = loading_sentinel(vm);
    let existing = vm.heap.table(loaded).get(name_value);
    if existing.truthy() {
        if existing.raw_eq(sentinel) {
            return Err(vm.rt_error(&format!(
                "loop or previous error loading module '{name_text}'"
            )));
        }
        return vm.ret1(existing);
    }
    let Value::Table(loaders) = package_field(vm, "loaders") else {
        return Err(vm.rt_error("'package.loaders' must be a table"));
    };
    let mut tried = String::new();
    let mut i = 1.0;
    let loader = loop {
        let searcher = vm.heap.table(loaders).get(Value::Number(i));
        if searcher.is_nil() {
            return Err(vm.rt_error(&format!("module '{name_text}' not found:{tried}")));
        }
        vm.temp_roots.push(searcher);
        let found = vm.call1(searcher, &[name_value]);
        vm.temp_roots.pop();
        match found? {
            f @ Value::Function(_) => break f,
            message @ Value::String(_) => {
                tried.push_str(&String::from_utf8_lossy(
                    &vm.bytes_of(message).unwrap_or_default(),
                ));
            }
            _ => {}
        }
        i += 1.0;
    };
    // While it loads (and for good if it fails, as in Lua 5.1) the module's entry is the
    // sentinel: requiring it again is "loop or previous error".
    vm.raw_set(loaded, name_value, sentinel)?;
    let result = vm.call1(loader, &[name_value])?;
    if !result.is_nil() {
        vm.raw_set(loaded, name_value, result)?;
    }
    let value = vm.heap.table(loaded).get(name_value);
    if value.raw_eq(sentinel) {
        vm.raw_set(loaded, name_value, Value::Boolean(true))?;
        return vm.ret1(Value::Boolean(true));
    }
    vm.ret1(value)
}

/// The value `require` keeps in `package.loaded[name]` while the module loads.
fn loading_sentinel(vm: &mut Vm) -> Value {
    let registry = vm.registry;
    let key = vm.str_value(b"package.loading");
    match vm.heap.table(registry).get(key) {
        v @ Value::Userdata(_) => v,
        _ => {
            let u = vm.heap.new_marker();
            vm.set_field(registry, "package.loading", u);
            u
        }
    }
}

/// `module(name, ...)`: the module's table (from `package.loaded`, else the global of that
/// dotted name, created as needed) gets `_M`, `_NAME` and `_PACKAGE`, becomes the calling
/// function's environment, and is passed to each option (e.g. `package.seeall`).
fn module(vm: &mut Vm, nargs: usize) -> LuaResult<usize> {
    let name = vm.check_str(0)?;
    let name_text = String::from_utf8_lossy(&name).into_owned();
    let name_value = vm.new_string(&name)?;
    let loaded = loaded_table(vm).expect("package.loaded exists");
    let module = match vm.heap.table(loaded).get(name_value) {
        Value::Table(t) => t,
        _ => {
            let Some(t) = find_table(vm, vm.globals, &name_text)? else {
                return Err(vm.rt_error(&format!("name conflict for module '{name_text}'")));
            };
            vm.raw_set(loaded, name_value, Value::Table(t))?;
            t
        }
    };
    let name_key = vm.str_value(b"_NAME");
    if vm.heap.table(module).get(name_key).is_nil() {
        vm.set_field(module, "_M", Value::Table(module));
        vm.set_field(module, "_NAME", name_value);
        let package = match name_text.rfind('.') {
            Some(dot) => &name_text[..=dot],
            None => "",
        };
        let package = vm.str_value(package.as_bytes());
        vm.set_field(module, "_PACKAGE", package);
    }
    set_caller_env(vm, module)?;
    for i in 1..nargs {
        let option = vm.arg(i);
        vm.call_n(option, &[Value::Table(module)], 0)?;
    }
    Ok(0)
}

/// The table at dotted `name` below `root`, creating missing tables; None when a value that
/// is not a table is in the way.
fn find_table(vm: &mut Vm, root: TableRef, name: &str) -> LuaResult<Option<TableRef>> {
    let mut table = root;
    for part in name.split('.') {
        let key = vm.str_value(part.as_bytes());
        table = match vm.heap.table(table).get(key) {
            Value::Table(t) => t,
            Value::Nil => {
                let t = vm.heap.new_table(0, 4);
                vm.raw_set(table, key, Value::Table(t))?;
                t
            }
            _ => return Ok(None),
        };
    }
    Ok(Some(table))
}

/// Makes `env` the environment of the Lua function that called the running native.
fn set_caller_env(vm: &mut Vm, env: TableRef) -> LuaResult<()> {
    let frames = &vm.th.frames;
    let called_by_pcall = frames.last().is_some_and(|f| f.via_pcall);
    let caller = frames.len().checked_sub(2).map(|i| &frames[i]);
    match caller {
        Some(frame) if frame.proto.is_some() && !called_by_pcall => {
            let closure = frame.closure;
            if let crate::heap::Function::Lua(c) = vm.heap.functions.get_mut(closure.0) {
                c.env = env;
            }
            Ok(())
        }
        _ => Err(vm.rt_error("'module' not called from a Lua function")),
    }
}

/// `package.seeall(module)`: the module's metatable gets `__index = _G`.
fn seeall(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let module = vm.check_table(0)?;
    let meta = match vm.heap.table(module).metatable {
        Some(meta) => meta,
        None => {
            let meta = vm.heap.new_table(0, 1);
            vm.heap.table_mut(module).set_metatable(Some(meta));
            meta
        }
    };
    let globals = vm.globals;
    vm.set_field(meta, "__index", Value::Table(globals));
    Ok(0)
}

/// Installs `table.<name>` (a native of the table library) and returns it.
fn table_function(vm: &mut Vm, name: &str) -> LuaResult<usize> {
    let table = match vm.get_global("table") {
        Value::Table(t) => t,
        _ => return Err(vm.rt_error("the table library is missing")),
    };
    let key = vm.str_value(name.as_bytes());
    let mut f = vm.heap.table(table).get(key);
    if f.is_nil() {
        f = match name {
            "new" => vm.new_native("new", super::table::new),
            _ => vm.new_native("clear", super::table::clear),
        };
        vm.set_field(table, name, f);
    }
    vm.ret1(f)
}

/// `require "table.new"`.
fn open_table_new(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    table_function(vm, "new")
}

/// `require "table.clear"`.
fn open_table_clear(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    table_function(vm, "clear")
}
