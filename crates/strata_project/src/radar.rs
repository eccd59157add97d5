//! `strata deps`: every module's external dependencies at their resolved versions, the
//! `[radar]` ring of each package, the packages that drift, and the radar report (Markdown and
//! an SVG radar picture).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde::Serialize;
use strata_workspace::deps::{self, ModuleDeps, PackageSpec, Resolution, ecosystem_name};
use strata_workspace::{ManifestKind, RadarEntry};

use crate::Project;
use crate::svg::{count, escape};

/// The radar's rings, inside out.
pub const RINGS: [&str; 4] = ["adopt", "trial", "assess", "hold"];
/// The radar's sectors: one per ecosystem.
const SECTORS: [ManifestKind; 5] = deps::ECOSYSTEMS;

/// What `strata deps --format json` prints.
#[derive(Debug, Serialize)]
pub struct DepsDoc {
    pub modules: Vec<ModuleDepsView>,
    /// Every external package, by ecosystem then name.
    pub packages: Vec<PackageView>,
    /// Every `[radar]` entry, with the modules it selects.
    pub radar: Vec<RadarView>,
    pub summary: DepsSummary,
    /// Lockfiles that could not be read or parsed.
    pub warnings: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct ModuleDepsView {
    pub module: String,
    pub ecosystem: &'static str,
    pub manifest: String,
    /// `null` when no lockfile was found (and for Go and Maven, whose manifests resolve).
    pub lockfile: Option<String>,
    pub dependencies: Vec<DependencyView>,
}

#[derive(Debug, Serialize)]
pub struct DependencyView {
    pub name: String,
    /// `normal`, `dev` or `build`.
    pub kind: &'static str,
    pub requirement: Option<String>,
    pub resolved: Option<String>,
    /// 1-based line of the manifest (0: not found).
    pub line: u32,
    /// The `[radar]` ring whose entry selects this use, if any.
    pub ring: Option<&'static str>,
}

#[derive(Debug, Serialize)]
pub struct PackageView {
    pub ecosystem: &'static str,
    pub name: String,
    pub ring: Option<&'static str>,
    /// Resolved versions, newest first, each with the modules on it.
    pub versions: Vec<VersionUse>,
    /// Modules that use the package at no known version.
    pub unresolved: Vec<String>,
    /// More than one resolved version.
    pub drift: bool,
}

#[derive(Debug, Serialize)]
pub struct VersionUse {
    pub version: String,
    pub modules: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct RadarView {
    pub ring: &'static str,
    /// The entry as written: `[ecosystem:]name[@range]`.
    pub package: String,
    pub reason: Option<String>,
    /// `module@version` of every use the entry selects.
    pub used_by: Vec<String>,
}

impl RadarView {
    /// Uses at a known version (`used_by` entries not ending in `@?`).
    pub fn known_uses(&self) -> usize {
        self.used_by.iter().filter(|u| !u.ends_with("@?")).count()
    }
}

#[derive(Debug, Default, Serialize)]
pub struct DepsSummary {
    /// Modules with external dependencies.
    pub modules: usize,
    pub packages: usize,
    /// (module, package) pairs.
    pub uses: usize,
    /// Uses at no known version (no lockfile, or the lockfile lacks the package).
    pub unresolved: usize,
    /// Uses at a version a `hold` entry selects (a use at no known version is listed in
    /// `radar[].used_by` with `@?`, but not counted).
    pub on_hold: usize,
    /// Packages at more than one version.
    pub drifting: usize,
}

impl Project {
    /// Every module's external dependencies, resolved through their lockfiles.
    pub fn dependencies(&self) -> Resolution {
        self.dependencies_of(&self.declared_modules())
    }

    /// [`Project::dependencies`] of `declared` (from [`Project::declared_modules`]).
    pub(crate) fn dependencies_of(
        &self,
        declared: &[strata_workspace::DeclaredModule],
    ) -> Resolution {
        deps::module_dependencies(declared, &self.discovery.files, &|path| {
            std::fs::read_to_string(self.root.join(path)).ok()
        })
    }

    /// What `strata deps` shows.
    pub fn deps_doc(&self) -> DepsDoc {
        deps_doc(self, &self.dependencies())
    }
}

/// The `[radar]` entry (ring, entry, parsed spec) that selects a use, hold first.
fn ring_of<'a>(
    radar: &'a [(&'static str, &'a RadarEntry, PackageSpec)],
    kind: ManifestKind,
    name: &str,
    version: Option<&str>,
) -> Option<&'a (&'static str, &'a RadarEntry, PackageSpec)> {
    radar
        .iter()
        .find(|(_, _, s)| s.names(kind, name) && s.selects(version) != Some(false))
}

/// A package's resolved versions, each with the modules on it.
type Versions = BTreeMap<String, BTreeSet<String>>;

fn deps_doc(project: &Project, resolution: &Resolution) -> DepsDoc {
    let radar: Vec<(&'static str, &RadarEntry, PackageSpec)> = project
        .config
        .config
        .radar
        .entries()
        .filter_map(|(ring, e)| Some((ring, e, PackageSpec::parse(e.spec()).ok()?)))
        .collect();
    let name_of = |m: &ModuleDeps| {
        project
            .modules
            .get(m.module)
            .map_or_else(String::new, |x| x.declared.name.clone())
    };
    let mut summary = DepsSummary::default();
    let mut used_by: Vec<Vec<String>> = vec![Vec::new(); radar.len()];
    // By the ecosystem's name (the order reports list them in), then the package's.
    let mut packages: BTreeMap<(&'static str, ManifestKind, String), (Versions, BTreeSet<String>)> =
        BTreeMap::new();
    let modules: Vec<ModuleDepsView> = resolution
        .modules
        .iter()
        .map(|m| {
            let module = name_of(m);
            let dependencies = m
                .dependencies
                .iter()
                .map(|d| {
                    summary.uses += 1;
                    let version = d.version(m.ecosystem);
                    let entry = ring_of(&radar, m.ecosystem, &d.name, version);
                    if let Some(e) = entry {
                        if let Some(i) = radar.iter().position(|r| std::ptr::eq(r, e)) {
                            used_by[i].push(format!("{module}@{}", version.unwrap_or("?")));
                        }
                        // Counted only when the version is known to be held.
                        summary.on_hold +=
                            usize::from(e.0 == "hold" && e.2.selects(version) == Some(true));
                    }
                    let (versions, unresolved) = packages
                        .entry((ecosystem_name(m.ecosystem), m.ecosystem, d.name.clone()))
                        .or_default();
                    match &d.resolved {
                        Some(v) => {
                            versions
                                .entry(v.clone())
                                .or_default()
                                .insert(module.clone());
                        }
                        None => {
                            summary.unresolved += 1;
                            unresolved.insert(module.clone());
                        }
                    }
                    DependencyView {
                        name: d.name.clone(),
                        kind: d.kind,
                        requirement: d.requirement.clone(),
                        resolved: d.resolved.clone(),
                        line: d.line,
                        ring: entry.map(|e| e.0),
                    }
                })
                .collect();
            ModuleDepsView {
                module,
                ecosystem: ecosystem_name(m.ecosystem),
                manifest: m.manifest.clone(),
                lockfile: m.lockfile.clone(),
                dependencies,
            }
        })
        .collect();
    let packages: Vec<PackageView> = packages
        .into_iter()
        .map(|((ecosystem, kind, name), (versions, unresolved))| {
            let mut versions: Vec<VersionUse> = versions
                .into_iter()
                .map(|(version, modules)| VersionUse {
                    version,
                    modules: modules.into_iter().collect(),
                })
                .collect();
            versions.sort_by(|a, b| deps::compare_versions(&b.version, &a.version));
            PackageView {
                ecosystem,
                ring: ring_of(&radar, kind, &name, None).map(|e| e.0),
                drift: versions.len() > 1,
                name,
                versions,
                unresolved: unresolved.into_iter().collect(),
            }
        })
        .collect();
    summary.modules = modules.len();
    summary.packages = packages.len();
    summary.drifting = packages.iter().filter(|p| p.drift).count();
    let radar = radar
        .iter()
        .zip(used_by)
        .map(|((ring, entry, _), used_by)| RadarView {
            ring,
            package: entry.spec().to_owned(),
            reason: entry.reason().map(str::to_owned),
            used_by,
        })
        .collect();
    DepsDoc {
        modules,
        packages,
        radar,
        summary,
        warnings: resolution.warnings.clone(),
    }
}

impl DepsDoc {
    /// The radar report in Markdown: the rings with the modules each entry selects, the
    /// drifting packages, the most used packages and the modules without a lockfile.
    pub fn markdown(&self) -> String {
        let s = &self.summary;
        let mut out = String::from("# Technology radar\n\n");
        let _ = writeln!(
            out,
            "{} modules use {} external packages ({} uses, {} at no known version); {} uses on hold, {} packages drifting.\n",
            s.modules, s.packages, s.uses, s.unresolved, s.on_hold, s.drifting
        );
        for ring in RINGS.iter().rev() {
            let entries: Vec<&RadarView> = self.radar.iter().filter(|r| r.ring == *ring).collect();
            if entries.is_empty() {
                continue;
            }
            let _ = writeln!(out, "## {}{}\n", ring[..1].to_uppercase(), &ring[1..]);
            out.push_str("| package | reason | used by |\n|---|---|---|\n");
            for r in entries {
                let _ = writeln!(
                    out,
                    "| `{}` | {} | {} |",
                    r.package,
                    cell(r.reason.as_deref().unwrap_or("")),
                    if r.used_by.is_empty() {
                        "—".to_owned()
                    } else {
                        r.used_by.join(", ")
                    }
                );
            }
            out.push('\n');
        }
        let drifting: Vec<&PackageView> = self.packages.iter().filter(|p| p.drift).collect();
        out.push_str("## Drift\n\n");
        if drifting.is_empty() {
            out.push_str("Every package is at one version across modules.\n\n");
        } else {
            out.push_str("| package | ecosystem | versions (modules) |\n|---|---|---|\n");
            for p in drifting {
                let versions: Vec<String> = p
                    .versions
                    .iter()
                    .map(|v| format!("{} ({})", v.version, v.modules.join(", ")))
                    .collect();
                let _ = writeln!(
                    out,
                    "| `{}` | {} | {} |",
                    p.name,
                    p.ecosystem,
                    versions.join("; ")
                );
            }
            out.push('\n');
        }
        let mut used: Vec<&PackageView> = self.packages.iter().collect();
        used.sort_by_key(|p| {
            let n: usize =
                p.versions.iter().map(|v| v.modules.len()).sum::<usize>() + p.unresolved.len();
            (std::cmp::Reverse(n), p.ecosystem, p.name.as_str())
        });
        out.push_str("## Most used packages\n\n| package | ecosystem | modules | versions | ring |\n|---|---|---|---|---|\n");
        for p in used.iter().take(25) {
            let n: usize =
                p.versions.iter().map(|v| v.modules.len()).sum::<usize>() + p.unresolved.len();
            let versions: Vec<&str> = p.versions.iter().map(|v| v.version.as_str()).collect();
            let _ = writeln!(
                out,
                "| `{}` | {} | {n} | {} | {} |",
                p.name,
                p.ecosystem,
                if versions.is_empty() {
                    "?".to_owned()
                } else {
                    versions.join(", ")
                },
                p.ring.unwrap_or("")
            );
        }
        let unlocked: Vec<&ModuleDepsView> = self
            .modules
            .iter()
            .filter(|m| m.lockfile.is_none() && !matches!(m.ecosystem, "go" | "maven"))
            .collect();
        if !unlocked.is_empty() {
            out.push_str("\n## Modules without a lockfile\n\n");
            for m in unlocked {
                let _ = writeln!(out, "- `{}` ({}, `{}`)", m.module, m.ecosystem, m.manifest);
            }
        }
        if !self.warnings.is_empty() {
            out.push_str("\n## Lockfiles that could not be read\n\n");
            for w in &self.warnings {
                let _ = writeln!(out, "- {}", cell(w));
            }
        }
        out
    }

    /// The radar as a picture: one sector per ecosystem, rings adopt (inside) to hold
    /// (outside), a numbered blip per `[radar]` entry (sized by the modules that use it, red
    /// when a held package is in use, amber when it is used at unknown versions only, hollow
    /// when unused), and the numbered legend beside it.
    pub fn svg(&self) -> String {
        const R: f64 = 260.0;
        const CX: f64 = 300.0;
        const CY: f64 = 300.0;
        let ring_r = [0.4, 0.62, 0.82, 1.0].map(|f| f * R);
        let mut cells: BTreeMap<(usize, usize), Vec<usize>> = BTreeMap::new();
        for (i, r) in self.radar.iter().enumerate() {
            let ring = RINGS.iter().position(|x| *x == r.ring).unwrap_or(3);
            let sector = PackageSpec::parse(&r.package)
                .ok()
                .and_then(|s| s.ecosystem)
                .or_else(|| self.ecosystem_of(&r.package))
                .and_then(|k| SECTORS.iter().position(|&s| s == k))
                .unwrap_or(1);
            cells.entry((sector, ring)).or_default().push(i);
        }
        let legend_h = 40.0 + 16.0 * f64::from(u32::try_from(self.radar.len()).unwrap_or(0));
        let height = (2.0 * CY).max(legend_h);
        let mut out = String::new();
        let _ = writeln!(
            out,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="1000" height="{height:.0}" viewBox="0 0 1000 {height:.0}" font-family="sans-serif" font-size="12">"#
        );
        out.push_str("<title>Technology radar</title>\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
        let fills = ["#dcfce7", "#e0f2fe", "#fef9c3", "#fee2e2"];
        for (k, r) in ring_r.iter().enumerate().rev() {
            let _ = writeln!(
                out,
                r##"<circle cx="{CX}" cy="{CY}" r="{r:.1}" fill="{}" stroke="#94a3b8"/>"##,
                fills[k]
            );
        }
        let sectors = SECTORS.len();
        let angle = |sector: usize, f: f64| {
            std::f64::consts::TAU * (count(sector) + f) / count(sectors)
                - std::f64::consts::FRAC_PI_2
        };
        for (s, kind) in SECTORS.iter().enumerate() {
            let a = angle(s, 0.0);
            let _ = writeln!(
                out,
                r##"<line x1="{CX}" y1="{CY}" x2="{:.1}" y2="{:.1}" stroke="#94a3b8"/>"##,
                CX + R * a.cos(),
                CY + R * a.sin()
            );
            let m = angle(s, 0.5);
            let _ = writeln!(
                out,
                r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" font-weight="bold" fill="#334155">{}</text>"##,
                CX + (R + 22.0) * m.cos(),
                CY + (R + 22.0) * m.sin() + 4.0,
                ecosystem_name(*kind)
            );
        }
        for (k, ring) in RINGS.iter().enumerate() {
            let inner = if k == 0 { 0.0 } else { ring_r[k - 1] };
            let _ = writeln!(
                out,
                r##"<text x="{CX}" y="{:.1}" text-anchor="middle" fill="#64748b">{ring}</text>"##,
                CY - f64::midpoint(inner, ring_r[k]) + 4.0
            );
        }
        for ((sector, ring), blips) in &cells {
            let inner = if *ring == 0 {
                0.12 * R
            } else {
                ring_r[*ring - 1]
            };
            let outer = ring_r[*ring];
            for (slot, &i) in blips.iter().enumerate() {
                let entry = &self.radar[i];
                // Spread the cell's blips over its angle, alternating between two radii.
                let share = (count(slot) + 1.0) / (count(blips.len()) + 1.0);
                let theta = angle(*sector, 0.08 + 0.84 * share);
                let depth = if slot % 2 == 0 { 0.35 } else { 0.7 };
                let dist = inner + (outer - inner) * depth;
                let (x, y) = (CX + dist * theta.cos(), CY + dist * theta.sin());
                let users = entry.used_by.len();
                let size = 7.0 + (count(users).sqrt() * 2.0).min(8.0);
                let (fill, stroke) = match (entry.ring, users, entry.known_uses()) {
                    (_, 0, _) => ("#ffffff", "#475569"),
                    ("hold", _, 0) => ("#f59e0b", "#92400e"),
                    ("hold", _, _) => ("#dc2626", "#7f1d1d"),
                    _ => ("#2563eb", "#1e3a8a"),
                };
                let _ = writeln!(
                    out,
                    r#"<g><title>{}</title><circle cx="{x:.1}" cy="{y:.1}" r="{size:.1}" fill="{fill}" stroke="{stroke}" stroke-width="1.5"/><text x="{x:.1}" y="{:.1}" text-anchor="middle" font-size="10" fill="{}">{}</text></g>"#,
                    escape(&format!(
                        "{} ({}): {} module(s)",
                        entry.package, entry.ring, users
                    )),
                    y + 3.5,
                    if users == 0 { "#0f172a" } else { "#ffffff" },
                    i + 1
                );
            }
        }
        let _ = writeln!(
            out,
            r#"<text x="640" y="28" font-weight="bold" font-size="14">Technology radar</text>"#
        );
        if self.radar.is_empty() {
            out.push_str(r##"<text x="640" y="52" fill="#64748b">No [radar] entries in strata.toml.</text>"##);
            out.push('\n');
        }
        for (i, r) in self.radar.iter().enumerate() {
            let users = r.used_by.len();
            let unknown = users - r.known_uses();
            let _ = writeln!(
                out,
                r#"<text x="640" y="{:.1}"{}>{}. {} — {}, {}{}</text>"#,
                52.0 + 16.0 * count(i),
                if r.ring == "hold" && r.known_uses() > 0 {
                    r##" fill="#b91c1c""##
                } else {
                    ""
                },
                i + 1,
                escape(&r.package),
                r.ring,
                match users {
                    0 => "unused".to_owned(),
                    1 => "1 use".to_owned(),
                    n => format!("{n} uses"),
                },
                match unknown {
                    0 => String::new(),
                    n if n == users => " (versions unknown)".to_owned(),
                    n => format!(" ({n} at unknown versions)"),
                }
            );
        }
        out.push_str("</svg>\n");
        out
    }

    /// The ecosystem of the first package a spec without one names.
    fn ecosystem_of(&self, spec: &str) -> Option<ManifestKind> {
        let spec = PackageSpec::parse(spec).ok()?;
        self.packages.iter().find_map(|p| {
            let kind = deps::ecosystem_from_name(p.ecosystem)?;
            spec.names(kind, &p.name).then_some(kind)
        })
    }
}

/// Text safe in a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}
