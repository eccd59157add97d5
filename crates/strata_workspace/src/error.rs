//! Errors of loading `strata.toml` and `module.yaml`: each names the file, the line and column,
//! and what was expected.

use std::path::PathBuf;

/// A configuration file that could not be read or understood.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("failed to read `{}`", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}:{line}:{column}: {message}", path.display())]
    Invalid {
        path: PathBuf,
        line: u32,
        column: u32,
        message: String,
        /// A "did you mean" suggestion or what to write instead.
        hint: Option<String>,
    },
}

impl ConfigError {
    pub fn hint(&self) -> Option<&str> {
        match self {
            ConfigError::Invalid { hint, .. } => hint.as_deref(),
            ConfigError::Io { .. } => None,
        }
    }
}

/// 1-based line and column of a byte offset in `text` (column counted in characters).
pub fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    (to_u32(line), to_u32(column))
}

pub(crate) fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// From serde's "unknown field `x`, expected one of `a`, `b`" (or "unknown variant"), a
/// "did you mean" hint naming the closest expected word.
pub fn did_you_mean(message: &str) -> Option<String> {
    let rest = message
        .split_once("unknown field `")
        .or_else(|| message.split_once("unknown variant `"))?
        .1;
    let (unknown, expected) = rest.split_once('`')?;
    // Both "expected one of `a`, `b`" (serde) and "expected one of a, b" (some formats).
    let expected = expected.split_once("expected")?.1;
    let candidates = expected
        .split(|c: char| c == ',' || c == '`' || c.is_whitespace())
        .filter(|w| !w.is_empty() && !matches!(*w, "one" | "of" | "or"));
    closest(unknown, candidates).map(|best| format!("did you mean `{best}`?"))
}

/// The closest of `candidates` to `word`, if any is close enough to be a plausible typo.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (levenshtein(word, c), c))
        .filter(|(d, c)| *d <= (c.len().max(word.len()) / 3).max(1))
        .min()
        .map(|(_, c)| c)
}

/// Edit distance between two short strings (by characters).
pub fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            let next = (row[j + 1] + 1).min(row[j] + 1).min(prev + cost);
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

/// Why a glob of a configuration file cannot be used: not a glob, or one that reaches outside
/// the folder it is relative to (an absolute path, a drive, or a `..` segment), which no file
/// of the walk can match.
pub fn glob_problem(glob: &str) -> Option<String> {
    if let Err(e) = globset::Glob::new(glob) {
        return Some(format!("not a valid glob: {}", e.kind()));
    }
    let absolute = glob.starts_with('/')
        || glob.starts_with('\\')
        || glob.as_bytes().get(1) == Some(&b':') && glob.as_bytes()[0].is_ascii_alphabetic();
    if absolute {
        return Some("an absolute path".into());
    }
    if glob.split(['/', '\\']).any(|seg| seg == "..") {
        return Some("it climbs out with `..`".into());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_closest_field() {
        let msg = "unknown field `ownr`, expected one of `schema`, `name`, `owner`, `lane`";
        assert_eq!(did_you_mean(msg).as_deref(), Some("did you mean `owner`?"));
        assert_eq!(
            did_you_mean("unknown field `zzzzzz`, expected `name`"),
            None
        );
        assert_eq!(did_you_mean("invalid type"), None);
    }

    #[test]
    fn positions() {
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
        assert_eq!(line_col("ab", 99), (1, 3));
        assert_eq!(levenshtein("kitten", "sitting"), 3);
    }
}
