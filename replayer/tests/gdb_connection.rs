//! The server's connection handling: loopback only, one debugger at a time, garbage and dropped
//! connections never hang it.

mod gdb_support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use gdb_support::{record_program, record_program_with, Server};

fn packet(payload: &str) -> String {
    let sum = payload
        .bytes()
        .fold(0u8, |sum, byte| sum.wrapping_add(byte));
    format!("${payload}#{sum:02x}")
}

fn connect(port: u16) -> TcpStream {
    let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream
}

/// Reads until a whole packet (`$...#xx`) arrived; what came before it (acks) is dropped.
fn read_packet(stream: &mut TcpStream) -> String {
    let mut received = Vec::new();
    let mut byte = [0u8; 1];
    loop {
        let read = stream.read(&mut byte).expect("a reply within the timeout");
        assert_ne!(
            read,
            0,
            "connection closed; got {:?}",
            String::from_utf8_lossy(&received)
        );
        received.push(byte[0]);
        let text = String::from_utf8_lossy(&received);
        if let Some(start) = text.find('$') {
            if let Some(end) = text[start..].find('#') {
                if text.len() >= start + end + 3 {
                    return text[start + 1..start + end].to_string();
                }
            }
        }
    }
}

#[test]
fn a_second_debugger_is_turned_away_and_the_first_keeps_working() {
    let recorded = record_program("counter");
    let server = Server::start(&recorded.trace, None);
    let mut first = connect(server.port);
    first.write_all(packet("?").as_bytes()).unwrap();
    let stop = read_packet(&mut first);
    assert!(stop.starts_with('T') || stop.starts_with('S'), "{stop}");

    let mut second = connect(server.port);
    let mut turned_away = String::new();
    second.read_to_string(&mut turned_away).unwrap();
    let message: String = "replayer: another debugger is already connected"
        .bytes()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    assert!(turned_away.contains(&message), "{turned_away}");
    assert!(turned_away.contains("$E01#a6"), "{turned_away}");

    first.write_all(b"+").unwrap();
    first.write_all(packet("g").as_bytes()).unwrap();
    let registers = read_packet(&mut first);
    // Run-length encoded register bytes, not an error reply.
    assert!(
        !registers.starts_with('E') && registers.len() > 32,
        "{registers}"
    );
    drop(first);
    let (status, _) = server.finish();
    assert!(status.success());
}

#[test]
fn garbage_gets_an_error_or_a_clean_exit() {
    let recorded = record_program("counter");
    let server = Server::start(&recorded.trace, None);
    let mut client = connect(server.port);
    client
        .write_all(b"hello\x00\xff$not a packet#zz$m,zz#00$Z9,1,1#00")
        .unwrap();
    client.write_all(packet("?").as_bytes()).unwrap();
    let mut replies = Vec::new();
    let _ = client.read_to_end(&mut replies);
    drop(client);
    let (status, stderr) = server.finish();
    assert!(
        status.success(),
        "the replayer ends cleanly once the client is gone: {stderr}"
    );
}

#[test]
fn a_dropped_connection_ends_the_replay_cleanly() {
    let recorded = record_program("counter");
    let server = Server::start(&recorded.trace, None);
    let mut client = connect(server.port);
    client.write_all(packet("vCont;c").as_bytes()).unwrap();
    drop(client);
    let (status, stderr) = server.finish();
    assert!(status.success(), "{stderr}");
}

#[test]
fn listens_on_loopback_only() {
    let recorded = record_program("counter");
    let server = Server::start(&recorded.trace, None);
    let port = server.port;
    // Any non-loopback address of this machine must refuse the connection.
    let output = std::process::Command::new("hostname").arg("-I").output();
    if let Ok(output) = output {
        for address in String::from_utf8_lossy(&output.stdout).split_whitespace() {
            if let Ok(ip) = address.parse::<std::net::IpAddr>() {
                if !ip.is_loopback() {
                    let attempt = TcpStream::connect_timeout(
                        &std::net::SocketAddr::new(ip, port),
                        Duration::from_secs(2),
                    );
                    assert!(attempt.is_err(), "reachable on {ip}:{port}");
                }
            }
        }
    }
    let client = connect(port);
    drop(client);
    let (status, _) = server.finish();
    assert!(status.success());
}

#[test]
fn an_interrupt_stops_a_long_continue() {
    let recorded = record_program_with("syscalls", &["20000", "100000"]);
    let server = Server::start(&recorded.trace, None);
    let mut client = connect(server.port);
    client.write_all(packet("vCont;c").as_bytes()).unwrap();
    client.write_all(b"\x03").unwrap();
    let stop = read_packet(&mut client);
    // SIGINT is 02 in the remote protocol.
    assert!(stop.starts_with("T02") || stop.starts_with("S02"), "{stop}");
    client.write_all(b"+").unwrap();
    client
        .write_all(packet("qRcmd,7768656e").as_bytes())
        .unwrap(); // monitor when
    let reply = read_packet(&mut client);
    let text: String = reply
        .strip_prefix('O')
        .unwrap_or(&reply)
        .as_bytes()
        .chunks(2)
        .filter_map(|pair| u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok())
        .map(char::from)
        .collect();
    let event: u64 = text
        .trim()
        .strip_prefix("Current event: ")
        .and_then(|number| number.parse().ok())
        .unwrap_or_else(|| panic!("{reply}: {text}"));
    assert!(event < 20000, "stopped before the end: event {event}");
    drop(client);
    let (status, _) = server.finish();
    assert!(status.success());
}
