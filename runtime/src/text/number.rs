//! Temporary: number formatting and parsing.
pub fn format_number(n: f64, out: &mut Vec<u8>) {
    if n.is_nan() { out.extend_from_slice(b"nan"); return; }
    if n.is_infinite() { out.extend_from_slice(if n > 0.0 { b"inf" } else { b"-inf" }); return; }
    if n == n.trunc() && n.abs() < 1e15 { out.extend_from_slice(format!("{}", n as i64).as_bytes()); return; }
    out.extend_from_slice(format!("{}", n).as_bytes());
}
pub fn parse_number(s: &[u8]) -> Option<f64> {
    let t = std::str::from_utf8(s).ok()?.trim();
    if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) { return u64::from_str_radix(h, 16).ok().map(|v| v as f64); }
    if t.is_empty() || t.contains(|c: char| c.is_alphabetic() && c != 'e' && c != 'E') { return None; }
    t.parse().ok()
}
pub fn parse_integer_in_base(s: &[u8], base: u32) -> Option<f64> {
    i64::from_str_radix(std::str::from_utf8(s).ok()?.trim(), base).ok().map(|v| v as f64)
}
