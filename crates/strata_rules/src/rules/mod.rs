//! One file per rule. Each begins with its documentation.

pub mod dependency_drift;
pub mod deprecated_dependency;
pub mod duplicate_code;
pub mod duplicate_module;
pub mod event_name;
pub mod file_cycle;
pub mod forbidden;
pub mod hardcoded_endpoint;
pub mod hardcoded_secret;
pub mod health_gate;
pub mod internal_import;
pub mod lane_violation;
pub mod layer_violation;
pub mod max_fan_in;
pub mod max_fan_out;
pub mod no_cycles;
pub mod orphan_event;
pub mod port_conflict;
pub mod radar_hold;
pub mod required_files;
pub mod schema_coverage;
pub mod schema_invalid;
pub mod semver_bump;
pub mod semver_mismatch;
pub mod undeclared_dependency;
pub mod unknown_reference;
pub mod unused_dependency;

use serde_saphyr::Spanned;
use strata_diagnostics::Diagnostic;
use strata_graph::FileEdge;

use crate::{Context, GraphInput};
use strata_workspace::DeclaredModule;
use strata_workspace::module_file::pos;

/// The file a module's findings point at: its `module.yaml`, else its manifest.
pub(crate) fn declaration_file(m: &DeclaredModule) -> String {
    m.schema_path
        .clone()
        .or_else(|| m.manifest.as_ref().map(|x| x.path.clone()))
        .unwrap_or_else(|| m.display_root().to_owned())
}

/// A finding about module `m`, at a value of its `module.yaml`.
pub(crate) fn at_value<T>(
    rule: &'static str,
    m: &DeclaredModule,
    value: &Spanned<T>,
    message: String,
) -> Diagnostic {
    let (line, column) = pos(value);
    Diagnostic::new(rule, message)
        .module(&m.name)
        .at(declaration_file(m), line, column)
}

/// A finding about module `m` as a whole (pointing at its `name:` when it has a schema).
/// The modules over `rule`'s `max` option (or `default_max`) in one direction of the module
/// graph: each with the names of its dependencies (`outgoing`) or of its dependants, sorted.
pub(crate) fn over_coupled<'a>(
    cx: &Context<'a>,
    rule: &'static str,
    default_max: u64,
    outgoing: bool,
) -> (u64, Vec<(&'a DeclaredModule, Vec<&'a str>)>) {
    let max = cx
        .settings
        .option(rule, "max")
        .and_then(serde_json::Value::as_u64)
        .unwrap_or(default_max);
    let Some(graph) = &cx.graph else {
        return (max, Vec::new());
    };
    let mut neighbours: Vec<Vec<&str>> = vec![Vec::new(); cx.modules.len()];
    for &(a, b) in graph.module_edges.keys() {
        let (of, other) = if outgoing { (a, b) } else { (b, a) };
        neighbours[of].push(cx.modules[other].name.as_str());
    }
    let over = neighbours
        .into_iter()
        .enumerate()
        .filter(|(_, n)| n.len() as u64 > max)
        .map(|(i, mut n)| {
            n.sort_unstable();
            (&cx.modules[i], n)
        })
        .collect();
    (max, over)
}

pub(crate) fn at_module(rule: &'static str, m: &DeclaredModule, message: String) -> Diagnostic {
    match &m.schema {
        Some(s) => at_value(rule, m, &s.name, message),
        None => Diagnostic::new(rule, message)
            .module(&m.name)
            .at(declaration_file(m), 0, 0),
    }
}

/// A finding at an import: the importing file's line and column, the imported file as
/// `target_file`, the importing module as `module`.
pub(crate) fn at_import(
    rule: &'static str,
    graph: &GraphInput<'_>,
    edge: &FileEdge,
    module: &DeclaredModule,
    message: String,
) -> Diagnostic {
    Diagnostic::new(rule, message)
        .module(&module.name)
        .at(graph.path(edge.from), edge.line, edge.column)
        .target_file(graph.path(edge.to))
}

/// 1-based line and column (in bytes) of a byte offset.
pub(crate) fn position(bytes: &[u8], offset: usize) -> (u32, u32) {
    let before = bytes.get(..offset).unwrap_or(bytes);
    let line = memchr::memchr_iter(b'\n', before).count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let col = offset.saturating_sub(line_start) + 1;
    (
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(col).unwrap_or(u32::MAX),
    )
}
