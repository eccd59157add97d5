//! Coverage reports: line coverage per source file, read from an lcov tracefile or a Cobertura
//! XML report as coverage tools write them. Pure: it parses the text it is given and touches no
//! file, so a path in the result is exactly what the report wrote (or, for Cobertura, that path
//! joined with the report's first `<source>`).
//!
//! A line is counted once per file: when a report names a line twice (the same file in several
//! lcov sections after test runs were merged, several Cobertura `<class>` entries for one file,
//! as Java writes for inner classes) the entries are merged by line number, and the line is hit
//! when any of them hit it.

use std::collections::BTreeMap;

/// Line coverage of one source file, as a coverage report gives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileCoverage {
    /// The path as the report writes it (absolute or relative, `/` or `\` separators kept as
    /// written). For Cobertura, a relative `filename` is joined with the report's first
    /// `<source>` (see [`parse_cobertura`]).
    pub path: String,
    /// Lines that are instrumented (could be executed).
    pub lines_found: u32,
    /// Of those, lines executed at least once.
    pub lines_hit: u32,
}

/// The coverage report formats [`parse`] reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CoverageFormat {
    /// An lcov tracefile (`SF:` … `end_of_record`), as geninfo, coverage.py, c8 and
    /// cargo-llvm-cov write it.
    Lcov,
    /// A Cobertura XML report (`<coverage>…<class filename="…"><lines><line …/>`).
    Cobertura,
}

/// Why a coverage report could not be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CoverageError {
    /// The report is of a known format but broken at `line` (1-based).
    #[error("line {line}: {message}")]
    Malformed { line: u32, message: String },
    /// The text is neither format (see [`detect`]).
    #[error("not an lcov tracefile or a Cobertura XML report")]
    UnknownFormat,
}

/// Which format `text` is: Cobertura when it starts (after an optional BOM, XML declaration,
/// comments, DOCTYPE) with a `<coverage` element; lcov when its first non-empty line (`#`
/// comment lines aside) is an lcov record (`TN:`, `SF:`, …). Only the start of the text is
/// looked at: a report detected here can still be malformed further on.
pub fn detect(text: &str) -> Option<CoverageFormat> {
    let text = strip_bom(text);
    if starts_with_coverage_element(text) {
        Some(CoverageFormat::Cobertura)
    } else if starts_with_lcov_record(text) {
        Some(CoverageFormat::Lcov)
    } else {
        None
    }
}

/// Parses either format, as [`detect`] tells; one entry per path, sorted by path.
pub fn parse(text: &str) -> Result<Vec<FileCoverage>, CoverageError> {
    match detect(text) {
        Some(CoverageFormat::Lcov) => parse_lcov(text),
        Some(CoverageFormat::Cobertura) => parse_cobertura(text),
        None => Err(CoverageError::UnknownFormat),
    }
}

/// Parses an lcov tracefile (geninfo format); one entry per path, sorted by path.
///
/// Lines are counted from the `DA:<line>,<hits>[,<checksum>]` records. The `LF`/`LH` summaries
/// are used only for a file none of whose sections has a `DA` record (then the largest of its
/// sections' values, since summaries cannot be merged line by line). Every other record (`TN`,
/// `FN`, `FNDA`, `BRDA`, `VER`, …) and `#` comment lines are ignored. A negative hit count, which
/// some gcov versions write, counts as not hit, as lcov itself treats it.
///
/// Lenient where a writer may be sloppy: CRLF, blank lines and indentation are accepted, and a
/// section left open by a missing `end_of_record` (at the end of the text or before the next
/// `SF:`) is taken as ended. Strict where the data would be wrong: a `DA` record that is not
/// numeric or not in an `SF:` section, an `SF:` without a path, a non-numeric `LF`/`LH`, and a
/// line that is not a record are [`CoverageError::Malformed`] with their 1-based line.
pub fn parse_lcov(text: &str) -> Result<Vec<FileCoverage>, CoverageError> {
    let mut files: BTreeMap<String, FileLines> = BTreeMap::new();
    let mut section: Option<Section> = None;
    for (index, raw) in strip_bom(text).lines().enumerate() {
        let line_no = one_based(index);
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line == "end_of_record" {
            if let Some(open) = section.take() {
                open.close(&mut files);
            }
            continue;
        }
        let Some((key, value)) = split_record(line) else {
            return Err(malformed(
                line_no,
                format!(
                    "expected an lcov record `<KEY>:<value>`, found `{}`",
                    excerpt(line)
                ),
            ));
        };
        match key {
            "SF" => {
                let path = value.trim();
                if path.is_empty() {
                    return Err(malformed(line_no, "`SF:` names no source file".to_owned()));
                }
                if let Some(open) = section.take() {
                    open.close(&mut files);
                }
                section = Some(Section::new(path));
            }
            "DA" => {
                let Some(open) = section.as_mut() else {
                    return Err(malformed(
                        line_no,
                        format!("`{}` is outside an `SF:` section", excerpt(line)),
                    ));
                };
                let Some((number, hit)) = parse_da(value) else {
                    return Err(malformed(
                        line_no,
                        format!("expected `DA:<line>,<hits>`, found `{}`", excerpt(line)),
                    ));
                };
                open.lines.record(number, hit);
            }
            "LF" | "LH" => {
                let Ok(count) = value.trim().parse::<u32>() else {
                    return Err(malformed(
                        line_no,
                        format!("expected `{key}:<count>`, found `{}`", excerpt(line)),
                    ));
                };
                // A summary outside a section summarises nothing we count.
                if let Some(open) = section.as_mut() {
                    if key == "LF" {
                        open.found = Some(count);
                    } else {
                        open.hit = Some(count);
                    }
                }
            }
            _ => {}
        }
    }
    if let Some(open) = section.take() {
        open.close(&mut files);
    }
    Ok(finish(files))
}

/// Parses a Cobertura XML report (as coverage.py, istanbul/c8, cargo-llvm-cov and gcovr write
/// it); one entry per path, sorted by path.
///
/// Paths: a relative `filename` is joined with `/` to the first `<source>` of the report, the
/// one tools write the project root into (the others are not tried: that would need the
/// filesystem); an absolute `filename`, or a report whose first `<source>` is missing, empty or
/// `.`, keeps the filename as written. Lines: only the `<line>` elements of a class's own
/// `<lines>` count; those under `<methods>` repeat them. Several `<class>` entries with the same
/// path are merged by line number.
///
/// Broken XML is [`CoverageError::Malformed`] at the line of the XML error (at the last line
/// when the text ends too early); so is a `<line>` without a numeric `number` and `hits`, or a
/// `<class>` without a `filename`, at that element's line.
pub fn parse_cobertura(text: &str) -> Result<Vec<FileCoverage>, CoverageError> {
    let text = strip_bom(text);
    // Reports carry a DOCTYPE naming the Cobertura DTD; roxmltree never fetches it, and its
    // entity-expansion limits guard against entity bombs.
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    let doc = roxmltree::Document::parse_with_options(text, options)
        .map_err(|error| xml_error(text, &error))?;
    let root = doc.root_element();
    if !root.has_tag_name("coverage") {
        return Err(malformed(
            line_of(&doc, root),
            format!(
                "expected a `<coverage>` root element, found `<{}>`",
                root.tag_name().name()
            ),
        ));
    }
    // Clover (istanbul's `clover` reporter, OpenClover) also has a `<coverage>` root: refuse it
    // rather than report no files.
    if root.has_attribute("clover") || root.children().any(|node| node.has_tag_name("project")) {
        return Err(malformed(
            line_of(&doc, root),
            "this is a Clover report (`<coverage><project>`), not Cobertura".to_owned(),
        ));
    }
    let source = first_source(root);
    let mut files: BTreeMap<String, FileLines> = BTreeMap::new();
    for class in root.descendants().filter(|node| node.has_tag_name("class")) {
        let Some(filename) = class
            .attribute("filename")
            .filter(|name| !name.trim().is_empty())
        else {
            return Err(malformed(
                line_of(&doc, class),
                "`<class>` has no `filename` attribute".to_owned(),
            ));
        };
        let file = files.entry(join_source(source, filename)).or_default();
        let own_lines = class
            .children()
            .filter(|node| node.has_tag_name("lines"))
            .flat_map(|lines| lines.children())
            .filter(|node| node.has_tag_name("line"));
        for line in own_lines {
            let Some((number, hit)) = parse_line_element(line) else {
                return Err(malformed(
                    line_of(&doc, line),
                    format!(
                        "expected `<line number=\"<line>\" hits=\"<hits>\">`, found `{}`",
                        excerpt(describe_line_element(line).as_str())
                    ),
                ));
            };
            file.record(number, hit);
        }
    }
    Ok(finish(files))
}

/// The lines of one file gathered from every section or class naming it.
#[derive(Debug, Default)]
struct FileLines {
    /// Line number → executed at least once.
    lines: BTreeMap<u32, bool>,
    /// `(LF, LH)` from lcov sections without `DA` records; used only while `lines` is empty.
    summary: Option<(u32, u32)>,
}

impl FileLines {
    fn record(&mut self, line: u32, hit: bool) {
        *self.lines.entry(line).or_insert(false) |= hit;
    }

    fn merge(&mut self, other: FileLines) {
        for (line, hit) in other.lines {
            self.record(line, hit);
        }
        if let Some((found, hit)) = other.summary {
            let (old_found, old_hit) = self.summary.unwrap_or((0, 0));
            self.summary = Some((old_found.max(found), old_hit.max(hit)));
        }
    }
}

/// An lcov `SF:` section being read.
struct Section {
    path: String,
    lines: FileLines,
    found: Option<u32>,
    hit: Option<u32>,
}

impl Section {
    fn new(path: &str) -> Self {
        Self {
            path: path.to_owned(),
            lines: FileLines::default(),
            found: None,
            hit: None,
        }
    }

    fn close(mut self, files: &mut BTreeMap<String, FileLines>) {
        if self.lines.lines.is_empty() && (self.found.is_some() || self.hit.is_some()) {
            let hit = self.hit.unwrap_or(0);
            let found = self.found.unwrap_or(hit);
            // A hit count above the found count is a broken summary; never report more hit
            // lines than instrumented ones.
            self.lines.summary = Some((found, hit.min(found)));
        }
        files.entry(self.path).or_default().merge(self.lines);
    }
}

fn finish(files: BTreeMap<String, FileLines>) -> Vec<FileCoverage> {
    files
        .into_iter()
        .map(|(path, file)| {
            let (lines_found, lines_hit) = if file.lines.is_empty() {
                file.summary.unwrap_or((0, 0))
            } else {
                let hit = file.lines.values().filter(|hit| **hit).count();
                (saturate(file.lines.len()), saturate(hit))
            };
            FileCoverage {
                path,
                lines_found,
                lines_hit,
            }
        })
        .collect()
}

/// `<line>,<hits>[,<checksum>]` → (line, hit at least once).
fn parse_da(value: &str) -> Option<(u32, bool)> {
    let mut fields = value.split(',');
    let number = fields.next()?.trim().parse::<u32>().ok()?;
    let hit = parse_hits(fields.next()?)?;
    Some((number, hit))
}

/// A hit count (`-?[0-9]+`) → whether it is at least one. Read from the digits, so a count too
/// large for any integer type is still a hit; a negative count is not.
fn parse_hits(value: &str) -> Option<bool> {
    let value = value.trim();
    let (negative, digits) = match value.strip_prefix('-') {
        Some(digits) => (true, digits),
        None => (false, value),
    };
    if digits.is_empty() || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    Some(!negative && digits.bytes().any(|byte| byte != b'0'))
}

fn parse_line_element(line: roxmltree::Node<'_, '_>) -> Option<(u32, bool)> {
    let number = line.attribute("number")?.trim().parse::<u32>().ok()?;
    let hit = parse_hits(line.attribute("hits")?)?;
    Some((number, hit))
}

/// `<line number="x" hits="1">` rebuilt from the attributes that matter, for an error message.
fn describe_line_element(line: roxmltree::Node<'_, '_>) -> String {
    let attributes: Vec<String> = ["number", "hits"]
        .into_iter()
        .filter_map(|name| Some(format!(" {name}=\"{}\"", line.attribute(name)?)))
        .collect();
    format!("<line{}>", attributes.concat())
}

/// The text of the report's first `<sources><source>`, when it names a directory to join.
fn first_source<'a>(root: roxmltree::Node<'a, '_>) -> Option<&'a str> {
    let source = root
        .children()
        .filter(|node| node.has_tag_name("sources"))
        .flat_map(|sources| sources.children())
        .find(|node| node.has_tag_name("source"))?;
    let text = source.text()?.trim();
    (!text.is_empty() && text != ".").then_some(text)
}

fn join_source(source: Option<&str>, filename: &str) -> String {
    match source {
        Some(root) if !is_absolute(filename) => {
            format!("{}/{filename}", root.trim_end_matches(['/', '\\']))
        }
        _ => filename.to_owned(),
    }
}

/// Absolute on Unix (`/x`), on Windows (`C:\x`, `C:/x`) or a UNC/rooted path (`\x`).
fn is_absolute(path: &str) -> bool {
    let bytes = path.as_bytes();
    match bytes {
        [b'/' | b'\\', ..] => true,
        [drive, b':', b'/' | b'\\', ..] => drive.is_ascii_alphabetic(),
        _ => false,
    }
}

fn xml_error(text: &str, error: &roxmltree::Error) -> CoverageError {
    let line = match error {
        // roxmltree places these at 1:1; the text ended too early, so point at its end.
        roxmltree::Error::UnexpectedEndOfStream | roxmltree::Error::UnclosedRootNode => {
            last_line(text)
        }
        _ => error.pos().row,
    };
    malformed(line, format!("invalid XML: {error}"))
}

fn line_of(doc: &roxmltree::Document<'_>, node: roxmltree::Node<'_, '_>) -> u32 {
    doc.text_pos_at(node.range().start).row
}

/// The 1-based line of the last non-blank text.
fn last_line(text: &str) -> u32 {
    let newlines = text
        .trim_end()
        .bytes()
        .filter(|byte| *byte == b'\n')
        .count();
    saturate(newlines).saturating_add(1)
}

fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// `KEY:value` with a key of letters, digits and `_`.
fn split_record(line: &str) -> Option<(&str, &str)> {
    let (key, value) = line.split_once(':')?;
    let is_key = !key.is_empty()
        && key
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'_');
    is_key.then_some((key, value))
}

/// Records of the geninfo format (lcov 1.x and 2.x) that may open a tracefile.
const LCOV_KEYS: &[&str] = &[
    "TN", "SF", "VER", "FN", "FNL", "FNA", "FNDA", "FNF", "FNH", "DA", "LF", "LH", "BRDA", "BRF",
    "BRH", "MCDC", "MCF", "MCH",
];

fn starts_with_lcov_record(text: &str) -> bool {
    let Some(first) = text
        .lines()
        .map(str::trim)
        .find(|line| !line.is_empty() && !line.starts_with('#'))
    else {
        return false;
    };
    first == "end_of_record" || split_record(first).is_some_and(|(key, _)| LCOV_KEYS.contains(&key))
}

/// Whether the first element, past the XML prolog, is `<coverage`.
fn starts_with_coverage_element(text: &str) -> bool {
    let mut rest = text;
    loop {
        rest = rest.trim_start();
        let skipped = if let Some(after) = rest.strip_prefix("<?") {
            after.split_once("?>").map(|(_, tail)| tail)
        } else if let Some(after) = rest.strip_prefix("<!--") {
            after.split_once("-->").map(|(_, tail)| tail)
        } else if let Some(after) = rest.strip_prefix("<!DOCTYPE") {
            skip_doctype(after)
        } else {
            break;
        };
        match skipped {
            Some(tail) => rest = tail,
            None => return false,
        }
    }
    rest.strip_prefix("<coverage").is_some_and(|after| {
        after
            .chars()
            .next()
            .is_none_or(|next| next.is_whitespace() || next == '>' || next == '/')
    })
}

/// The text after a DOCTYPE's closing `>`, past any quoted literal and `[…]` internal subset.
fn skip_doctype(after: &str) -> Option<&str> {
    let mut depth = 0_u32;
    let mut quote: Option<char> = None;
    for (index, c) in after.char_indices() {
        match (quote, c) {
            (Some(open), _) if c == open => quote = None,
            (None, '"' | '\'') => quote = Some(c),
            (None, '[') => depth = depth.saturating_add(1),
            (None, ']') => depth = depth.saturating_sub(1),
            (None, '>') if depth == 0 => return after.get(index + 1..),
            _ => {}
        }
    }
    None
}

fn malformed(line: u32, message: String) -> CoverageError {
    CoverageError::Malformed { line, message }
}

fn one_based(index: usize) -> u32 {
    saturate(index).saturating_add(1)
}

fn saturate(count: usize) -> u32 {
    u32::try_from(count).unwrap_or(u32::MAX)
}

/// At most 80 characters of `text`, for an error message.
fn excerpt(text: &str) -> String {
    const MAX: usize = 80;
    match text.char_indices().nth(MAX) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> String {
        let path = format!(
            "{}/tests/fixtures/coverage/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("reading `{path}`: {error}"))
    }

    fn file(path: &str, lines_found: u32, lines_hit: u32) -> FileCoverage {
        FileCoverage {
            path: path.to_owned(),
            lines_found,
            lines_hit,
        }
    }

    fn malformed_line(result: Result<Vec<FileCoverage>, CoverageError>) -> u32 {
        match result {
            Err(CoverageError::Malformed { line, .. }) => line,
            other => panic!("expected a malformed report, got {other:?}"),
        }
    }

    /// Totals of a parsed report: (found, hit).
    fn totals(files: &[FileCoverage]) -> (u32, u32) {
        files.iter().fold((0, 0), |(found, hit), file| {
            (found + file.lines_found, hit + file.lines_hit)
        })
    }

    // The expected counts below were made by hand from `tests/fixtures/coverage/src` and agree
    // with the tools' own summaries, quoted beside them (see the fixtures' README).

    /// coverage.py counts statements: in `ops.py` the `def`/`class` lines and bodies, not the
    /// docstring; the test never calls `sub`, `reset` nor the `b == 0` branch, and never
    /// imports `fmt.py`. `coverage report`: `__init__` 2 stmts 0 miss, `fmt` 4/4 miss, `ops`
    /// 17/3 miss; `coverage xml`: lines-valid 23, lines-covered 16.
    fn python_expected(prefix: &str) -> Vec<FileCoverage> {
        vec![
            file(&format!("{prefix}calc/__init__.py"), 2, 2),
            file(&format!("{prefix}calc/fmt.py"), 4, 0),
            file(&format!("{prefix}calc/ops.py"), 17, 14),
        ]
    }

    /// V8 (c8) counts every physical line of a loaded file. `format.js` has 15 lines, `shout`
    /// (11-13) never runs: 12 hit, c8 prints 80 %. `math.js` has 22 lines, `return high; }`
    /// (12-13) and `unused` (17-20) never run: 16 hit, c8 prints 72.72 %.
    fn js_expected(prefix: &str) -> Vec<FileCoverage> {
        vec![
            file(&format!("{prefix}format.js"), 15, 12),
            file(&format!("{prefix}math.js"), 22, 16),
        ]
    }

    #[test]
    fn python_lcov_counts_match_coverage_report() {
        let files = parse_lcov(&fixture("python.lcov")).unwrap();
        assert_eq!(files, python_expected(""));
        assert_eq!(totals(&files), (23, 16));
    }

    #[test]
    fn python_cobertura_counts_match_and_paths_join_the_source() {
        let files = parse_cobertura(&fixture("python.cobertura.xml")).unwrap();
        assert_eq!(files, python_expected("/tmp/cov-demo/python/"));
        // coverage.py's own line-rate="0.6957".
        assert_eq!(totals(&files), (23, 16));
    }

    #[test]
    fn js_lcov_counts_match_c8_summary() {
        let files = parse_lcov(&fixture("js.lcov")).unwrap();
        assert_eq!(files, js_expected(""));
        // c8's "All files" line: 75.67 % of lines, 28 of 37.
        assert_eq!(totals(&files), (37, 28));
    }

    #[test]
    fn js_cobertura_counts_match_without_method_lines() {
        let files = parse_cobertura(&fixture("js.cobertura.xml")).unwrap();
        assert_eq!(files, js_expected("/tmp/cov-demo/js/"));
        assert_eq!(totals(&files), (37, 28));
    }

    #[test]
    fn lcov_and_cobertura_of_one_run_agree_per_file() {
        for (lcov, xml, root) in [
            (
                "python.lcov",
                "python.cobertura.xml",
                "/tmp/cov-demo/python/",
            ),
            ("js.lcov", "js.cobertura.xml", "/tmp/cov-demo/js/"),
        ] {
            let from_lcov = parse_lcov(&fixture(lcov)).unwrap();
            let from_xml: Vec<FileCoverage> = parse_cobertura(&fixture(xml))
                .unwrap()
                .into_iter()
                .map(|file| FileCoverage {
                    path: file.path.strip_prefix(root).unwrap().to_owned(),
                    ..file
                })
                .collect();
            assert_eq!(from_lcov, from_xml, "{lcov} and {xml} disagree");
        }
    }

    #[test]
    fn fixtures_are_detected_and_parse_dispatches() {
        for (name, format) in [
            ("python.lcov", CoverageFormat::Lcov),
            ("js.lcov", CoverageFormat::Lcov),
            ("python.cobertura.xml", CoverageFormat::Cobertura),
            ("js.cobertura.xml", CoverageFormat::Cobertura),
        ] {
            let text = fixture(name);
            assert_eq!(detect(&text), Some(format), "{name}");
            let direct = match format {
                CoverageFormat::Lcov => parse_lcov(&text),
                CoverageFormat::Cobertura => parse_cobertura(&text),
            };
            assert_eq!(parse(&text), direct, "{name}");
        }
    }

    #[test]
    fn detect_skips_the_xml_prolog() {
        let xml = "\u{feff}<?xml version=\"1.0\"?>\n<!-- made by hand -->\n\
                   <!DOCTYPE coverage SYSTEM \"coverage-04.dtd\" [ <!ENTITY a \"b>\"> ]>\n\
                   <?pi x?>\n<coverage line-rate=\"1\">";
        assert_eq!(detect(xml), Some(CoverageFormat::Cobertura));
        assert_eq!(detect("<coverage/>"), Some(CoverageFormat::Cobertura));
        assert_eq!(detect("<coverage>"), Some(CoverageFormat::Cobertura));
        assert_eq!(detect("<coverage"), Some(CoverageFormat::Cobertura));
        assert_eq!(detect("<coverages/>"), None);
        assert_eq!(detect("<?xml version=\"1.0\"?><report/>"), None);
        assert_eq!(detect("<!-- never closed <coverage/>"), None);
    }

    #[test]
    fn detect_reads_the_first_lcov_record() {
        assert_eq!(detect("TN:\nSF:a.c\n"), Some(CoverageFormat::Lcov));
        assert_eq!(
            detect("\u{feff}\r\n\r\n   SF:a.c\r\n"),
            Some(CoverageFormat::Lcov)
        );
        assert_eq!(
            detect("# written by hand\nVER:1\n"),
            Some(CoverageFormat::Lcov)
        );
        assert_eq!(detect(""), None);
        assert_eq!(detect("   \n\n"), None);
        assert_eq!(detect("# Title\n\nSome prose.\n"), None);
        assert_eq!(detect("{\"files\": {}}"), None);
        assert_eq!(detect("http://example.com\nSF:a.c"), None);
        assert_eq!(parse("mode: set\n"), Err(CoverageError::UnknownFormat));
        assert_eq!(
            CoverageError::UnknownFormat.to_string(),
            "not an lcov tracefile or a Cobertura XML report"
        );
    }

    #[test]
    fn lcov_merges_repeated_lines_and_sections_of_one_file() {
        let text = "\
TN:unit
SF:src/a.rs
DA:1,0
DA:2,3
DA:1,0
DA:3,0
DA:5,1
DA:5,0
end_of_record
SF:src/b.rs
DA:1,1
end_of_record
TN:integration
SF:src/a.rs
DA:1,2,c2hhMQ
DA:2,0
DA:3,0
DA:4,0
end_of_record
";
        assert_eq!(
            parse_lcov(text).unwrap(),
            vec![file("src/a.rs", 5, 3), file("src/b.rs", 1, 1)]
        );
    }

    #[test]
    fn lcov_ignores_other_records_and_summaries_beside_da() {
        let text = "\
VER:2.0
SF:x.c
FN:1,3,main
FNDA:1,main
FNF:1
FNH:1
BRDA:2,0,0,1
BRF:1
BRH:1
DA:1,1
DA:2,0
LF:10
LH:10
end_of_record
";
        assert_eq!(parse_lcov(text).unwrap(), vec![file("x.c", 2, 1)]);
    }

    #[test]
    fn lcov_tolerates_crlf_blank_lines_and_indentation() {
        let text = "\u{feff}TN:\r\n\r\n  SF:C:\\work\\a.c\r\n\tDA:1,1\r\n   DA: 2 , 0 \r\n\r\nend_of_record\r\n";
        assert_eq!(parse_lcov(text).unwrap(), vec![file("C:\\work\\a.c", 2, 1)]);
    }

    #[test]
    fn lcov_falls_back_to_lf_lh_only_without_da() {
        let text = "\
SF:summary_only.c
LF:12
LH:5
end_of_record
SF:with_da.c
LF:12
LH:12
DA:7,1
end_of_record
SF:empty.c
end_of_record
SF:summary_only.c
LF:12
LH:8
end_of_record
SF:broken_summary.c
LF:3
LH:9
end_of_record
";
        assert_eq!(
            parse_lcov(text).unwrap(),
            vec![
                file("broken_summary.c", 3, 3),
                file("empty.c", 0, 0),
                file("summary_only.c", 12, 8),
                file("with_da.c", 1, 1),
            ]
        );
    }

    #[test]
    fn lcov_accepts_a_missing_end_of_record() {
        assert_eq!(
            parse_lcov("SF:a.c\nDA:1,1\nSF:b.c\nDA:1,0\nDA:2,5").unwrap(),
            vec![file("a.c", 1, 1), file("b.c", 2, 1)]
        );
    }

    #[test]
    fn lcov_hit_counts_too_large_or_negative() {
        let text = "SF:a.c\nDA:1,184467440737095516160000\nDA:2,-1\nDA:3,000\nend_of_record\n";
        assert_eq!(parse_lcov(text).unwrap(), vec![file("a.c", 3, 1)]);
    }

    #[test]
    fn lcov_malformed_records_name_their_line() {
        let bad_da = parse_lcov("TN:\nSF:a.c\nDA:1,1\n\nDA:x\nend_of_record\n");
        assert_eq!(
            bad_da,
            Err(CoverageError::Malformed {
                line: 5,
                message: "expected `DA:<line>,<hits>`, found `DA:x`".to_owned(),
            })
        );
        assert_eq!(
            bad_da.unwrap_err().to_string(),
            "line 5: expected `DA:<line>,<hits>`, found `DA:x`"
        );
        assert_eq!(malformed_line(parse_lcov("SF:a.c\nDA:1\n")), 2);
        assert_eq!(malformed_line(parse_lcov("SF:a.c\nDA:1,one\n")), 2);
        assert_eq!(malformed_line(parse_lcov("SF:a.c\nDA:-1,1\n")), 2);
        assert_eq!(malformed_line(parse_lcov("SF:a.c\nDA:99999999999,1\n")), 2);
        assert_eq!(
            malformed_line(parse_lcov("TN:\nDA:1,1\nSF:a.c\n")),
            2,
            "DA before any SF"
        );
        assert_eq!(
            malformed_line(parse_lcov("SF:a.c\nend_of_record\nDA:1,1\n")),
            3,
            "DA after end_of_record"
        );
        assert_eq!(malformed_line(parse_lcov("TN:\r\n\r\nSF:   \r\n")), 3);
        assert_eq!(malformed_line(parse_lcov("SF:a.c\nLF:many\n")), 2);
        assert_eq!(
            malformed_line(parse_lcov("SF:a.c\nDA:1,1\nnot a record\n")),
            3
        );
    }

    #[test]
    fn lcov_error_excerpts_are_short() {
        let long = format!("SF:a.c\nDA:{}\n", "9".repeat(500));
        let Err(CoverageError::Malformed { message, .. }) = parse_lcov(&long) else {
            panic!("expected a malformed report");
        };
        assert!(message.chars().count() < 150, "{message}");
        assert!(message.ends_with("…`"), "{message}");
    }

    const JAVA_INNER_CLASSES: &str = r#"<?xml version="1.0"?>
<!DOCTYPE coverage SYSTEM "http://cobertura.sourceforge.net/xml/coverage-04.dtd">
<coverage line-rate="0.5">
  <sources><source>/repo/src/main/java/</source><source>/other</source></sources>
  <packages><package name="shop"><classes>
    <class name="shop.Cart" filename="shop/Cart.java">
      <methods>
        <method name="add" signature="()V">
          <lines><line number="10" hits="4"/><line number="99" hits="1"/></lines>
        </method>
      </methods>
      <lines>
        <line number="3" hits="1"/>
        <line number="10" hits="0"/>
        <line number="11" hits="0"/>
      </lines>
    </class>
    <class name="shop.Cart$Item" filename="shop/Cart.java">
      <methods/>
      <lines>
        <line number="3" hits="0"/>
        <line number="11" hits="2"/>
        <line number="20" hits="0"/>
      </lines>
    </class>
    <class name="shop.Price" filename="shop/Price.java"><methods/><lines/></class>
  </classes></package></packages>
</coverage>
"#;

    #[test]
    fn cobertura_merges_classes_and_skips_method_lines() {
        // Cart.java: lines 3, 10, 11, 20. 10 is hit only in its <method> copy and 99 exists
        // only there, so neither counts; 11 is hit by the inner class; 3 stays hit although
        // the inner class reports it unhit.
        assert_eq!(
            parse_cobertura(JAVA_INNER_CLASSES).unwrap(),
            vec![
                file("/repo/src/main/java/shop/Cart.java", 4, 2),
                file("/repo/src/main/java/shop/Price.java", 0, 0),
            ]
        );
    }

    fn one_class(sources: &str, filename: &str) -> String {
        format!(
            "<coverage>{sources}<packages><package><classes>\
             <class filename=\"{filename}\"><lines><line number=\"1\" hits=\"1\"/></lines></class>\
             </classes></package></packages></coverage>"
        )
    }

    fn only_path(text: &str) -> String {
        let files = parse_cobertura(text).unwrap();
        assert_eq!(files.len(), 1);
        files[0].path.clone()
    }

    #[test]
    fn cobertura_paths_join_the_first_source_when_relative() {
        let two = "<sources><source>/a/root</source><source>/b</source></sources>";
        assert_eq!(only_path(&one_class(two, "src/x.py")), "/a/root/src/x.py");
        assert_eq!(only_path(&one_class(two, "/abs/x.py")), "/abs/x.py");
        assert_eq!(only_path(&one_class(two, "C:\\w\\x.py")), "C:\\w\\x.py");
        assert_eq!(only_path(&one_class(two, "d:/w/x.py")), "d:/w/x.py");
        let windows = "<sources><source>C:\\work\\proj\\</source></sources>";
        assert_eq!(
            only_path(&one_class(windows, "src\\x.js")),
            "C:\\work\\proj/src\\x.js"
        );
        let padded = "<sources>\n  <source>\n    /p/\n  </source>\n</sources>";
        assert_eq!(only_path(&one_class(padded, "x.py")), "/p/x.py");
        let root = "<sources><source>/</source></sources>";
        assert_eq!(only_path(&one_class(root, "x.py")), "/x.py");
        for sources in [
            "",
            "<sources/>",
            "<sources><source/></sources>",
            "<sources><source>  </source><source>/b</source></sources>",
            "<sources><source>.</source></sources>",
        ] {
            assert_eq!(
                only_path(&one_class(sources, "src/x.py")),
                "src/x.py",
                "{sources}"
            );
        }
    }

    #[test]
    fn cobertura_malformed_names_the_line() {
        let unclosed = "<coverage>\n<packages>\n<package>\n</packages>\n</coverage>\n";
        let Err(CoverageError::Malformed { line, message }) = parse_cobertura(unclosed) else {
            panic!("expected a malformed report");
        };
        assert_eq!(line, 4);
        assert!(message.starts_with("invalid XML: "), "{message}");

        let bad_line = "<coverage>\n<packages><package><classes>\n<class filename=\"a.py\">\n<lines>\n\
                        <line number=\"1\" hits=\"1\"/>\n<line number=\"two\" hits=\"1\"/>\n\
                        </lines></class></classes></package></packages></coverage>";
        assert_eq!(
            parse_cobertura(bad_line),
            Err(CoverageError::Malformed {
                line: 6,
                message: "expected `<line number=\"<line>\" hits=\"<hits>\">`, found \
                          `<line number=\"two\" hits=\"1\">`"
                    .to_owned(),
            })
        );
        let no_hits = bad_line.replace("number=\"two\" hits=\"1\"", "number=\"2\"");
        assert_eq!(malformed_line(parse_cobertura(&no_hits)), 6);
        let float_hits = bad_line.replace("number=\"two\" hits=\"1\"", "number=\"2\" hits=\"1.5\"");
        assert_eq!(malformed_line(parse_cobertura(&float_hits)), 6);
        let no_filename = bad_line.replace(" filename=\"a.py\"", "");
        assert_eq!(malformed_line(parse_cobertura(&no_filename)), 3);
        assert_eq!(
            malformed_line(parse_cobertura("<?xml version=\"1.0\"?>\n\n<report/>")),
            3
        );
        assert_eq!(malformed_line(parse_cobertura("")), 1);
    }

    #[test]
    fn cobertura_refuses_clover() {
        // The start of what c8 12 writes with `--reporter=clover`.
        let clover = r#"<?xml version="1.0" encoding="UTF-8"?>
<coverage generated="1796415855769" clover="3.2.0">
  <project timestamp="1796415855769" name="All files">
    <file name="format.js" path="/tmp/cov-demo/js/format.js">
      <line num="2" count="1" type="stmt"/>
    </file>
  </project>
</coverage>
"#;
        assert_eq!(detect(clover), Some(CoverageFormat::Cobertura));
        let Err(CoverageError::Malformed { line, message }) = parse(clover) else {
            panic!("expected Clover to be refused");
        };
        assert_eq!(line, 2);
        assert!(message.contains("Clover"), "{message}");
        let no_attribute = clover.replace(" clover=\"3.2.0\"", "");
        assert_eq!(malformed_line(parse(&no_attribute)), 2);
    }

    #[test]
    fn cobertura_cut_short_points_at_the_end() {
        let text = fixture("js.cobertura.xml");
        let cut = &text[..text.find("<class name=\"math.js\"").unwrap()];
        let expected = u32::try_from(cut.trim_end().lines().count()).unwrap();
        assert_eq!(malformed_line(parse_cobertura(cut)), expected);
        assert_eq!(malformed_line(parse(cut)), expected);
    }

    #[test]
    fn cobertura_survives_entity_bombs() {
        let bomb = r#"<?xml version="1.0"?>
<!DOCTYPE coverage [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
 <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
 <!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">
 <!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">
 <!ENTITY j "&i;&i;&i;&i;&i;&i;&i;&i;&i;&i;&i;&i;&i;&i;&i;&i;">
 <!ENTITY k "&j;&j;&j;&j;&j;&j;&j;&j;&j;&j;&j;&j;&j;&j;&j;&j;">
]>
<coverage><sources><source>&k;</source></sources></coverage>
"#;
        assert_eq!(detect(bomb), Some(CoverageFormat::Cobertura));
        // roxmltree refuses it (too many nested references) instead of expanding it.
        assert_eq!(malformed_line(parse(bomb)), 4);
    }

    /// A fuzz-style guard: whatever the text, the parsers return.
    #[test]
    fn never_panics_on_prefixes_and_garbage() {
        let fixtures = [
            fixture("python.lcov"),
            fixture("python.cobertura.xml"),
            fixture("js.lcov"),
            fixture("js.cobertura.xml"),
        ];
        for text in &fixtures {
            for (end, _) in text.char_indices() {
                let prefix = &text[..end];
                let _ = detect(prefix);
                let _ = parse(prefix);
                let _ = parse_lcov(prefix);
                let _ = parse_cobertura(prefix);
            }
        }
        // Deterministic mutations: bytes of the fixtures and of lcov/XML syntax, shuffled.
        let alphabet: Vec<char> = "SF:DA,end_of_record\n\r\t <>/=\"'?!-[]&;#x0123456789\u{feff}é"
            .chars()
            .collect();
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            usize::try_from(state % 1_000_003).unwrap()
        };
        for round in 0..2_000 {
            let base = &fixtures[round % fixtures.len()];
            let mut chars: Vec<char> = base.chars().collect();
            for _ in 0..=next() % 8 {
                let at = next() % chars.len();
                let c = alphabet[next() % alphabet.len()];
                match next() % 3 {
                    0 => chars[at] = c,
                    1 => chars.insert(at, c),
                    _ => {
                        chars.remove(at);
                    }
                }
            }
            let text: String = chars.into_iter().collect();
            let _ = detect(&text);
            let _ = parse(&text);
            let _ = parse_lcov(&text);
            let _ = parse_cobertura(&text);
        }
        for round in 0..500 {
            let text: String = (0..next() % 200)
                .map(|_| alphabet[(next() + round) % alphabet.len()])
                .collect();
            let _ = parse(&text);
            let _ = parse_lcov(&text);
            let _ = parse_cobertura(&text);
        }
    }
}
