//! A finding's fingerprint: stable across runs, releases and line shifts, so baselines and
//! code-scanning alerts recognise the same finding after unrelated edits.

use crate::Diagnostic;

/// FNV-1a, 64 bits: tiny, and unlike std's hasher its output never changes between releases.
fn fnv1a(bytes: impl IntoIterator<Item = u8>, mut hash: u64) -> u64 {
    for b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

impl Diagnostic {
    /// Hex fingerprint of rule, module, file, target, target file and message — with the
    /// message's digits left out, so counts and line numbers quoted in it do not matter. The
    /// finding's own line and column are not part of it.
    pub fn fingerprint(&self) -> String {
        let mut h = OFFSET;
        for part in [
            self.rule,
            self.module.as_str(),
            self.file.as_str(),
            self.target.as_deref().unwrap_or(""),
            self.target_file.as_deref().unwrap_or(""),
        ] {
            h = fnv1a(part.bytes(), h);
            h = fnv1a([0u8], h);
        }
        h = fnv1a(self.message.bytes().filter(|b| !b.is_ascii_digit()), h);
        format!("{h:016x}")
    }
}

#[cfg(test)]
mod tests {
    use crate::Diagnostic;

    #[test]
    fn ignores_position_and_numbers_but_not_identity() {
        let a = Diagnostic::new("undeclared-dependency", "`a` imports `b` (2 file edges)")
            .module("a")
            .at("x.py", 3, 1)
            .target("b");
        let moved = Diagnostic {
            line: 40,
            message: "`a` imports `b` (5 file edges)".into(),
            ..a.clone()
        };
        let other = a.clone().target("c");
        assert_eq!(a.fingerprint(), moved.fingerprint());
        assert_ne!(a.fingerprint(), other.fingerprint());
        assert_eq!(a.fingerprint().len(), 16);
        // Pinned: the value must not change between releases (baselines depend on it).
        assert_eq!(Diagnostic::new("r", "m").fingerprint(), "01a70e18b1e64cf6");
    }
}
