//! How a chunk is named in messages: LuaJIT's `lj_debug_shortname` (Lua's `luaO_chunkid`).
//!
//! `@file.lua` names a file (long paths keep their end, prefixed with `...`), `=name` is used
//! verbatim, and anything else is source text shown as `[string "first line..."]`. The result
//! is at most 59 bytes, as with LuaJIT's `LUA_IDSIZE` of 60.

/// LuaJIT's `LUA_IDSIZE`: the buffer size for chunk names, including the terminating NUL.
const ID_SIZE: usize = 60;

/// The display name of a chunk, as LuaJIT prints it before `:line:` in messages.
/// The name is treated as a C string: it ends at the first NUL byte.
pub fn chunk_display_name(chunk_name: &[u8]) -> String {
    let name = match chunk_name.iter().position(|&b| b == 0) {
        Some(nul) => &chunk_name[..nul],
        None => chunk_name,
    };
    let out: Vec<u8> = match name.first() {
        Some(b'=') => name[1..].iter().copied().take(ID_SIZE - 1).collect(),
        Some(b'@') => {
            let path = &name[1..];
            if path.len() >= ID_SIZE {
                let mut out = b"...".to_vec();
                out.extend_from_slice(&path[path.len() - (ID_SIZE - 4)..]);
                out
            } else {
                path.to_vec()
            }
        }
        _ => {
            // Length up to the first control character, at most ID_SIZE - 12.
            let len = name
                .iter()
                .take(ID_SIZE - 12)
                .position(|&b| b < b' ')
                .unwrap_or(name.len().min(ID_SIZE - 12));
            let mut out = b"[string \"".to_vec();
            if len < name.len() {
                out.extend_from_slice(&name[..len.min(ID_SIZE - 15)]);
                out.extend_from_slice(b"...");
            } else {
                out.extend_from_slice(name);
            }
            out.extend_from_slice(b"\"]");
            out
        }
    };
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_luajit() {
        // Expected values come from `luajit -e 'print(loadstring("error()", NAME))'`-style runs.
        let long_path = format!("@/{}/file.lua", "d".repeat(70));
        let cases: Vec<(Vec<u8>, String)> = vec![
            (b"@file.lua".to_vec(), "file.lua".into()),
            (b"=stdin".to_vec(), "stdin".into()),
            (b"=".to_vec(), "".into()),
            (b"x = = 1".to_vec(), "[string \"x = = 1\"]".into()),
            (
                b"line one\nline two".to_vec(),
                "[string \"line one...\"]".into(),
            ),
            (b"\nfirst".to_vec(), "[string \"...\"]".into()),
            (b"".to_vec(), "[string \"\"]".into()),
            (b"a\0b".to_vec(), "[string \"a\"]".into()),
            (vec![b'x'; 48], format!("[string \"{}\"]", "x".repeat(48))),
            (
                vec![b'x'; 49],
                format!("[string \"{}...\"]", "x".repeat(45)),
            ),
            (
                [vec![b'x'; 46], b"\n".to_vec()].concat(),
                format!("[string \"{}...\"]", "x".repeat(45)),
            ),
            (
                [vec![b'x'; 45], b"\n".to_vec()].concat(),
                format!("[string \"{}...\"]", "x".repeat(45)),
            ),
            (
                long_path.clone().into_bytes(),
                format!("...{}", &long_path[long_path.len() - 56..]),
            ),
            (format!("@{}", "p".repeat(58)).into_bytes(), "p".repeat(58)),
            (format!("@{}", "p".repeat(59)).into_bytes(), "p".repeat(59)),
            (
                format!("@{}", "p".repeat(60)).into_bytes(),
                format!("...{}", "p".repeat(56)),
            ),
            (format!("={}", "q".repeat(70)).into_bytes(), "q".repeat(59)),
        ];
        for (name, want) in cases {
            assert_eq!(
                chunk_display_name(&name),
                want,
                "{:?}",
                String::from_utf8_lossy(&name)
            );
        }
    }
}
