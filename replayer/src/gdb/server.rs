//! The connection side: a listener on 127.0.0.1 only, one debugger at a time (later clients are told
//! so and closed), and launching gdb connected to it (like `rr replay`).
#![forbid(unsafe_code)]

use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command};
use std::time::Duration;

/// Listens on 127.0.0.1:`port` (0: any free port).
pub fn listen(port: u16) -> std::io::Result<TcpListener> {
    TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))
}

/// Waits for the debugger; from then on, other clients get an error message and are disconnected.
pub fn accept_one(listener: TcpListener) -> std::io::Result<TcpStream> {
    let (stream, _) = listener.accept()?;
    stream.set_nodelay(true)?;
    std::thread::spawn(move || {
        for mut other in listener.incoming().flatten() {
            // A console-output packet gdb prints, then an error reply; then the connection closes.
            let message = "replayer: another debugger is already connected\n";
            let hex: String = message.bytes().map(|byte| format!("{byte:02x}")).collect();
            let _ = other.set_write_timeout(Some(Duration::from_secs(1)));
            let _ = other.write_all(packet(&format!("O{hex}")).as_bytes());
            let _ = other.write_all(packet("E01").as_bytes());
        }
    });
    Ok(stream)
}

/// `payload` framed as a GDB remote protocol packet.
fn packet(payload: &str) -> String {
    let sum = payload
        .bytes()
        .fold(0u8, |sum, byte| sum.wrapping_add(byte));
    format!("${payload}#{sum:02x}")
}

/// Starts gdb on `executable`, connected to 127.0.0.1:`port`, in its own process group (so the
/// terminal's Ctrl-C reaches gdb, which interrupts the replay through the protocol).
pub fn launch_gdb(port: u16, executable: &Path) -> std::io::Result<Child> {
    let mut command = Command::new("gdb");
    command
        .arg("-q")
        .arg("-ex")
        .arg(format!("target remote 127.0.0.1:{port}"))
        .arg(executable)
        .process_group(0);
    // The replaying thread runs pinned with its time-stamp counter off; gdb must not inherit that.
    recorder::tsc_mode::start_untraced(&mut command);
    let child = command.spawn()?;
    // Hand the terminal to gdb's group; without a terminal there is nothing to hand over.
    let stdin = std::io::stdin();
    if nix::unistd::isatty(&stdin).unwrap_or(false) {
        let _ = nix::unistd::tcsetpgrp(&stdin, nix::unistd::Pid::from_raw(child.id() as i32));
    }
    Ok(child)
}

#[cfg(test)]
mod tests {
    use super::packet;

    #[test]
    fn packets_carry_their_checksum() {
        assert_eq!(packet("E01"), "$E01#a6");
        assert_eq!(packet("OK"), "$OK#9a");
    }
}
