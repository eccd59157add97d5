//! `strata graph --format svg`: the graph drawn by strata itself, no Graphviz needed.
//!
//! Layout: nodes in rows by dependency depth (longest path over the condensation, so the
//! modules of a cycle share a row and everything a node depends on lies below it), long rows
//! wrapped, nodes ordered within rows by the barycentre of their neighbours to keep edges
//! short and crossings few. Edges are curves from a node's bottom to its dependency's top;
//! edges on a cycle or breaking a rule are red and drawn last. Nodes are coloured by lane
//! (else layer), with a legend.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use strata_analysis::waves;
use strata_graph::Graph;

use crate::graph_view::{GraphDoc, PALETTE, Problems};

const FONT: f64 = 12.0;
/// Average advance of a character at `FONT` px in a sans-serif face (generous, so labels fit).
const CHAR: f64 = 7.2;
const NODE_H: f64 = 26.0;
const GAP_X: f64 = 14.0;
const GAP_Y: f64 = 64.0;
const MARGIN: f64 = 24.0;
/// Rows wider than this wrap onto further rows.
const MAX_ROW: f64 = 1800.0;

struct Node<'a> {
    label: &'a str,
    title: String,
    group: usize,
    on_cycle: bool,
}

/// A node's position: centre x, top y, width.
#[derive(Clone, Copy, Default)]
struct Placed {
    x: f64,
    y: f64,
    w: f64,
}

impl GraphDoc<'_> {
    /// The graph as a standalone SVG document.
    pub fn svg(&self, problems: &Problems) -> String {
        let groups = self.groups();
        let group_index = |g: &str| groups.iter().position(|x| x == g).unwrap_or(0);
        let module_group: BTreeMap<&str, usize> = self
            .modules
            .iter()
            .map(|m| (m.record.name.as_str(), group_index(&Self::group_of(m))))
            .collect();
        let on_cycle = |name: &str| problems.cycles.iter().any(|c| c.contains(name));

        let (nodes, edges, title): (Vec<Node>, Vec<(usize, usize, bool)>, String) =
            match &self.edges {
                None => {
                    let nodes: Vec<Node> = self
                        .modules
                        .iter()
                        .map(|m| Node {
                            label: &m.record.name,
                            title: format!(
                                "{} (lane: {}, layer: {}, owner: {})",
                                m.record.name,
                                m.record.lane.as_deref().unwrap_or("-"),
                                m.record.layer.as_deref().unwrap_or("-"),
                                m.record.owner.as_deref().unwrap_or("-"),
                            ),
                            group: module_group
                                .get(m.record.name.as_str())
                                .copied()
                                .unwrap_or(0),
                            on_cycle: on_cycle(&m.record.name),
                        })
                        .collect();
                    let index = index_by_label(&nodes);
                    let edges = self
                        .module_edges
                        .iter()
                        .filter_map(|e| {
                            let bad = problems
                                .violations
                                .contains(&(e.from.to_owned(), e.to.to_owned()))
                                || problems.on_cycle(e.from, e.to);
                            Some((*index.get(e.from)?, *index.get(e.to)?, bad))
                        })
                        .collect();
                    let title = format!(
                        "{} modules, {} dependencies",
                        self.modules.len(),
                        self.module_edges.len()
                    );
                    (nodes, edges, title)
                }
                Some(file_edges) => {
                    let files = self.files.as_deref().unwrap_or_default();
                    let nodes: Vec<Node> = files
                        .iter()
                        .map(|f| Node {
                            label: f.path,
                            title: format!("{} ({})", f.path, f.module.unwrap_or("no module")),
                            group: f
                                .module
                                .and_then(|m| module_group.get(m).copied())
                                .unwrap_or(0),
                            on_cycle: false,
                        })
                        .collect();
                    let index = index_by_label(&nodes);
                    let edges = file_edges
                        .iter()
                        .filter_map(|e| Some((*index.get(e.from)?, *index.get(e.to)?, false)))
                        .collect();
                    let title = format!("{} files, {} imports", files.len(), file_edges.len());
                    (nodes, edges, title)
                }
            };

        let placed = layout(&nodes, &edges);
        render(&nodes, &edges, &placed, &groups, &title)
    }
}

/// Each node's position in `nodes`, by label.
fn index_by_label<'a>(nodes: &[Node<'a>]) -> BTreeMap<&'a str, usize> {
    nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.label, i))
        .collect()
}

/// Rows by dependency depth (dependencies below), wrapped and ordered by barycentre.
fn layout(nodes: &[Node], edges: &[(usize, usize, bool)]) -> Vec<Placed> {
    let n = nodes.len();
    let to_u32 = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
    let graph = Graph::new(n, edges.iter().map(|&(a, b, _)| (to_u32(a), to_u32(b))));
    let plan = waves(&graph, &|_| true);
    let width = |i: usize| count(nodes[i].label.chars().count()).mul_add(CHAR, 16.0);

    // Waves from the top: the deepest dependents first, so arrows point down.
    let mut rows: Vec<Vec<usize>> = Vec::new();
    for wave in plan.waves.iter().rev() {
        let mut wave: Vec<usize> = wave.iter().map(|&v| v as usize).collect();
        wave.sort_by(|&a, &b| {
            (nodes[a].group, nodes[a].label).cmp(&(nodes[b].group, nodes[b].label))
        });
        let mut row = Vec::new();
        let mut used = 0.0;
        for v in wave {
            let w = width(v) + GAP_X;
            if used + w > MAX_ROW && !row.is_empty() {
                rows.push(std::mem::take(&mut row));
                used = 0.0;
            }
            used += w;
            row.push(v);
        }
        if !row.is_empty() {
            rows.push(row);
        }
    }

    let mut placed = vec![Placed::default(); n];
    let mut neighbours: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(a, b, _) in edges {
        if a != b {
            neighbours[a].push(b);
            neighbours[b].push(a);
        }
    }
    let place_rows = |rows: &[Vec<usize>], placed: &mut Vec<Placed>| {
        let widest = rows
            .iter()
            .map(|r| r.iter().map(|&v| width(v) + GAP_X).sum::<f64>())
            .fold(0.0, f64::max);
        for (r, row) in rows.iter().enumerate() {
            let total: f64 = row.iter().map(|&v| width(v) + GAP_X).sum::<f64>() - GAP_X;
            let mut x = MARGIN + (widest - GAP_X - total) / 2.0;
            for &v in row {
                let w = width(v);
                placed[v] = Placed {
                    x: x + w / 2.0,
                    y: count(r).mul_add(NODE_H + GAP_Y, MARGIN + 56.0),
                    w,
                };
                x += w + GAP_X;
            }
        }
    };
    place_rows(&rows, &mut placed);
    // Barycentre sweeps: order each row by the mean x of its neighbours.
    for _ in 0..4 {
        for row in &mut rows {
            let key = |v: usize| {
                let ns = &neighbours[v];
                if ns.is_empty() {
                    placed[v].x
                } else {
                    ns.iter().map(|&u| placed[u].x).sum::<f64>() / count(ns.len())
                }
            };
            let mut keyed: Vec<(f64, usize)> = row.iter().map(|&v| (key(v), v)).collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            *row = keyed.into_iter().map(|(_, v)| v).collect();
        }
        place_rows(&rows, &mut placed);
    }
    placed
}

/// A count as a coordinate factor.
pub(crate) fn count(n: usize) -> f64 {
    f64::from(u32::try_from(n).unwrap_or(u32::MAX))
}

pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\t' && c != '\n' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

fn render(
    nodes: &[Node],
    edges: &[(usize, usize, bool)],
    placed: &[Placed],
    groups: &[String],
    title: &str,
) -> String {
    let right = placed.iter().map(|p| p.x + p.w / 2.0).fold(480.0, f64::max) + MARGIN;
    // Room below the last row for the arcs of cycles within it.
    let bottom = placed.iter().map(|p| p.y + NODE_H).fold(80.0, f64::max) + GAP_Y * 0.6 + MARGIN;
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{right:.0}" height="{bottom:.0}" viewBox="0 0 {right:.0} {bottom:.0}" font-family="Helvetica, Arial, sans-serif" font-size="{FONT}">"#
    );
    out.push_str(concat!(
        "<defs>",
        r##"<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#64748b"/></marker>"##,
        r##"<marker id="arrow-bad" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#dc2626"/></marker>"##,
        "</defs>\n",
        r##"<rect width="100%" height="100%" fill="#ffffff"/>"##,
        "\n"
    ));
    let _ = writeln!(
        out,
        r##"<text x="{MARGIN}" y="{:.0}" font-size="16" font-weight="bold" fill="#0f172a">strata: {}</text>"##,
        MARGIN + 4.0,
        escape(title)
    );
    // Legend: lane colours, then what red means.
    let mut x = MARGIN;
    let y = MARGIN + 22.0;
    for (i, g) in groups.iter().enumerate() {
        let label = if g.is_empty() { "(no lane)" } else { g };
        let _ = writeln!(
            out,
            r##"<rect class="legend" x="{x:.1}" y="{y:.1}" width="14" height="14" rx="3" fill="{}" stroke="#334155"/><text x="{:.1}" y="{:.1}" fill="#334155">{}</text>"##,
            PALETTE[i % PALETTE.len()],
            x + 19.0,
            y + 11.5,
            escape(label)
        );
        x += count(label.chars().count()).mul_add(CHAR, 34.0);
    }
    let _ = writeln!(
        out,
        r##"<line x1="{x:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#dc2626" stroke-width="2.5"/><text x="{:.1}" y="{:.1}" fill="#334155">cycle or rule broken</text>"##,
        y + 7.0,
        x + 22.0,
        y + 7.0,
        x + 28.0,
        y + 11.5
    );

    // Edges: normal ones first, problems on top.
    for bad in [false, true] {
        for &(a, b, is_bad) in edges.iter().filter(|e| e.2 == bad) {
            if a == b {
                continue;
            }
            let (p, q) = (placed[a], placed[b]);
            let (x1, y1, x2, y2) = if q.y > p.y {
                (p.x, p.y + NODE_H, q.x, q.y)
            } else if q.y < p.y {
                (p.x, p.y, q.x, q.y + NODE_H)
            } else {
                // Same row (a cycle): an arc below the row.
                (p.x, p.y + NODE_H, q.x, q.y + NODE_H)
            };
            let bend = if (y2 - y1).abs() < 1.0 {
                GAP_Y * 0.6
            } else {
                (y2 - y1) / 2.0
            };
            let (c1, c2) = if (y2 - y1).abs() < 1.0 {
                (y1 + bend, y2 + bend)
            } else {
                (y1 + bend, y2 - bend)
            };
            let (stroke, width, opacity, marker) = if is_bad {
                ("#dc2626", 2.5, 1.0, "arrow-bad")
            } else {
                ("#64748b", 1.0, 0.45, "arrow")
            };
            let _ = writeln!(
                out,
                r#"<path class="edge{}" d="M{x1:.1},{y1:.1} C{x1:.1},{c1:.1} {x2:.1},{c2:.1} {x2:.1},{y2:.1}" fill="none" stroke="{stroke}" stroke-width="{width}" stroke-opacity="{opacity}" marker-end="url(#{marker})"/>"#,
                if is_bad { " bad" } else { "" }
            );
        }
    }
    for (node, p) in nodes.iter().zip(placed) {
        let (stroke, width) = if node.on_cycle {
            ("#dc2626", 2.5)
        } else {
            ("#334155", 1.0)
        };
        let _ = writeln!(
            out,
            r##"<g><title>{}</title><rect class="node" x="{:.1}" y="{:.1}" width="{:.1}" height="{NODE_H}" rx="5" fill="{}" stroke="{stroke}" stroke-width="{width}"/><text x="{:.1}" y="{:.1}" text-anchor="middle" fill="#0f172a">{}</text></g>"##,
            escape(&node.title),
            p.x - p.w / 2.0,
            p.y,
            p.w,
            PALETTE[node.group % PALETTE.len()],
            p.x,
            p.y + NODE_H / 2.0 + FONT * 0.35,
            escape(node.label)
        );
    }
    out.push_str("</svg>\n");
    out
}
