//! Git history over a time window: per-file commits, churn and authors, and change coupling.
//!
//! One `git log --numstat -z` process is read as a stream; the window ends at HEAD's committer
//! time (not the wall clock), so the same repository always gives the same answer.

use std::collections::{BTreeMap, HashMap};
use std::ffi::OsString;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Command, Stdio};

const SECONDS_PER_DAY: i64 = 86_400;

/// Starts a commit header in the `git log` output; see [`log_args`].
const HEADER: u8 = 0x1e;
/// Separates the fields of a commit header.
const FIELD: u8 = 0x1f;

/// What the history of the last `days` days says about the files of a repository.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct History {
    /// The commit the window ends at (HEAD), full hash.
    pub head: String,
    /// Committer time of HEAD, seconds since the epoch; the window is
    /// `[head_time - days*86400, head_time]`.
    pub head_time: i64,
    pub days: u32,
    /// Commits read in the window (merges excluded).
    pub commits: usize,
    /// Per file path (repository-relative, `/`-separated, as git prints it): how many commits
    /// in the window touched it, and by whom.
    pub files: BTreeMap<String, FileHistory>,
    /// File pairs that change together (code-maat's "coupling" analysis), sorted by (a, b) with
    /// a < b.
    pub couplings: Vec<Coupling>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileHistory {
    pub commits: u32,
    /// Distinct author emails (lower-cased), sorted.
    pub authors: Vec<String>,
    /// Lines added + deleted over the window (from `--numstat`; binary files count 0).
    pub churn_lines: u64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Coupling {
    pub a: String,
    pub b: String,
    /// Commits that touched both.
    pub shared: u32,
    /// shared / average(commits of a, commits of b), in per cent (0–100), as code-maat computes
    /// "degree".
    pub degree: f64,
}

/// Thresholds, with code-maat's defaults.
#[derive(Clone, Copy, Debug)]
pub struct CouplingLimits {
    /// code-maat `--min-shared-revs`.
    pub min_shared: u32,
    /// code-maat `--min-coupling`, in per cent.
    pub min_degree: f64,
    /// code-maat `--max-changeset-size`: commits touching more files are ignored for coupling.
    pub max_changeset: usize,
}

impl Default for CouplingLimits {
    fn default() -> Self {
        CouplingLimits {
            min_shared: 5,
            min_degree: 30.0,
            max_changeset: 30,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error("failed to run `git` in `{root}`")]
    Spawn {
        root: String,
        #[source]
        source: std::io::Error,
    },
    #[error("`git log` failed in `{root}`: {stderr}")]
    Git { root: String, stderr: String },
    /// `line` counts the NUL-terminated records of the `-z` output, from 1.
    #[error("unexpected `git log` output at line {line}: {message}")]
    Parse { line: usize, message: String },
}

/// Read the history of the repository at `root` (any folder inside a git work tree: paths are
/// reported relative to `root`, files outside `root` are dropped). Ok(None) when `root` is not in
/// a git repository, or it has no commit yet (the health dimensions then have no data — not an
/// error). One `git log` process, read as a stream.
pub fn read(
    root: &Path,
    days: u32,
    limits: CouplingLimits,
) -> Result<Option<History>, HistoryError> {
    let Some((head, head_time)) = head_of(root)? else {
        return Ok(None);
    };
    let since = window_start(head_time, days);
    let spawn_error = |source| HistoryError::Spawn {
        root: root.display().to_string(),
        source,
    };
    let mut child = git(root)
        .args(log_args(&head, since))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(spawn_error)?;
    // Drained on its own thread so that a chatty stderr cannot block git while we read stdout.
    let stderr = child.stderr.take();
    let stderr = std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(mut pipe) = stderr {
            // A read error only loses the text of a message; the exit status still tells.
            let _ = pipe.read_to_end(&mut buf);
        }
        buf
    });
    let Some(stdout) = child.stdout.take() else {
        // Cannot happen with `Stdio::piped()`; reap the child rather than leave it behind.
        let _ = child.kill();
        let _ = child.wait();
        return Err(spawn_error(std::io::Error::other("no stdout pipe")));
    };

    let mut parser = LogParser::new(head_time, days, limits);
    let outcome = stream(&mut parser, stdout);
    let status = child.wait().map_err(spawn_error)?;
    let stderr = stderr.join().unwrap_or_default();
    // A failing git explains a truncated stream better than the parse error it causes.
    if !status.success() {
        return Err(HistoryError::Git {
            root: root.display().to_string(),
            stderr: String::from_utf8_lossy(&stderr).trim().to_owned(),
        });
    }
    match outcome {
        Ok(()) => {}
        Err(StreamError::Io(source)) => return Err(spawn_error(source)),
        Err(StreamError::Parse(error)) => return Err(error),
    }
    let mut history = parser.finish()?;
    history.head = head;
    Ok(Some(history))
}

/// Parse the output of the `git log` command `read` runs (exposed for tests and fuzzing; never
/// panics on any input).
///
/// `head` is left empty: the log does not say which commit HEAD is (HEAD itself is absent
/// when it touches nothing under the root); `read` fills it in.
pub fn parse_log(
    out: &[u8],
    head_time: i64,
    days: u32,
    limits: CouplingLimits,
) -> Result<History, HistoryError> {
    let mut parser = LogParser::new(head_time, days, limits);
    let complete = out.iter().rposition(|&b| b == 0).map_or(0, |i| i + 1);
    let (complete, tail) = out.split_at(complete);
    if let Some(body) = complete.strip_suffix(b"\0") {
        for record in body.split(|&b| b == 0) {
            parser.feed(record)?;
        }
    }
    if !tail.is_empty() {
        return Err(parser.unterminated());
    }
    parser.finish()
}

/// A `git` command that ignores the user settings which would change what `git log` prints.
fn git(root: &Path) -> Command {
    let mut command = Command::new("git");
    command.current_dir(root).args([
        "-c",
        "core.quotepath=off",
        "-c",
        "log.showRoot=false",
        "-c",
        "log.showSignature=false",
        "-c",
        "log.follow=false",
        "-c",
        "i18n.logOutputEncoding=UTF-8",
    ]);
    command
}

/// The arguments of the one `git log` that `read` streams, after `git -c …`.
///
/// Output, per commit: a record `\x1e<hash>\x1f<committer time>\x1f<author email>`, then one
/// record per file `<added>\t<deleted>\t<path>` (`-\t-` for binary files; the first of them is
/// preceded by `\n`). Every record ends with NUL, so paths need no quoting. `--relative` and the
/// `.` pathspec make git report paths relative to the current directory (the root) and leave
/// out files and commits outside it.
fn log_args(head: &str, since: i64) -> Vec<OsString> {
    let mut args: Vec<OsString> = [
        "log",
        "--no-merges",
        "--no-renames",
        // Without `--root`: the first commit (the import of the code, often the whole
        // repository) lists no files. Counting its lines would cost more than the rest of the
        // history (every blob read), and an import is no change.
        "--relative",
        "--numstat",
        "-z",
        "--no-color",
        "--no-ext-diff",
        "--no-textconv",
        // Pinned so that churn does not depend on the user's `diff.algorithm`.
        "--diff-algorithm=myers",
        "--format=%x1e%H%x1f%ct%x1f%aE",
    ]
    .into_iter()
    .map(OsString::from)
    .collect();
    // `--max-age` takes a plain timestamp; git reads it unsigned, so a window reaching before
    // 1970 is left open (the parser still applies the window).
    if since > 0 {
        args.push(format!("--max-age={since}").into());
    }
    args.extend([head, "--", "."].map(OsString::from));
    args
}

/// HEAD's hash and committer time, or None when `root` is not in a work tree or HEAD has no
/// commit yet.
/// HEAD's commit, branch (`None` when detached) and committer time; `None` outside a git
/// work tree or before the first commit.
pub(crate) fn head(root: &Path) -> Result<Option<crate::registry::Head>, HistoryError> {
    let Some((commit, time)) = head_of(root)? else {
        return Ok(None);
    };
    let out = git(root)
        .args(["symbolic-ref", "--quiet", "--short", "HEAD"])
        .stdin(Stdio::null())
        .output()
        .map_err(|source| HistoryError::Spawn {
            root: root.display().to_string(),
            source,
        })?;
    let name = String::from_utf8_lossy(out.stdout.trim_ascii()).into_owned();
    let branch = (out.status.success() && !name.is_empty()).then_some(name);
    Ok(Some(crate::registry::Head {
        commit,
        branch,
        time,
    }))
}

fn head_of(root: &Path) -> Result<Option<(String, i64)>, HistoryError> {
    let run = |command: &mut Command| {
        command
            .stdin(Stdio::null())
            .output()
            .map_err(|source| HistoryError::Spawn {
                root: root.display().to_string(),
                source,
            })
    };
    let failed = |stderr: &[u8]| HistoryError::Git {
        root: root.display().to_string(),
        stderr: String::from_utf8_lossy(stderr).trim().to_owned(),
    };

    // English messages, so that "not a repository" can be told from real failures (such as
    // git refusing a repository owned by someone else).
    let probe = run(git(root)
        .args(["rev-parse", "--is-inside-work-tree"])
        .env("LC_ALL", "C"))?;
    if !probe.status.success() {
        if contains(&probe.stderr, b"not a git repository") {
            return Ok(None);
        }
        return Err(failed(&probe.stderr));
    }
    if probe.stdout.trim_ascii() != b"true" {
        return Ok(None);
    }

    // `--ignore-missing` turns an unborn HEAD into an empty log instead of an error.
    let head = run(git(root).args([
        "log",
        "-1",
        "--ignore-missing",
        "--format=%H%x1f%ct",
        "HEAD",
        "--",
    ]))?;
    if !head.status.success() {
        return Err(failed(&head.stderr));
    }
    let line = head.stdout.trim_ascii();
    if line.is_empty() {
        return Ok(None);
    }
    let bad = || HistoryError::Parse {
        line: 1,
        message: format!(
            "expected `<hash>\\x1f<time>` for HEAD, got `{}`",
            String::from_utf8_lossy(line).escape_debug()
        ),
    };
    let mut fields = line.split(|&b| b == FIELD);
    let (Some(hash), Some(time), None) = (fields.next(), fields.next(), fields.next()) else {
        return Err(bad());
    };
    if !is_hash(hash) {
        return Err(bad());
    }
    let time = parse_number::<i64>(time).ok_or_else(bad)?;
    Ok(Some((String::from_utf8_lossy(hash).into_owned(), time)))
}

fn window_start(head_time: i64, days: u32) -> i64 {
    head_time.saturating_sub(i64::from(days) * SECONDS_PER_DAY)
}

enum StreamError {
    Io(std::io::Error),
    Parse(HistoryError),
}

/// Feeds the NUL-terminated records of `stdout` to `parser`, then drains what is left so that
/// git never blocks on a full pipe.
fn stream(parser: &mut LogParser, stdout: impl Read) -> Result<(), StreamError> {
    let mut reader = BufReader::with_capacity(1 << 16, stdout);
    let mut record = Vec::new();
    let result = loop {
        record.clear();
        match reader.read_until(0, &mut record) {
            Ok(0) => break Ok(()),
            Ok(_) => {}
            Err(error) => break Err(StreamError::Io(error)),
        }
        let fed = match record.strip_suffix(b"\0") {
            Some(body) => parser.feed(body),
            None => Err(parser.unterminated()),
        };
        if let Err(error) = fed {
            break Err(StreamError::Parse(error));
        }
    };
    if result.is_err() {
        // The error is what gets reported; a failure while draining adds nothing to it.
        let _ = std::io::copy(&mut reader, &mut std::io::sink());
    }
    result
}

/// Counts per file id, filled as commits are read.
#[derive(Default)]
struct FileCounts {
    commits: u32,
    churn: u64,
    /// Author ids, one per commit; sorted and deduplicated at the end.
    authors: Vec<u32>,
    /// Commits with at most `max_changeset` files: code-maat's revisions for the degree.
    coupling_revs: u32,
}

/// The commit whose file records are being read.
struct Current {
    /// Inside the window: only then are its files counted.
    keep: bool,
    author: u32,
}

/// A rename record (`<added>\t<deleted>\t` with an empty path) is followed by two path records,
/// old then new; `--no-renames` should prevent it, but a log made without it still parses.
#[derive(Clone, Copy, PartialEq)]
enum Pending {
    Nothing,
    OldPath(u64),
    NewPath(u64),
}

struct LogParser {
    head_time: i64,
    days: u32,
    since: i64,
    limits: CouplingLimits,
    /// Records fed so far; the number of the current one once `feed` has started.
    record: usize,
    commits: usize,
    current: Option<Current>,
    pending: Pending,
    /// Files of the current commit: (file id, churn).
    changes: Vec<(u32, u64)>,
    file_ids: HashMap<Box<[u8]>, u32>,
    paths: Vec<Box<[u8]>>,
    files: Vec<FileCounts>,
    author_ids: HashMap<String, u32>,
    authors: Vec<String>,
    /// Shared commits per pair of file ids (smaller id first).
    pairs: HashMap<(u32, u32), u32>,
}

impl LogParser {
    fn new(head_time: i64, days: u32, limits: CouplingLimits) -> LogParser {
        LogParser {
            head_time,
            days,
            since: window_start(head_time, days),
            limits,
            record: 0,
            commits: 0,
            current: None,
            pending: Pending::Nothing,
            changes: Vec::new(),
            file_ids: HashMap::new(),
            paths: Vec::new(),
            files: Vec::new(),
            author_ids: HashMap::new(),
            authors: Vec::new(),
            pairs: HashMap::new(),
        }
    }

    fn error(&self, message: impl Into<String>) -> HistoryError {
        HistoryError::Parse {
            line: self.record,
            message: message.into(),
        }
    }

    fn unterminated(&mut self) -> HistoryError {
        self.record += 1;
        self.error("output ends inside a record (no terminating NUL)")
    }

    /// One record, without its NUL.
    fn feed(&mut self, record: &[u8]) -> Result<(), HistoryError> {
        self.record += 1;
        match self.pending {
            Pending::OldPath(churn) => {
                self.pending = Pending::NewPath(churn);
                return Ok(());
            }
            Pending::NewPath(churn) => {
                self.pending = Pending::Nothing;
                self.change(record, churn);
                return Ok(());
            }
            Pending::Nothing => {}
        }
        if let Some(header) = record.strip_prefix(&[HEADER]) {
            self.end_commit();
            return self.start_commit(header);
        }
        let entry = record.strip_prefix(b"\n").unwrap_or(record);
        if entry.is_empty() {
            return Ok(());
        }
        if self.current.is_none() {
            return Err(self.error("file record before the first commit header"));
        }
        let mut fields = entry.splitn(3, |&b| b == b'\t');
        let (Some(added), Some(deleted), Some(path)) =
            (fields.next(), fields.next(), fields.next())
        else {
            return Err(self.error(format!(
                "expected `<added>\\t<deleted>\\t<path>`, got `{}`",
                String::from_utf8_lossy(entry).escape_debug()
            )));
        };
        let churn = match (added, deleted) {
            (b"-", b"-") => 0,
            _ => match (parse_number::<u64>(added), parse_number::<u64>(deleted)) {
                (Some(added), Some(deleted)) => added.saturating_add(deleted),
                _ => {
                    return Err(self.error(format!(
                        "expected line counts, got `{}` and `{}`",
                        String::from_utf8_lossy(added).escape_debug(),
                        String::from_utf8_lossy(deleted).escape_debug()
                    )));
                }
            },
        };
        if path.is_empty() {
            self.pending = Pending::OldPath(churn);
        } else {
            self.change(path, churn);
        }
        Ok(())
    }

    fn start_commit(&mut self, header: &[u8]) -> Result<(), HistoryError> {
        let mut fields = header.splitn(3, |&b| b == FIELD);
        let (Some(hash), Some(time), Some(email)) = (fields.next(), fields.next(), fields.next())
        else {
            return Err(self.error("commit header lacks hash, time or email"));
        };
        if !is_hash(hash) {
            return Err(self.error(format!(
                "`{}` is not a commit hash",
                String::from_utf8_lossy(hash).escape_debug()
            )));
        }
        let Some(time) = parse_number::<i64>(time) else {
            return Err(self.error(format!(
                "`{}` is not a commit time",
                String::from_utf8_lossy(time).escape_debug()
            )));
        };
        let keep = (self.since..=self.head_time).contains(&time);
        let author = if keep {
            self.commits += 1;
            let email = String::from_utf8_lossy(email).to_lowercase();
            let next = u32::try_from(self.authors.len()).unwrap_or(u32::MAX);
            *self.author_ids.entry(email).or_insert_with_key(|email| {
                self.authors.push(email.clone());
                next
            })
        } else {
            0
        };
        self.current = Some(Current { keep, author });
        Ok(())
    }

    fn change(&mut self, path: &[u8], churn: u64) {
        if !self.current.as_ref().is_some_and(|c| c.keep) {
            return;
        }
        let id = if let Some(&id) = self.file_ids.get(path) {
            id
        } else {
            let id = u32::try_from(self.paths.len()).unwrap_or(u32::MAX);
            self.file_ids.insert(path.into(), id);
            self.paths.push(path.into());
            self.files.push(FileCounts::default());
            id
        };
        self.changes.push((id, churn));
    }

    fn end_commit(&mut self) {
        let Some(current) = self.current.take() else {
            return;
        };
        if !current.keep {
            return;
        }
        // Merge repeated records of one file (only a log with renames or copies has them).
        self.changes.sort_unstable_by_key(|&(id, _)| id);
        self.changes.dedup_by(|later, first| {
            if later.0 == first.0 {
                first.1 = first.1.saturating_add(later.1);
                true
            } else {
                false
            }
        });
        let coupled = self.changes.len() <= self.limits.max_changeset;
        for &(id, churn) in &self.changes {
            let Some(file) = usize::try_from(id).ok().and_then(|i| self.files.get_mut(i)) else {
                continue;
            };
            file.commits = file.commits.saturating_add(1);
            file.churn = file.churn.saturating_add(churn);
            file.authors.push(current.author);
            if coupled {
                file.coupling_revs = file.coupling_revs.saturating_add(1);
            }
        }
        if coupled {
            for (i, &(a, _)) in self.changes.iter().enumerate() {
                for &(b, _) in self.changes.iter().skip(i + 1) {
                    let shared = self.pairs.entry((a, b)).or_insert(0);
                    *shared = shared.saturating_add(1);
                }
            }
        }
        self.changes.clear();
    }

    fn finish(mut self) -> Result<History, HistoryError> {
        if self.pending != Pending::Nothing {
            self.record += 1;
            return Err(self.error("output ends inside a rename record"));
        }
        self.end_commit();

        let names: Vec<String> = self
            .paths
            .iter()
            .map(|path| String::from_utf8_lossy(path).into_owned())
            .collect();
        let mut files = BTreeMap::new();
        for (name, counts) in names.iter().zip(&mut self.files) {
            counts.authors.sort_unstable();
            counts.authors.dedup();
            let authors = counts
                .authors
                .iter()
                .filter_map(|&a| usize::try_from(a).ok().and_then(|a| self.authors.get(a)));
            // Two paths that are not UTF-8 can get the same lossy name: their counts add up.
            let entry: &mut FileHistory = files.entry(name.clone()).or_default();
            entry.commits = entry.commits.saturating_add(counts.commits);
            entry.churn_lines = entry.churn_lines.saturating_add(counts.churn);
            entry.authors.extend(authors.cloned());
            entry.authors.sort_unstable();
            entry.authors.dedup();
        }

        let mut couplings = Vec::new();
        for (&(x, y), &shared) in &self.pairs {
            let (Some(a), Some(b)) = (get(&names, x), get(&names, y)) else {
                continue;
            };
            let (Some(ra), Some(rb)) = (get(&self.files, x), get(&self.files, y)) else {
                continue;
            };
            // code-maat (src/code_maat/analysis/logical_coupling.clj, coupling_algos.clj):
            // degree = shared / average(revs a, revs b) * 100, where the revisions of a file are
            // counted over the change sets that survive `--max-changeset-size`, so a commit too
            // large for coupling does not lower the degree of its files either. All operands are
            // exact in f64 and there is one division, so a degree equal to a threshold compares
            // equal. Unlike code-maat's report, the degree is not truncated to an integer (its
            // filter uses the exact value too). code-maat's `--min-revs` (default 5, on the
            // average revisions) has no limit here: shared <= average, so `min_shared` implies it
            // whenever `min_shared >= min-revs`, as with the defaults.
            let degree = f64::from(shared) * 200.0
                / (f64::from(ra.coupling_revs) + f64::from(rb.coupling_revs));
            if shared < self.limits.min_shared || degree < self.limits.min_degree || a == b {
                continue;
            }
            let (a, b) = if a < b { (a, b) } else { (b, a) };
            couplings.push(Coupling {
                a: a.clone(),
                b: b.clone(),
                shared,
                degree,
            });
        }
        couplings.sort_by(|p, q| (&p.a, &p.b).cmp(&(&q.a, &q.b)));

        Ok(History {
            head: String::new(),
            head_time: self.head_time,
            days: self.days,
            commits: self.commits,
            files,
            couplings,
        })
    }
}

fn get<T>(items: &[T], id: u32) -> Option<&T> {
    usize::try_from(id).ok().and_then(|i| items.get(i))
}

fn parse_number<T: std::str::FromStr>(bytes: &[u8]) -> Option<T> {
    std::str::from_utf8(bytes).ok()?.parse().ok()
}

/// SHA-1 or SHA-256 object name in hex.
fn is_hash(bytes: &[u8]) -> bool {
    matches!(bytes.len(), 40 | 64) && bytes.iter().all(u8::is_ascii_hexdigit)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// Low thresholds, so that every pair of files changed together shows.
    const ALL_PAIRS: CouplingLimits = CouplingLimits {
        min_shared: 1,
        min_degree: 0.0,
        max_changeset: 30,
    };

    const T0: i64 = 1_700_000_000;
    const DAY: i64 = SECONDS_PER_DAY;

    /// A scripted repository; git runs without the machine's configuration.
    struct Repo {
        dir: tempfile::TempDir,
    }

    fn git_in(dir: &Path) -> Command {
        let mut command = Command::new("git");
        command
            .current_dir(dir)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "Tester")
            .env("GIT_AUTHOR_EMAIL", "tester@example.com")
            .env("GIT_COMMITTER_NAME", "Tester")
            .env("GIT_COMMITTER_EMAIL", "tester@example.com");
        command
    }

    fn run_ok(command: &mut Command) -> Vec<u8> {
        let out = command.output().unwrap();
        assert!(
            out.status.success(),
            "{command:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    }

    impl Repo {
        /// A repository whose first commit (which `read` lists no files of) lies long
        /// before every window of the tests.
        fn new() -> Repo {
            let dir = tempfile::tempdir().unwrap();
            run_ok(git_in(dir.path()).args(["init", "-q", "-b", "main"]));
            let repo = Repo { dir };
            repo.commit("init@example.com", 1_000_000_000, &[(".keep", "")]);
            repo
        }

        fn path(&self) -> &Path {
            self.dir.path()
        }

        fn git(&self, args: &[&str]) -> String {
            String::from_utf8(run_ok(git_in(self.path()).args(args))).unwrap()
        }

        fn git_at(&self, time: i64, args: &[&str]) {
            let date = format!("@{time} +0000");
            run_ok(
                git_in(self.path())
                    .args(args)
                    .env("GIT_AUTHOR_DATE", &date)
                    .env("GIT_COMMITTER_DATE", &date),
            );
        }

        /// Writes `files` (path, content) and commits them as `email` at `time`.
        fn commit(&self, email: &str, time: i64, files: &[(&str, &str)]) {
            for (path, content) in files {
                let path = self.path().join(path);
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(path, content).unwrap();
            }
            run_ok(git_in(self.path()).args(["add", "-A"]));
            let date = format!("@{time} +0000");
            run_ok(
                git_in(self.path())
                    .args(["commit", "-q", "-m", "change"])
                    .env("GIT_AUTHOR_EMAIL", email)
                    .env("GIT_AUTHOR_DATE", &date)
                    .env("GIT_COMMITTER_DATE", &date),
            );
        }

        fn head(&self) -> String {
            self.git(&["rev-parse", "HEAD"]).trim().to_owned()
        }

        /// The raw output of the `git log` that `read` streams.
        fn raw_log(&self, since: i64) -> Vec<u8> {
            let head = self.head();
            run_ok(git(self.path()).args(log_args(&head, since)))
        }
    }

    fn history(root: &Path, days: u32, limits: CouplingLimits) -> History {
        read(root, days, limits).unwrap().unwrap()
    }

    fn coupling<'h>(history: &'h History, a: &str, b: &str) -> Option<&'h Coupling> {
        history.couplings.iter().find(|c| c.a == a && c.b == b)
    }

    #[test]
    fn hotspot_counts_commits_churn_and_authors() {
        let repo = Repo::new();
        for i in 0..6 {
            // Alternating authors; one of them writes the email in capitals.
            let email = if i % 2 == 0 {
                "Alice@Example.COM"
            } else {
                "bob@example.com"
            };
            let content = format!("version {i}\n");
            repo.commit(email, T0 + i * 60, &[("src/hot.rs", &content)]);
        }
        repo.commit(
            "carol@example.com",
            T0 + 600,
            &[("src/cold.rs", "a\nb\nc\n")],
        );

        let history = history(repo.path(), 30, CouplingLimits::default());
        assert_eq!(history.head, repo.head());
        assert_eq!(history.head_time, T0 + 600);
        assert_eq!(history.days, 30);
        assert_eq!(history.commits, 7);
        assert_eq!(
            history.files["src/hot.rs"],
            FileHistory {
                commits: 6,
                authors: vec!["alice@example.com".into(), "bob@example.com".into()],
                // One line added, then five times one line replaced.
                churn_lines: 1 + 5 * 2,
            }
        );
        assert_eq!(
            history.files["src/cold.rs"],
            FileHistory {
                commits: 1,
                authors: vec!["carol@example.com".into()],
                churn_lines: 3,
            }
        );
        assert_eq!(history.files.len(), 2);
    }

    #[test]
    fn files_changing_together_are_coupled_and_rare_pairs_are_not() {
        let repo = Repo::new();
        let mut t = T0;
        for i in 0..6 {
            let v = format!("{i}\n");
            t += 60;
            repo.commit("a@x.org", t, &[("api/a.rs", &v), ("web/b.rs", &v)]);
        }
        for i in 0..2 {
            t += 60;
            repo.commit("a@x.org", t, &[("api/a.rs", &format!("alone {i}\n"))]);
        }
        for i in 0..4 {
            let v = format!("{i}\n");
            t += 60;
            repo.commit("a@x.org", t, &[("lib/c.rs", &v), ("lib/d.rs", &v)]);
        }

        let history = history(repo.path(), 30, CouplingLimits::default());
        assert_eq!(history.files["api/a.rs"].commits, 8);
        assert_eq!(history.files["web/b.rs"].commits, 6);
        // code-maat: 6 shared / average(8, 6) revisions.
        assert_eq!(
            history.couplings,
            vec![Coupling {
                a: "api/a.rs".into(),
                b: "web/b.rs".into(),
                shared: 6,
                degree: 6.0 * 100.0 / 7.0,
            }]
        );
        // 4 shared commits are below the default `min_shared` of 5, but are a pair.
        let low = super::read(repo.path(), 30, ALL_PAIRS).unwrap().unwrap();
        let cd = coupling(&low, "lib/c.rs", "lib/d.rs").unwrap();
        assert_eq!((cd.shared, cd.degree), (4, 100.0));
        assert!(coupling(&low, "api/a.rs", "lib/c.rs").is_none());
    }

    #[test]
    fn large_commit_counts_for_its_files_but_not_for_coupling() {
        let repo = Repo::new();
        let limits = CouplingLimits {
            max_changeset: 3,
            ..ALL_PAIRS
        };
        repo.commit(
            "a@x.org",
            T0,
            &[("a", "1\n"), ("b", "1\n"), ("c", "1\n"), ("d", "1\n")],
        );
        repo.commit("a@x.org", T0 + 60, &[("a", "2\n"), ("b", "2\n")]);

        let history = history(repo.path(), 30, limits);
        assert_eq!(history.commits, 2);
        assert_eq!(history.files["a"].commits, 2);
        assert_eq!(history.files["c"].commits, 1);
        // Only the small commit couples; as in code-maat, the large one does not count as a
        // revision of `a` or `b` either, so the degree is 1 / average(1, 1).
        assert_eq!(
            history.couplings,
            vec![Coupling {
                a: "a".into(),
                b: "b".into(),
                shared: 1,
                degree: 100.0,
            }]
        );
    }

    #[test]
    fn commits_before_the_window_are_left_out() {
        let repo = Repo::new();
        let head_time = T0 + 100 * DAY;
        repo.commit("old@x.org", head_time - 40 * DAY, &[("old.rs", "1\n")]);
        repo.commit("old@x.org", head_time - 30 * DAY - 1, &[("both.rs", "1\n")]);
        // Exactly at the start of the window: inside.
        repo.commit("edge@x.org", head_time - 30 * DAY, &[("edge.rs", "1\n")]);
        repo.commit("new@x.org", head_time - DAY, &[("both.rs", "2\n")]);
        repo.commit("new@x.org", head_time, &[("head.rs", "1\n")]);

        let history = history(repo.path(), 30, CouplingLimits::default());
        assert_eq!(history.head_time, head_time);
        assert_eq!(history.commits, 3);
        let files: Vec<&str> = history.files.keys().map(String::as_str).collect();
        assert_eq!(files, ["both.rs", "edge.rs", "head.rs"]);
        assert_eq!(history.files["both.rs"].authors, ["new@x.org"]);
        assert_eq!(history.files["both.rs"].churn_lines, 2);
    }

    #[test]
    fn the_window_ends_at_head_even_for_later_commits() {
        let log = b"\x1e1111111111111111111111111111111111111111\x1f2000\x1fa@x\0\n1\t0\tlate\0\
                    \x1e2222222222222222222222222222222222222222\x1f1000\x1fa@x\0\n1\t0\ton_time\0";
        let history = parse_log(log, 1000, 1, ALL_PAIRS).unwrap();
        assert_eq!(history.commits, 1);
        assert_eq!(history.files.keys().collect::<Vec<_>>(), ["on_time"]);
    }

    #[test]
    fn merges_are_left_out() {
        let repo = Repo::new();
        repo.commit("a@x.org", T0, &[("base.rs", "1\n")]);
        repo.git(&["checkout", "-q", "-b", "side"]);
        repo.commit("a@x.org", T0 + 60, &[("side.rs", "1\n")]);
        repo.git(&["checkout", "-q", "main"]);
        repo.commit("a@x.org", T0 + 120, &[("main.rs", "1\n")]);
        repo.git_at(T0 + 180, &["merge", "-q", "--no-ff", "-m", "merge", "side"]);
        // The three commits, the merge and the repository's first commit.
        assert_eq!(repo.git(&["rev-list", "--count", "HEAD"]).trim(), "5");

        let history = history(repo.path(), 30, ALL_PAIRS);
        assert_eq!(history.head_time, T0 + 180);
        assert_eq!(history.commits, 3);
        assert!(history.files.values().all(|f| f.commits == 1));
        assert!(history.couplings.is_empty());
    }

    #[test]
    fn a_subfolder_root_gives_relative_paths_and_drops_outside_files() {
        let repo = Repo::new();
        repo.commit(
            "a@x.org",
            T0,
            &[
                ("pkg/a.rs", "1\n"),
                ("pkg/sub/b.rs", "1\n"),
                ("top.rs", "1\n"),
            ],
        );
        repo.commit("a@x.org", T0 + 60, &[("other/c.rs", "1\n")]);
        repo.commit(
            "a@x.org",
            T0 + 120,
            &[("pkg/a.rs", "2\n"), ("top.rs", "2\n")],
        );

        let history = history(&repo.path().join("pkg"), 30, ALL_PAIRS);
        assert_eq!(history.head, repo.head());
        // The commit that touched only `other/` is not a commit of `pkg`.
        assert_eq!(history.commits, 2);
        let files: Vec<&str> = history.files.keys().map(String::as_str).collect();
        assert_eq!(files, ["a.rs", "sub/b.rs"]);
        assert_eq!(history.files["a.rs"].commits, 2);
        assert_eq!(
            history.couplings,
            vec![Coupling {
                a: "a.rs".into(),
                b: "sub/b.rs".into(),
                shared: 1,
                degree: 200.0 / 3.0,
            }]
        );

        // A subfolder untouched by history has no data, but HEAD still names the window.
        std::fs::create_dir(repo.path().join("empty")).unwrap();
        let empty = history_of_empty(&repo.path().join("empty"));
        assert_eq!((empty.commits, empty.files.len()), (0, 0));
        assert_eq!(empty.head, repo.head());
    }

    fn history_of_empty(root: &Path) -> History {
        history(root, 30, ALL_PAIRS)
    }

    #[test]
    fn a_folder_outside_git_has_no_history() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.rs"), "fn main() {}\n").unwrap();
        assert_eq!(read(dir.path(), 30, ALL_PAIRS).unwrap(), None);
    }

    #[test]
    fn the_first_commit_is_an_import_not_a_change() {
        let dir = tempfile::tempdir().unwrap();
        run_ok(git_in(dir.path()).args(["init", "-q", "-b", "main"]));
        let repo = Repo { dir };
        repo.commit("a@x.org", T0, &[("a.rs", "1\n"), ("b.rs", "1\n")]);
        repo.commit("a@x.org", T0 + 60, &[("a.rs", "2\n")]);
        let history = history(repo.path(), 30, ALL_PAIRS);
        assert_eq!(history.commits, 2);
        assert_eq!(history.files.keys().collect::<Vec<_>>(), ["a.rs"]);
        assert_eq!(history.files["a.rs"].commits, 1);
    }

    #[test]
    fn a_repository_without_commits_has_no_history() {
        let dir = tempfile::tempdir().unwrap();
        run_ok(git_in(dir.path()).args(["init", "-q", "-b", "main"]));
        std::fs::write(dir.path().join("a.rs"), "fn main() {}\n").unwrap();
        assert_eq!(read(dir.path(), 30, ALL_PAIRS).unwrap(), None);
    }

    #[test]
    fn a_missing_root_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let missing: PathBuf = dir.path().join("missing");
        let error = read(&missing, 30, ALL_PAIRS).unwrap_err();
        assert!(matches!(error, HistoryError::Spawn { .. }), "{error:?}");
    }

    const WEIRD: [&str; 5] = [
        "dir with space/file name.rs",
        "tab\there.rs",
        "ünïcödé/数据.rs",
        "new\nline.rs",
        "\"quoted\" \\ back.rs",
    ];

    fn weird_repo() -> Repo {
        let repo = Repo::new();
        for i in 0..2 {
            let content = format!("{i}\n");
            let files: Vec<(&str, &str)> = WEIRD.iter().map(|p| (*p, content.as_str())).collect();
            repo.commit("a@x.org", T0 + i * 60, &files);
        }
        // A binary file: churn 0.
        std::fs::write(repo.path().join("blob.bin"), [0u8, 1, 2, 0, 255]).unwrap();
        repo.commit("a@x.org", T0 + 120, &[]);
        repo
    }

    #[test]
    fn weird_file_names_survive() {
        let repo = weird_repo();
        let history = history(repo.path(), 30, ALL_PAIRS);
        let mut expected: Vec<&str> = WEIRD.to_vec();
        expected.push("blob.bin");
        expected.sort_unstable();
        let files: Vec<&str> = history.files.keys().map(String::as_str).collect();
        assert_eq!(files, expected);
        assert_eq!(history.files["tab\there.rs"].commits, 2);
        assert_eq!(history.files["blob.bin"].churn_lines, 0);
        assert_eq!(history.couplings.len(), 10);
        assert!(history.couplings.iter().all(|c| c.a < c.b && c.shared == 2));
    }

    #[test]
    fn parse_log_reads_what_git_prints() {
        let repo = weird_repo();
        let log = repo.raw_log(0);
        let mut parsed = parse_log(&log, T0 + 120, 30, ALL_PAIRS).unwrap();
        assert_eq!(parsed.head, "");
        parsed.head = repo.head();
        assert_eq!(parsed, history(repo.path(), 30, ALL_PAIRS));
    }

    #[test]
    fn degree_matches_code_maat() {
        // code-maat's own example (test/code_maat/analysis/logical_coupling_test.clj):
        // revision 1 changes A, B and C; revision 2 changes A and B.
        let log = b"\x1e1111111111111111111111111111111111111111\x1f10\x1fa@x\0\n1\t0\tA\0\
                    1\t0\tB\0\
                    1\t0\tC\0\
                    \x1e2222222222222222222222222222222222222222\x1f20\x1fa@x\0\n1\t1\tA\0\
                    1\t1\tB\0";
        let history = parse_log(log, 20, 1, ALL_PAIRS).unwrap();
        let found: Vec<(&str, &str, u32, f64)> = history
            .couplings
            .iter()
            .map(|c| (c.a.as_str(), c.b.as_str(), c.shared, c.degree))
            .collect();
        let two_thirds = 200.0 / 3.0;
        assert_eq!(
            found,
            [
                ("A", "B", 2, 100.0),
                ("A", "C", 1, two_thirds),
                ("B", "C", 1, two_thirds)
            ]
        );
        // A degree equal to the threshold is kept.
        let limits = CouplingLimits {
            min_degree: 100.0,
            ..ALL_PAIRS
        };
        assert_eq!(parse_log(log, 20, 1, limits).unwrap().couplings.len(), 1);
    }

    #[test]
    fn default_limits_are_code_maats() {
        let limits = CouplingLimits::default();
        assert_eq!(limits.min_shared, 5);
        assert!((limits.min_degree - 30.0).abs() < f64::EPSILON);
        assert_eq!(limits.max_changeset, 30);
    }

    #[test]
    fn parse_log_reads_renames_binaries_and_empty_commits() {
        let log = b"\x1e1111111111111111111111111111111111111111\x1f10\x1fA@X\0\
                    \x1e2222222222222222222222222222222222222222\x1f20\x1fb@x\0\n2\t3\t\0old\tname\0new\tname\0\
                    -\t-\tpic.png\0";
        let history = parse_log(log, 20, 1, ALL_PAIRS).unwrap();
        assert_eq!(history.commits, 2);
        assert_eq!(history.files["new\tname"].churn_lines, 5);
        assert_eq!(history.files["pic.png"].churn_lines, 0);
        assert!(!history.files.contains_key("old\tname"));
        assert_eq!(history.couplings.len(), 1);
        assert_eq!(parse_log(b"", 0, 0, ALL_PAIRS).unwrap(), History::default());
    }

    #[test]
    fn parse_log_reports_the_record_of_bad_output() {
        let cases: [(&[u8], usize); 6] = [
            (b"\n1\t2\tpath\0", 1),
            (
                b"\x1e1111111111111111111111111111111111111111\x1f10\x1fa@x\0\nx\t2\tp\0",
                2,
            ),
            (b"\x1enot-a-hash\x1f10\x1fa@x\0", 1),
            (
                b"\x1e1111111111111111111111111111111111111111\x1fsoon\x1fa@x\0",
                1,
            ),
            (
                b"\x1e1111111111111111111111111111111111111111\x1f10\x1fa@x\0\n1\t2\tpa",
                2,
            ),
            (
                b"\x1e1111111111111111111111111111111111111111\x1f10\x1fa@x\0\n1\t2\t\0old\0",
                4,
            ),
        ];
        for (log, line) in cases {
            match parse_log(log, 10, 1, ALL_PAIRS) {
                Err(HistoryError::Parse { line: got, .. }) => assert_eq!(got, line, "{log:?}"),
                other => panic!("{log:?}: {other:?}"),
            }
        }
    }

    /// xorshift64*: deterministic noise without a dependency.
    struct Noise(u64);

    impl Noise {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }

        fn below(&mut self, n: usize) -> usize {
            usize::try_from(self.next() % n as u64).unwrap()
        }
    }

    #[test]
    fn parse_log_never_panics() {
        let repo = weird_repo();
        let log = repo.raw_log(0);
        let tight = CouplingLimits {
            max_changeset: 2,
            ..ALL_PAIRS
        };
        for end in 0..=log.len() {
            let _ = parse_log(&log[..end], T0 + 120, 30, ALL_PAIRS);
            let _ = parse_log(&log[end..], T0 + 120, 30, tight);
        }
        let alphabet = b"\0\0\t\t\n\x1e\x1f0123456789-abcdef/ \xff\xc3";
        let mut noise = Noise(0x9E37_79B9_7F4A_7C15);
        for _ in 0..5_000 {
            let len = noise.below(200);
            let garbage: Vec<u8> = (0..len)
                .map(|_| alphabet[noise.below(alphabet.len())])
                .collect();
            let _ = parse_log(&garbage, 0, 0, ALL_PAIRS);
            let mut mutated = log.clone();
            for _ in 0..=noise.below(4) {
                let at = noise.below(mutated.len());
                mutated[at] = alphabet[noise.below(alphabet.len())];
            }
            let _ = parse_log(&mutated, T0 + 120, u32::MAX, ALL_PAIRS);
            let _ = parse_log(&mutated, i64::MIN, u32::MAX, tight);
        }
    }

    /// Builds 10,000 commits with `git fast-import` and times `read`:
    /// `cargo test --release -- --ignored --nocapture ten_thousand`.
    #[test]
    #[ignore = "timing, run by hand"]
    #[allow(clippy::print_stderr)]
    fn ten_thousand_commits_are_read_quickly() {
        use std::fmt::Write as _;
        use std::io::Write as _;

        const COMMITS: i64 = 10_000;
        let repo = Repo::new();
        let mut script = String::new();
        for i in 1..=COMMITS {
            let time = T0 + i * 60;
            let who = i % 7;
            writeln!(script, "commit refs/heads/main\nmark :{i}").unwrap();
            writeln!(
                script,
                "author Dev {who} <dev{who}@example.com> {time} +0000"
            )
            .unwrap();
            writeln!(
                script,
                "committer Dev {who} <dev{who}@example.com> {time} +0000"
            )
            .unwrap();
            writeln!(script, "data 0").unwrap();
            if i > 1 {
                writeln!(script, "from :{}", i - 1).unwrap();
            }
            let mut paths = vec![
                format!("src/m{}/f{}.rs", i * 7 % 40, i * 13 % 500),
                format!("src/m{}/f{}.rs", i * 11 % 40, i * 31 % 500),
                format!("lib/g{}.rs", i % 97),
            ];
            if i % 3 == 0 {
                paths.push("core/a.rs".into());
                paths.push("core/b.rs".into());
            }
            for path in paths {
                let content = format!("fn v() -> i64 {{ {i} }}\n// {path}\n");
                writeln!(
                    script,
                    "M 100644 inline {path}\ndata {}\n{content}",
                    content.len()
                )
                .unwrap();
            }
        }
        let started = std::time::Instant::now();
        let mut child = git_in(repo.path())
            .args(["fast-import", "--quiet"])
            .stdin(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(script.as_bytes())
            .unwrap();
        assert!(child.wait().unwrap().success());
        eprintln!("fast-import of {COMMITS} commits: {:?}", started.elapsed());

        let started = std::time::Instant::now();
        let history = history(repo.path(), 3650, CouplingLimits::default());
        let elapsed = started.elapsed();
        eprintln!(
            "read: {elapsed:?} for {} commits, {} files, {} couplings",
            history.commits,
            history.files.len(),
            history.couplings.len()
        );
        assert_eq!(history.commits, 10_000);
        let ab = coupling(&history, "core/a.rs", "core/b.rs").unwrap();
        assert_eq!((ab.shared, ab.degree), (3333, 100.0));
    }
}
