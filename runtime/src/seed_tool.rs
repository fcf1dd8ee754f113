//! What `runtime hunt` and `runtime bisect` share: their `main` (clap parsing, usage errors with
//! status 2) and the checks of the `[runtime options] script [args]` they run once per seed.

use anyhow::anyhow;

/// A usage error (exit status 2, with a pointer to `--help`).
pub struct Usage(pub anyhow::Error);

impl From<anyhow::Error> for Usage {
    fn from(e: anyhow::Error) -> Usage {
        Usage(e)
    }
}

/// Runs a seed tool: `argv` is the whole command line (`argv[1]` the tool's name), `plan` turns
/// its arguments into what to do, `work` does it. Returns the exit status: clap's for parse
/// errors, 2 for usage errors and for errors while working.
pub fn main<A: clap::Parser, P>(
    argv: &[String],
    tool: &str,
    plan: impl FnOnce(A) -> Result<P, Usage>,
    work: impl FnOnce(&P) -> anyhow::Result<i32>,
) -> i32 {
    let args = match A::try_parse_from(argv.iter().skip(1)) {
        Ok(args) => args,
        Err(e) => {
            let _ = e.print();
            return e.exit_code();
        }
    };
    let plan = match plan(args) {
        Ok(plan) => plan,
        Err(Usage(e)) => {
            eprintln!("runtime {tool}: {e:#}\n(see runtime {tool} --help)");
            return 2;
        }
    };
    match work(&plan) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("runtime {tool}: {e:#}");
            2
        }
    }
}

/// Checks `[runtime options] script [args]`, split exactly as the runtime will split it: the
/// options parse, none is `--seed` (`seed_message` says whose the seed is), and the script is a
/// file. Returns the index of the script in `command`.
pub fn script_index(
    command: &[String],
    tool: &str,
    synopsis: &str,
    seed_message: &str,
) -> Result<usize, Usage> {
    let mut argv = vec!["runtime".to_string()];
    argv.extend(command.iter().cloned());
    let inv = crate::parse_args(&argv).map_err(|e| {
        // The runtime's own message, without its usage text.
        let first = format!("{e:#}").lines().next().unwrap_or("").to_string();
        anyhow!("bad runtime option: {first}")
    })?;
    if inv.seed.is_some() {
        return Err(anyhow!("{seed_message}").into());
    }
    let Some(script) = inv.script.as_deref() else {
        return Err(anyhow!("missing script: runtime {tool} {synopsis}").into());
    };
    if script == "-" {
        return Err(
            anyhow!("{tool} runs a script file; stdin ('-') cannot be read once per seed").into(),
        );
    }
    match std::fs::metadata(script) {
        Ok(m) if m.is_file() => Ok(inv.script_index - 1),
        Ok(_) => Err(anyhow!("'{script}' is not a file").into()),
        Err(e) => Err(anyhow!("cannot open script '{script}': {e}").into()),
    }
}
