//! Positions and paths as the protocol has them: UTF-16 columns, `file://` URIs.

use std::fmt::Write as _;
use std::path::PathBuf;

use lsp_types::Uri;

/// The UTF-16 column of byte offset `byte` in `line` (clamped to the line).
pub fn byte_to_utf16(line: &str, byte: usize) -> u32 {
    let mut units = 0u32;
    for (i, c) in line.char_indices() {
        if i >= byte {
            break;
        }
        units += u32::try_from(c.len_utf16()).unwrap_or(2);
    }
    units
}

/// The byte offset in `line` of UTF-16 column `units` (clamped to the line).
pub fn utf16_to_byte(line: &str, units: u32) -> usize {
    let mut seen = 0u32;
    for (i, c) in line.char_indices() {
        if seen >= units {
            return i;
        }
        seen += u32::try_from(c.len_utf16()).unwrap_or(2);
    }
    line.len()
}

/// The local path a `file://` URI names.
pub fn uri_to_path(uri: &Uri) -> Option<PathBuf> {
    let text = uri.as_str();
    let rest = text.strip_prefix("file://")?;
    // `file://host/path` names another machine; only the local host is read.
    let path = rest.strip_prefix("localhost").unwrap_or(rest);
    if !path.starts_with('/') {
        return None;
    }
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).ok()?, 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    Some(PathBuf::from(String::from_utf8(out).ok()?))
}

/// The `file://` URI of an absolute path.
pub fn path_to_uri(path: &std::path::Path) -> Option<Uri> {
    let text = path.to_str()?;
    let mut out = String::from("file://");
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out.parse().ok()
}

/// The relative import specifier from file `from` to file `to` (repository-relative), as
/// TypeScript writes it: `./` or `../` first, no extension, a folder's `index` dropped.
pub fn relative_specifier(from: &str, to: &str) -> String {
    let from_dir: Vec<&str> = from
        .split('/')
        .collect::<Vec<_>>()
        .split_last()
        .map_or(Vec::new(), |(_, d)| d.to_vec());
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dir
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut parts: Vec<&str> = vec![".."; from_dir.len() - common];
    parts.extend(&to_parts[common..]);
    let joined = parts.join("/");
    let stem = [".tsx", ".ts", ".mts", ".cts", ".jsx", ".js", ".mjs", ".cjs"]
        .iter()
        .find_map(|ext| joined.strip_suffix(ext))
        .unwrap_or(&joined);
    let spec = stem.strip_suffix("/index").unwrap_or(stem);
    match spec {
        "" | "index" => ".".to_owned(),
        s if s.starts_with('.') => s.to_owned(),
        s => format!("./{s}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_utf16_units() {
        let line = "é = \"😀\" + x";
        assert_eq!(byte_to_utf16(line, 0), 0);
        assert_eq!(byte_to_utf16(line, 2), 1); // after é (2 bytes, 1 unit)
        let x = line.find('x').unwrap();
        assert_eq!(byte_to_utf16(line, x), 11); // 😀 is 2 units
        assert_eq!(utf16_to_byte(line, 11), x);
        assert_eq!(utf16_to_byte(line, 99), line.len());
    }

    #[test]
    fn specifiers_are_relative_without_extension() {
        assert_eq!(
            relative_specifier("services/a/src/h.ts", "services/b/src/index.ts"),
            "../../b/src"
        );
        assert_eq!(relative_specifier("a/x.ts", "a/y.tsx"), "./y");
        assert_eq!(relative_specifier("a/x.ts", "a/lib/index.ts"), "./lib");
        assert_eq!(relative_specifier("x.ts", "b/c.js"), "./b/c");
    }

    #[test]
    fn uris_round_trip() {
        let path = std::path::Path::new("/tmp/a b/ü#1.ts");
        let uri = path_to_uri(path).unwrap();
        assert_eq!(uri.as_str(), "file:///tmp/a%20b/%C3%BC%231.ts");
        assert_eq!(uri_to_path(&uri).unwrap(), path);
        let other: Uri = "https://example.com/x".parse().unwrap();
        assert_eq!(uri_to_path(&other), None);
    }
}
