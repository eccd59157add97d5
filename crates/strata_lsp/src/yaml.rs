//! `module.yaml` in the editor: the documentation of the key under the cursor (from the JSON
//! Schema `strata schema module` prints), the module named by a `depends_on` entry, and the
//! edit that declares a dependency. Line-based: it reads keys by their indentation, which is
//! what a `module.yaml` being typed still has when it does not parse.

use std::fmt::Write as _;

use lsp_types::{Position, Range, TextEdit};
use serde_json::Value;

/// The key on `line`: `  port: 3001` and `- name: x` give `port` and `name`.
fn key_of(line: &str) -> Option<(usize, &str)> {
    let trimmed = line.trim_start();
    let indent = line.len() - trimmed.len();
    let (indent, trimmed) = match trimmed.strip_prefix("- ") {
        Some(rest) => (indent + 2, rest),
        None => (indent, trimmed),
    };
    let (key, _) = trimmed.split_once(':')?;
    let ok = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    ok.then_some((indent, key))
}

/// The keys from the top of the document to the one at `line`.
fn key_path(lines: &[&str], line: usize) -> Option<Vec<String>> {
    let (mut indent, key) = key_of(lines.get(line)?)?;
    let mut path = vec![key.to_owned()];
    for above in lines[..line].iter().rev() {
        if indent == 0 {
            break;
        }
        if let Some((i, k)) = key_of(above) {
            if i < indent {
                path.push(k.to_owned());
                indent = i;
            }
        }
    }
    path.reverse();
    Some(path)
}

/// The schema node that `node` stands for: references followed, `anyOf` with null skipped.
fn resolve<'a>(root: &'a Value, node: &'a Value) -> &'a Value {
    if let Some(reference) = node["$ref"].as_str() {
        let name = reference.rsplit('/').next().unwrap_or_default();
        return resolve(root, &root["$defs"][name]);
    }
    if let Some(options) = node["anyOf"].as_array() {
        if let Some(first) = options.iter().find(|o| o["type"] != "null") {
            return resolve(root, first);
        }
    }
    if node["type"] == "array" {
        return resolve(root, &node["items"]);
    }
    node
}

/// Markdown for the key under the cursor: its path, its documentation and, for a choice, the
/// values it takes.
pub fn key_doc(text: &str, at: Position) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let path = key_path(&lines, at.line as usize)?;
    let schema: Value = serde_json::from_str(&strata_workspace::schema::module_schema()).ok()?;
    let mut node = &schema;
    let mut described = None;
    for key in &path {
        let object = resolve(&schema, node);
        let property = object["properties"].get(key.as_str())?;
        described = property["description"]
            .as_str()
            .or_else(|| resolve(&schema, property)["description"].as_str());
        node = property;
    }
    let mut out = format!("`{}`", path.join("."));
    if let Some(d) = described {
        out.push_str(": ");
        out.push_str(d);
    }
    let values: Vec<&str> = resolve(&schema, node)["enum"]
        .as_array()
        .map(|v| v.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if !values.is_empty() {
        let _ = write!(out, "\n\nOne of: {}", values.join(", "));
    }
    Some(out)
}

/// The module named under the cursor in `depends_on` (`depends_on: [a, b]`, `- a`, or
/// `- name: a`).
pub fn dependency_at(text: &str, at: Position) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let line = *lines.get(at.line as usize)?;
    let top_level = !line.starts_with(' ') && !line.starts_with('-');
    if top_level && !line.starts_with("depends_on:") {
        return None;
    }
    let inside = line.trim_start().starts_with("depends_on:")
        || key_path(&lines, at.line as usize)
            .is_some_and(|p| p.first().is_some_and(|k| k == "depends_on"))
        || lines[..at.line as usize]
            .iter()
            .rev()
            .find(|l| !l.starts_with(' ') && !l.starts_with('-') && !l.trim().is_empty())
            .is_some_and(|l| l.starts_with("depends_on:"));
    if !inside {
        return None;
    }
    let byte = crate::text::utf16_to_byte(line, at.character);
    let word = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.');
    let start = line[..byte].rfind(|c: char| !word(c)).map_or(0, |i| i + 1);
    let end = line[byte..]
        .find(|c: char| !word(c))
        .map_or(line.len(), |i| byte + i);
    let name = &line[start..end];
    (!name.is_empty() && name != "depends_on" && name != "name").then(|| name.to_owned())
}

/// The edit that adds `module` to `depends_on`: into a flow list, after a block list's last
/// item, or as a new key at the end.
pub fn add_dependency(text: &str, module: &str) -> TextEdit {
    let lines: Vec<&str> = text.lines().collect();
    let at =
        |line: usize, character: u32| Position::new(u32::try_from(line).unwrap_or(0), character);
    let insert = |pos: Position, new_text: String| TextEdit {
        range: Range::new(pos, pos),
        new_text,
    };
    if let Some(i) = lines.iter().position(|l| l.starts_with("depends_on:")) {
        let line = lines[i];
        if let Some(close) = line.rfind(']') {
            let inner = line[..close].split_once('[').map_or("", |(_, r)| r).trim();
            let sep = if inner.is_empty() { "" } else { ", " };
            let col = crate::text::byte_to_utf16(line, close);
            return insert(at(i, col), format!("{sep}{module}"));
        }
        // A block list: after its last `- item` line.
        let mut last = i;
        for (j, l) in lines.iter().enumerate().skip(i + 1) {
            if l.trim_start().starts_with("- ") && l.starts_with(' ') || l.starts_with("- ") {
                last = j;
            } else if !l.trim().is_empty() {
                break;
            }
        }
        let indent = lines
            .get(last)
            .filter(|_| last > i)
            .map_or("  ", |l| &l[..l.len() - l.trim_start().len()]);
        let col = crate::text::byte_to_utf16(lines[last], lines[last].len());
        return insert(at(last, col), format!("\n{indent}- {module}"));
    }
    let end = lines.len();
    let newline = if text.ends_with('\n') || text.is_empty() {
        ""
    } else {
        "\n"
    };
    insert(at(end, 0), format!("{newline}depends_on: [{module}]\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(text: &str, edit: &TextEdit) -> String {
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        let line = edit.range.start.line as usize;
        let offset: usize = lines[..line.min(lines.len())]
            .iter()
            .map(|l| l.len())
            .sum::<usize>()
            + edit.range.start.character as usize;
        format!("{}{}{}", &text[..offset], edit.new_text, &text[offset..])
    }

    #[test]
    fn a_dependency_is_added_to_each_shape_of_list() {
        let flow = "name: a\ndepends_on: [b, c]\n";
        assert_eq!(
            apply(flow, &add_dependency(flow, "d")),
            "name: a\ndepends_on: [b, c, d]\n"
        );
        let empty = "name: a\ndepends_on: []\n";
        assert_eq!(
            apply(empty, &add_dependency(empty, "d")),
            "name: a\ndepends_on: [d]\n"
        );
        let block = "name: a\ndepends_on:\n  - b\n  - c\nowner: x\n";
        assert_eq!(
            apply(block, &add_dependency(block, "d")),
            "name: a\ndepends_on:\n  - b\n  - c\n  - d\nowner: x\n"
        );
        let none = "name: a\nowner: x\n";
        assert_eq!(
            apply(none, &add_dependency(none, "d")),
            "name: a\nowner: x\ndepends_on: [d]\n"
        );
    }

    #[test]
    fn keys_are_documented_from_the_schema() {
        let text = "name: a\napi:\n  port: 3001\nlifecycle: production\n";
        let port = key_doc(text, Position::new(2, 3)).unwrap();
        assert!(port.starts_with("`api.port`: "), "{port}");
        let lifecycle = key_doc(text, Position::new(3, 1)).unwrap();
        assert!(lifecycle.contains("One of: "), "{lifecycle}");
        assert!(lifecycle.contains("production"), "{lifecycle}");
        assert_eq!(key_doc("nothing: 1\n", Position::new(0, 1)), None);
    }

    #[test]
    fn the_dependency_under_the_cursor() {
        let text = "name: a\ndepends_on: [billing, users]\nowner: x\n";
        assert_eq!(
            dependency_at(text, Position::new(1, 15)).as_deref(),
            Some("billing")
        );
        assert_eq!(
            dependency_at(text, Position::new(1, 25)).as_deref(),
            Some("users")
        );
        assert_eq!(dependency_at(text, Position::new(2, 8)), None);
        let block = "name: a\ndepends_on:\n  - billing\n  - { name: users }\n";
        assert_eq!(
            dependency_at(block, Position::new(2, 5)).as_deref(),
            Some("billing")
        );
        assert_eq!(
            dependency_at(block, Position::new(3, 14)).as_deref(),
            Some("users")
        );
    }
}
