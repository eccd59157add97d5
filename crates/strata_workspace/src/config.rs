//! `strata.toml`: the repository's declared architecture (layers, lanes, teams, rule levels,
//! custom rules), parsed into typed structs.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::Deserialize;

use crate::error::{ConfigError, did_you_mean, line_col};

/// The name of the repository configuration file.
pub const CONFIG_FILE: &str = "strata.toml";

/// `strata.toml`. Every section is optional; without the file, defaults apply.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Layer names, bottom to top: a module may depend only on modules of its own or a lower
    /// layer.
    #[serde(default)]
    pub layers: Vec<String>,
    #[serde(default)]
    pub project: ProjectConfig,
    /// Lane name -> the other lanes it may depend on (a lane may always depend on itself).
    #[serde(default)]
    pub lanes: BTreeMap<String, Vec<String>>,
    /// Teams that own modules (`owner: team:<name>`).
    #[serde(default)]
    pub teams: BTreeMap<String, Team>,
    /// Rule id -> `"error" | "warn" | "off"`, or a table with `level` and the rule's options.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, RuleSettingSchema>")]
    pub rules: BTreeMap<String, toml::Spanned<serde_json::Value>>,
    /// Custom dependency rules, dependency-cruiser style.
    #[serde(default)]
    pub forbidden: Vec<Forbidden>,
    /// How `strata health` scores modules.
    #[serde(default)]
    pub health: HealthConfig,
    /// How `strata serve` authenticates.
    #[serde(default)]
    pub server: ServerConfig,
    /// Where the modules run, by environment name (`strata status`, `strata serve --poll`).
    #[serde(default)]
    pub environments: BTreeMap<String, EnvironmentConfig>,
    /// Where alerts about tier-1 modules go.
    #[serde(default)]
    pub alerts: AlertsConfig,
    /// Where `strata metrics pull` reads the samples of the modules' runtime budgets.
    #[serde(default)]
    pub metrics: MetricsConfig,
    /// Where the repository keeps its own templates for `strata new`.
    #[serde(default)]
    pub templates: TemplatesConfig,
    /// The technology radar: external packages to adopt, trial, assess or hold
    /// (`strata deps`, rule `radar-hold`).
    #[serde(default)]
    pub radar: RadarConfig,
}

impl Config {
    /// The folders holding the repository's own templates: `[templates] paths`, or
    /// `templates`.
    pub fn template_paths(&self) -> Vec<String> {
        match &self.templates.paths {
            Some(paths) if !paths.is_empty() => paths
                .iter()
                .map(|p| p.trim_end_matches('/').to_owned())
                .collect(),
            _ => vec!["templates".to_owned()],
        }
    }

    /// What the walk leaves out: `[project] exclude`, and the files of the repository's
    /// templates (`DIR/*/files/**`), which are sources of modules to come, not modules.
    pub fn excluded(&self) -> Vec<String> {
        let mut globs = self.project.exclude.clone();
        globs.extend(
            self.template_paths()
                .into_iter()
                .map(|dir| format!("{dir}/*/files/**")),
        );
        globs
    }
}

/// `[templates]`: the repository's own templates.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplatesConfig {
    /// Folders, relative to the repository root, each holding one folder per template (with
    /// its `template.yaml`); default `["templates"]`.
    pub paths: Option<Vec<String>>,
}

/// `[radar]`: the rings external packages sit in. Each entry is a package (`left-pad`,
/// `@scope/pkg`, `org.apache.logging.log4j:log4j-core` or its artifact id `log4j-core`),
/// optionally prefixed by its ecosystem (`npm:`, `cargo:`, `pypi:`, `go:`, `maven:`) and
/// followed by `@` and a version range (`log4j-core@<2.17.1`, `requests@>=2,<2.31`), or a table
/// `{ package = "...", reason = "..." }`.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RadarConfig {
    /// Packages chosen for new work.
    #[serde(default)]
    pub adopt: Vec<RadarEntry>,
    /// Packages being tried on a few modules.
    #[serde(default)]
    pub trial: Vec<RadarEntry>,
    /// Packages under evaluation.
    #[serde(default)]
    pub assess: Vec<RadarEntry>,
    /// Packages (or versions) no module may use: each use is a `radar-hold` finding.
    #[serde(default)]
    pub hold: Vec<RadarEntry>,
}

impl RadarConfig {
    /// Every entry with its ring, hold first (the ring that wins when a package is in two).
    pub fn entries(&self) -> impl Iterator<Item = (&'static str, &RadarEntry)> {
        [
            ("hold", &self.hold),
            ("assess", &self.assess),
            ("trial", &self.trial),
            ("adopt", &self.adopt),
        ]
        .into_iter()
        .flat_map(|(ring, entries)| entries.iter().map(move |e| (ring, e)))
    }
}

/// One `[radar]` entry: `"pkg@range"` or `{ package = "pkg@range", reason = "..." }`.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum RadarEntry {
    Package(String),
    Detailed {
        package: String,
        /// Why the package is in this ring (shown with each finding and in the report).
        reason: Option<String>,
    },
}

impl RadarEntry {
    /// The package spec as written: `[ecosystem:]name[@range]`.
    pub fn spec(&self) -> &str {
        match self {
            RadarEntry::Package(p) | RadarEntry::Detailed { package: p, .. } => p,
        }
    }

    pub fn reason(&self) -> Option<&str> {
        match self {
            RadarEntry::Package(_) => None,
            RadarEntry::Detailed { reason, .. } => reason.as_deref(),
        }
    }
}

/// `[metrics]`: the Prometheus HTTP API `strata metrics pull` reads, and one query per
/// budget name (`module.yaml` `budgets`).
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MetricsConfig {
    /// The base URL of a Prometheus-compatible HTTP API (`http://prometheus:9090`);
    /// `/api/v1/query_range` is appended.
    pub prometheus: Option<String>,
    /// How far back a pull reads, a duration such as `14d`, `36h` or `90m` (default `14d`).
    pub range: Option<String>,
    /// The resolution of a pull, a duration (default `1h`).
    pub step: Option<String>,
    /// Budget name -> the `PromQL` query of its value for one module, `$module` replaced by
    /// the module's name; it must return one series (aggregate, e.g. with `max by ()`).
    #[serde(default)]
    pub queries: BTreeMap<String, String>,
}

/// The default `[metrics] range`: 14 days.
pub const DEFAULT_METRICS_RANGE: u64 = 14 * 86_400;

/// The default `[metrics] step`: one hour.
pub const DEFAULT_METRICS_STEP: u64 = 3_600;

/// The most points Prometheus returns per series (`range / step` may not exceed it).
pub const MAX_METRICS_POINTS: u64 = 11_000;

impl MetricsConfig {
    /// `range` in seconds (validation has checked it).
    pub fn range_seconds(&self) -> u64 {
        self.range
            .as_deref()
            .and_then(parse_duration)
            .unwrap_or(DEFAULT_METRICS_RANGE)
    }

    /// `step` in seconds (validation has checked it).
    pub fn step_seconds(&self) -> u64 {
        self.step
            .as_deref()
            .and_then(parse_duration)
            .unwrap_or(DEFAULT_METRICS_STEP)
    }
}

/// A duration such as `90s`, `15m`, `36h`, `14d` or `2w`, in seconds; `None` when it is not one
/// or is zero.
pub fn parse_duration(text: &str) -> Option<u64> {
    let text = text.trim();
    let unit = text.chars().last()?;
    let factor = match unit {
        's' => 1,
        'm' => 60,
        'h' => 3_600,
        'd' => 86_400,
        'w' => 7 * 86_400,
        _ => return None,
    };
    let number = &text[..text.len() - 1];
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    number
        .parse::<u64>()
        .ok()?
        .checked_mul(factor)
        .filter(|&n| n > 0)
}

/// `[environments.NAME]`: where the modules of one environment answer.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnvironmentConfig {
    /// The base URL of a module, `http://` or `https://`; `{port}`, `{name}` and `{base_path}`
    /// are filled from each `module.yaml` (`api.port`, `name`, `api.base_path`), and the
    /// module's `health` paths are appended to it.
    pub url: String,
}

/// `[alerts]`: where an alert goes besides the server's log.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AlertsConfig {
    /// An `http://` or `https://` URL each alert is sent to (a JSON `POST`), once per transition.
    pub webhook: Option<String>,
}

/// The placeholders an `[environments]` URL may hold.
pub const URL_PLACEHOLDERS: [&str; 3] = ["{port}", "{name}", "{base_path}"];

/// Why `url` is not an `http(s)` URL (with `placeholders` allowed in it), or `None`.
pub fn url_problem(url: &str, placeholders: &[&str]) -> Option<String> {
    let Some(rest) = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
    else {
        return Some("it does not start with `http://` or `https://`".into());
    };
    if let Some(c) = url.chars().find(|c| c.is_whitespace() || c.is_control()) {
        return Some(format!("it holds the character {c:?}"));
    }
    let mut filled = rest.to_owned();
    for p in placeholders {
        filled = filled.replace(p, "1");
    }
    if let Some(open) = filled.find('{') {
        let name: String = filled[open..].chars().take_while(|&c| c != '}').collect();
        return Some(if placeholders.is_empty() {
            format!("`{name}}}` is not allowed here")
        } else {
            format!(
                "`{name}}}` is not a placeholder (use {})",
                placeholders.join(", ")
            )
        });
    }
    let host = filled.split(['/', '?', '#']).next().unwrap_or_default();
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    // `[::1]:8080`: an IPv6 address in brackets, then the port.
    let (name, port) = match host.strip_prefix('[').and_then(|h| h.split_once(']')) {
        Some((address, after)) => (address, after.strip_prefix(':')),
        None => match host.rsplit_once(':') {
            Some((n, p)) => (n, Some(p)),
            None => (host, None),
        },
    };
    if name.is_empty() {
        return Some("it names no host".into());
    }
    if port.is_some_and(|p| p.parse::<u16>().is_err()) {
        return Some("its port is not a number from 0 to 65535".into());
    }
    None
}

/// `[server]`: the registry server.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServerConfig {
    /// Single sign-on: OIDC identity tokens (JWTs) as bearer tokens.
    pub oidc: Option<OidcConfig>,
}

/// `[server.oidc]`: which identity tokens the registry accepts, and what they grant.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OidcConfig {
    /// The `iss` every token must carry.
    pub issuer: String,
    /// A value the token's `aud` must hold.
    pub audience: String,
    /// Where the signing keys are: an `https://` or `http://` URL of the JWKS, or a file.
    pub jwks: String,
    /// The claim naming the tenant (default `tenant`).
    #[serde(default = "default_tenant_claim")]
    pub tenant_claim: String,
    /// The claim naming the role, `viewer`, `editor` or `admin` (default `role`).
    #[serde(default = "default_role_claim")]
    pub role_claim: String,
}

fn default_tenant_claim() -> String {
    "tenant".into()
}

fn default_role_claim() -> String {
    "role".into()
}

/// The dimensions of module health (`strata health`), in report order.
pub const HEALTH_DIMENSIONS: [&str; 8] = [
    "rules",
    "maintainability",
    "hotspots",
    "structure",
    "coupling",
    "ownership",
    "versions",
    "tests",
];

/// The measured inputs whose breakpoints `[health.breakpoints]` may set.
pub const HEALTH_INPUTS: [&str; 11] = [
    "rules",
    "complexity",
    "nesting",
    "function_lines",
    "file_lines",
    "duplication",
    "hotspots",
    "distance",
    "coupling",
    "versions",
    "coverage",
];

/// `[health]`: weights, tier lines and breakpoints of the health score.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HealthConfig {
    /// Dimension id -> weight (`rules = 10`); 0 leaves the dimension out.
    #[serde(default)]
    pub weights: BTreeMap<String, f64>,
    /// Tier -> the lowest score a module of that tier should have (`1 = 8.5`).
    #[serde(default)]
    pub tiers: BTreeMap<String, f64>,
    /// Input -> `[[value, score], …]`, values ascending, scores 0 to 10, linear between.
    #[serde(default)]
    pub breakpoints: BTreeMap<String, Vec<[f64; 2]>>,
    /// Days of git history the hotspot and coupling dimensions read (default 180).
    pub history_days: Option<u32>,
}

#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectConfig {
    pub name: Option<String>,
    /// Globs (repository-relative: no `..`, no absolute paths) of paths to leave out;
    /// `.gitignore` is always honoured.
    #[serde(default)]
    pub exclude: Vec<String>,
}

#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Team {
    /// Where to reach the team: an address, a channel, a URL.
    pub contact: Option<String>,
    #[serde(default)]
    pub members: Vec<String>,
    pub description: Option<String>,
}

/// A custom rule: imports from `from` to `to` (optionally through `via`) are forbidden.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Forbidden {
    pub name: String,
    pub comment: Option<String>,
    /// `"error"` (default) or `"warn"`.
    pub severity: Option<String>,
    pub from: Selector,
    pub to: Selector,
    pub via: Option<Selector>,
}

/// Selects files or modules; every field given must match.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Selector {
    /// A repository-relative path glob.
    pub path: Option<String>,
    pub module: Option<String>,
    pub lane: Option<String>,
    pub layer: Option<String>,
    pub tag: Option<String>,
}

/// The accepted forms of a `[rules]` entry (for the JSON Schema only; loading checks values
/// against the rule registry, which knows each rule's options).
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum RuleSettingSchema {
    Level(LevelName),
    Table {
        level: Option<LevelName>,
        #[serde(flatten)]
        options: BTreeMap<String, serde_json::Value>,
    },
}

#[derive(JsonSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
enum LevelName {
    Error,
    Warn,
    Off,
}

/// A loaded `strata.toml` with its path and text (kept for positions in findings).
#[derive(Clone, Debug, Default)]
pub struct LoadedConfig {
    pub config: Config,
    /// `None` when the repository has no `strata.toml` (defaults apply).
    pub path: Option<PathBuf>,
    pub text: String,
}

impl LoadedConfig {
    /// 1-based line and column of the first occurrence of `needle` (for findings that point
    /// into the file); `(0, 0)` when absent.
    pub fn position_of(&self, needle: &str) -> (u32, u32) {
        self.text
            .find(needle)
            .map_or((0, 0), |i| line_col(&self.text, i))
    }

    /// Position of a `[rules]` entry's value.
    pub fn rule_position(&self, id: &str) -> (u32, u32) {
        self.config
            .rules
            .get(id)
            .map_or((0, 0), |s| line_col(&self.text, s.span().start))
    }
}

/// Parse `strata.toml` text. `path` is used in error messages only.
pub fn parse_config(path: &Path, text: &str) -> Result<Config, ConfigError> {
    toml::from_str::<Config>(text).map_err(|e| {
        let (line, column) = e.span().map_or((1, 1), |s| line_col(text, s.start));
        let message = e.message().trim_end().to_owned();
        ConfigError::Invalid {
            path: path.to_owned(),
            line,
            column,
            hint: did_you_mean(&message),
            message,
        }
    })
}

/// Read and parse `strata.toml` at `path`.
pub fn load_config(path: &Path) -> Result<LoadedConfig, ConfigError> {
    let bytes = std::fs::read(path).map_err(|source| ConfigError::Io {
        path: path.to_owned(),
        source,
    })?;
    config_from_bytes(path, bytes)
}

/// Parse and validate the bytes of `strata.toml`. `path` is used in error messages only.
pub fn config_from_bytes(path: &Path, bytes: Vec<u8>) -> Result<LoadedConfig, ConfigError> {
    let text = String::from_utf8(bytes).map_err(|e| {
        let (line, column) = line_col(
            &String::from_utf8_lossy(e.as_bytes()),
            e.utf8_error().valid_up_to(),
        );
        ConfigError::Invalid {
            path: path.to_owned(),
            line,
            column,
            message: "invalid UTF-8: `strata.toml` must be UTF-8 text".into(),
            hint: None,
        }
    })?;
    let config = parse_config(path, &text)?;
    validate(path, &text, &config)?;
    Ok(LoadedConfig {
        config,
        path: Some(path.to_owned()),
        text,
    })
}

/// Checks that serde cannot express: values that must be unique or well-formed.
fn validate(path: &Path, text: &str, config: &Config) -> Result<(), ConfigError> {
    let invalid = |needle: &str, message: String, hint: Option<String>| {
        let (line, column) = text.find(needle).map_or((1, 1), |i| line_col(text, i));
        ConfigError::Invalid {
            path: path.to_owned(),
            line,
            column,
            message,
            hint,
        }
    };
    let mut seen = std::collections::HashSet::new();
    for layer in &config.layers {
        if !seen.insert(layer) {
            return Err(invalid(
                &format!("\"{layer}\""),
                format!("layer `{layer}` is listed twice in `layers`"),
                Some("each layer appears once, bottom to top".into()),
            ));
        }
    }
    for f in &config.forbidden {
        if let Some(s) = &f.severity {
            if !matches!(s.as_str(), "error" | "warn") {
                return Err(invalid(
                    &format!("\"{s}\""),
                    format!(
                        "invalid severity `{s}` in `[[forbidden]]` `{}`: expected \"error\" or \"warn\"",
                        f.name
                    ),
                    None,
                ));
            }
        }
    }
    validate_health(&config.health, &invalid)?;
    for (name, env) in &config.environments {
        if let Some(problem) = url_problem(&env.url, &URL_PLACEHOLDERS) {
            return Err(invalid(
                &env.url,
                format!("`[environments.{name}] url` `{}` is not a URL: {problem}", env.url),
                Some(
                    "write e.g. `url = \"http://127.0.0.1:{port}\"`; `{port}`, `{name}` and `{base_path}` come from each module.yaml".into(),
                ),
            ));
        }
    }
    if let Some(webhook) = &config.alerts.webhook {
        if let Some(problem) = url_problem(webhook, &[]) {
            return Err(invalid(
                webhook,
                format!("`[alerts] webhook` `{webhook}` is not a URL: {problem}"),
                Some("write e.g. `webhook = \"https://hooks.example.com/strata\"`".into()),
            ));
        }
    }
    validate_metrics(&config.metrics, &invalid)?;
    for dir in config.templates.paths.iter().flatten() {
        let escapes = dir.starts_with('/')
            || dir.contains('\\')
            || dir.split('/').any(|s| s == "..")
            || dir.trim().is_empty();
        if escapes {
            return Err(invalid(
                &format!("\"{dir}\""),
                format!("`[templates] paths` entry `{dir}` is not a folder below the repository"),
                Some("write folders relative to the repository root, e.g. `paths = [\"tools/templates\"]`".into()),
            ));
        }
    }
    for (ring, entry) in config.radar.entries() {
        if let Err(problem) = crate::deps::PackageSpec::parse(entry.spec()) {
            return Err(invalid(
                &format!("\"{}\"", entry.spec()),
                format!("`[radar] {ring}` entry `{}` is not a package: {problem}", entry.spec()),
                Some("write `name`, `ecosystem:name` or `name@<range>`, e.g. `\"log4j-core@<2.17.1\"` or `\"npm:left-pad\"`".into()),
            ));
        }
    }
    for glob in &config.project.exclude {
        if let Some(problem) = crate::error::glob_problem(glob) {
            return Err(invalid(
                glob,
                format!("`[project] exclude` entry `{glob}` cannot be used: {problem}"),
                Some("write globs relative to the repository root, e.g. `vendor/**`".into()),
            ));
        }
    }
    Ok(())
}

fn validate_metrics(
    metrics: &MetricsConfig,
    invalid: &dyn Fn(&str, String, Option<String>) -> ConfigError,
) -> Result<(), ConfigError> {
    if let Some(url) = &metrics.prometheus {
        if let Some(problem) = url_problem(url, &[]) {
            return Err(invalid(
                url,
                format!("`[metrics] prometheus` `{url}` is not a URL: {problem}"),
                Some("write the base URL of the Prometheus HTTP API, e.g. `prometheus = \"http://prometheus:9090\"`".into()),
            ));
        }
    }
    for (key, value) in [("range", &metrics.range), ("step", &metrics.step)] {
        if let Some(value) = value {
            if parse_duration(value).is_none() {
                return Err(invalid(
                    &format!("\"{value}\""),
                    format!("`[metrics] {key}` `{value}` is not a duration"),
                    Some("write a whole number and a unit: `s`, `m`, `h`, `d` or `w`, e.g. `14d` or `1h`".into()),
                ));
            }
        }
    }
    let (range, step) = (metrics.range_seconds(), metrics.step_seconds());
    if step > range || range / step > MAX_METRICS_POINTS {
        let needle = metrics
            .step
            .as_deref()
            .or(metrics.range.as_deref())
            .unwrap_or("[metrics]");
        return Err(invalid(
            needle,
            format!(
                "`[metrics]` reads {} points per series (`range` / `step`): it must be 1 to {MAX_METRICS_POINTS}",
                range / step
            ),
            Some("make `step` larger or `range` shorter".into()),
        ));
    }
    for (name, query) in &metrics.queries {
        if !crate::module_file::valid_metric_name(name) {
            return Err(invalid(
                name,
                format!(
                    "`[metrics.queries]` key `{name}` is not a budget name: use a lowercase letter, then lowercase letters, digits or `_`"
                ),
                Some("the keys are the names of `module.yaml` `budgets`, e.g. `p99_ms`".into()),
            ));
        }
        if query.trim().is_empty() {
            return Err(invalid(
                name,
                format!("the query of `{name}` in `[metrics.queries]` is empty"),
                Some(
                    "write the PromQL of one module's value, `$module` standing for its name"
                        .into(),
                ),
            ));
        }
    }
    Ok(())
}

fn validate_health(
    health: &HealthConfig,
    invalid: &dyn Fn(&str, String, Option<String>) -> ConfigError,
) -> Result<(), ConfigError> {
    let closest = |known: &[&str], key: &str| {
        known
            .iter()
            .min_by_key(|k| crate::error::levenshtein(k, key))
            .map(|k| format!("did you mean `{k}`? (one of: {})", known.join(", ")))
    };
    for (id, &w) in &health.weights {
        if !HEALTH_DIMENSIONS.contains(&id.as_str()) {
            return Err(invalid(
                id,
                format!("unknown health dimension `{id}` in `[health.weights]`"),
                closest(&HEALTH_DIMENSIONS, id),
            ));
        }
        if !(w.is_finite() && w >= 0.0) {
            return Err(invalid(
                id,
                format!("weight of `{id}` in `[health.weights]` must be a number >= 0"),
                None,
            ));
        }
    }
    for (tier, &line) in &health.tiers {
        if tier.parse::<u32>().is_err() {
            return Err(invalid(
                tier,
                format!("`[health.tiers]` key `{tier}` is not a tier number"),
                Some("write `1 = 8.5`: the tier, then the lowest score it allows".into()),
            ));
        }
        if !(0.0..=10.0).contains(&line) {
            return Err(invalid(
                tier,
                format!("the line of tier {tier} in `[health.tiers]` must be between 0 and 10"),
                None,
            ));
        }
    }
    for (input, points) in &health.breakpoints {
        if !HEALTH_INPUTS.contains(&input.as_str()) {
            return Err(invalid(
                input,
                format!("unknown health input `{input}` in `[health.breakpoints]`"),
                closest(&HEALTH_INPUTS, input),
            ));
        }
        let ascending = points.windows(2).all(|w| w[0][0] < w[1][0]);
        let scores = points
            .iter()
            .all(|p| p[0].is_finite() && (0.0..=10.0).contains(&p[1]));
        if points.is_empty() || !ascending || !scores {
            return Err(invalid(
                input,
                format!(
                    "breakpoints of `{input}` in `[health.breakpoints]` must be `[[value, score], …]` with values ascending and scores from 0 to 10"
                ),
                None,
            ));
        }
    }
    Ok(())
}

/// Find `strata.toml` in `start` or its nearest ancestor.
pub fn find_config(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|d| d.join(CONFIG_FILE))
        .find(|p| p.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        parse_config(Path::new("strata.toml"), text)
    }

    #[test]
    fn parses_the_design_example() {
        let c = parse(
            r#"layers = ["foundation", "domain"]
[project]
name = "acme"
exclude = ["vendor/**"]
[lanes]
core = []
platform = ["core"]
[teams.payments]
contact = "payments@example.com"
members = ["ana"]
[rules]
no-cycles = "error"
max-fan-out = { level = "warn", max = 12 }
[[forbidden]]
name = "no-ui-in-domain"
from = { path = "**/domain/**" }
to = { path = "**/ui/**" }
"#,
        )
        .unwrap();
        assert_eq!(c.layers, ["foundation", "domain"]);
        assert_eq!(c.lanes["platform"], ["core"]);
        assert_eq!(c.teams["payments"].members, ["ana"]);
        assert_eq!(c.rules["max-fan-out"].get_ref()["max"], 12);
        assert_eq!(c.forbidden[0].from.path.as_deref(), Some("**/domain/**"));
    }

    #[test]
    fn template_paths_stay_below_the_root() {
        let c = parse("[templates]\npaths = [\"tools/templates\", \"templates\"]\n").unwrap();
        assert_eq!(
            c.templates.paths.as_deref(),
            Some(&["tools/templates".to_owned(), "templates".to_owned()][..])
        );
        for bad in ["../shared", "/etc", "a/../../b", ""] {
            let text = format!("[templates]\npaths = [\"{bad}\"]\n");
            let err = config_from_bytes(Path::new("strata.toml"), text.into_bytes()).unwrap_err();
            let ConfigError::Invalid { line, message, .. } = &err else {
                panic!("{err:?}")
            };
            assert_eq!(*line, 2, "{bad}");
            assert!(message.contains("not a folder below"), "{message}");
        }
    }

    #[test]
    fn unknown_key_names_line_column_and_suggestion() {
        let err = parse("[project]\nnme = \"x\"\n").unwrap_err();
        let ConfigError::Invalid {
            line,
            column,
            message,
            hint,
            ..
        } = &err
        else {
            panic!("{err:?}")
        };
        assert_eq!((*line, *column), (2, 1));
        assert!(message.contains("unknown field `nme`"), "{message}");
        assert_eq!(hint.as_deref(), Some("did you mean `name`?"));
    }

    fn rejected(t: &str) -> (String, Option<String>, u32) {
        let e = config_from_bytes(Path::new("strata.toml"), t.as_bytes().to_vec())
            .expect_err("rejected");
        let ConfigError::Invalid {
            message,
            hint,
            line,
            ..
        } = e
        else {
            panic!("{e}")
        };
        (message, hint, line)
    }

    #[test]
    fn environments_and_alerts_parse() {
        let c = parse(
            "[environments.local]\nurl = \"http://127.0.0.1:{port}\"\n[environments.staging]\nurl = \"https://{name}.staging.example.com{base_path}\"\n[alerts]\nwebhook = \"http://127.0.0.1:9/hook\"\n",
        )
        .unwrap();
        assert_eq!(c.environments["local"].url, "http://127.0.0.1:{port}");
        assert_eq!(c.environments.len(), 2);
        assert_eq!(c.alerts.webhook.as_deref(), Some("http://127.0.0.1:9/hook"));
        assert!(parse("").unwrap().environments.is_empty());
        for ok in [
            "http://[::1]:{port}",
            "http://user@host:8080/x?y#z",
            "https://gateway.example.com/{name}",
        ] {
            assert_eq!(url_problem(ok, &URL_PLACEHOLDERS), None, "{ok}");
        }
    }

    #[test]
    fn environment_and_alert_errors_say_where_and_what() {
        let (m, hint, line) =
            rejected("[project]\nname = \"a\"\n[environments.local]\nurl = \"127.0.0.1:{port}\"\n");
        assert_eq!(line, 4);
        assert!(m.contains("`[environments.local] url`"), "{m}");
        assert!(m.contains("`http://` or `https://`"), "{m}");
        assert!(hint.unwrap().contains("{port}"));
        let (m, _, _) = rejected("[environments.local]\nurl = \"http://localhost:{prot}\"\n");
        assert!(m.contains("`{prot}` is not a placeholder"), "{m}");
        let (m, _, _) = rejected("[environments.local]\nurl = \"http://localhost:99999\"\n");
        assert!(m.contains("port"), "{m}");
        let (m, _, _) = rejected("[environments.local]\nurl = \"http://:80/\"\n");
        assert!(m.contains("no host"), "{m}");
        let (m, _, line) = rejected("\n[alerts]\nwebhook = \"ftp://x\"\n");
        assert_eq!(line, 3);
        assert!(
            m.starts_with("`[alerts] webhook` `ftp://x` is not a URL"),
            "{m}"
        );
        let (m, _, _) = rejected("[alerts]\nwebhook = \"http://x/{port}\"\n");
        assert!(m.contains("not allowed"), "{m}");
        // Unknown keys, with the line and a suggestion.
        let (m, hint, line) = rejected("[environments.local]\nurl = \"http://x\"\nurls = 1\n");
        assert_eq!(line, 3);
        assert!(m.contains("unknown field `urls`"), "{m}");
        assert_eq!(hint.as_deref(), Some("did you mean `url`?"));
        let (m, hint, _) = rejected("[alerts]\nwebhok = \"http://x\"\n");
        assert!(m.contains("unknown field `webhok`"), "{m}");
        assert_eq!(hint.as_deref(), Some("did you mean `webhook`?"));
        let (m, _, _) = rejected("[environments.local]\n");
        assert!(m.contains("missing field `url`"), "{m}");
        let (m, _, _) = rejected("[environmnts.local]\nurl = \"http://x\"\n");
        assert!(m.contains("unknown field `environmnts`"), "{m}");
    }

    #[test]
    fn metrics_settings_are_checked() {
        let c = config_from_bytes(
            Path::new("strata.toml"),
            b"[metrics]\nprometheus = \"http://127.0.0.1:9090\"\nrange = \"7d\"\n[metrics.queries]\np99_ms = 'histogram_quantile(0.99, sum by (le) (rate(http_seconds_bucket{service=\"$module\"}[5m]))) * 1000'\n".to_vec(),
        )
        .unwrap()
        .config;
        assert_eq!(
            c.metrics.prometheus.as_deref(),
            Some("http://127.0.0.1:9090")
        );
        assert_eq!(c.metrics.range_seconds(), 7 * 86_400);
        assert_eq!(c.metrics.step_seconds(), DEFAULT_METRICS_STEP);
        assert!(c.metrics.queries["p99_ms"].contains("$module"));
        assert_eq!(
            parse("").unwrap().metrics.range_seconds(),
            DEFAULT_METRICS_RANGE
        );
        assert_eq!(parse_duration("90m"), Some(5_400));
        assert_eq!(parse_duration("2w"), Some(14 * 86_400));
        for bad in ["", "d", "1.5h", "-1h", "0s", "10y", "h1"] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
        let (m, hint, line) = rejected("[metrics]\nprometheus = \"prometheus:9090\"\n");
        assert_eq!(line, 2);
        assert!(
            m.starts_with("`[metrics] prometheus` `prometheus:9090` is not a URL"),
            "{m}"
        );
        assert!(hint.unwrap().contains("http://prometheus:9090"));
        let (m, _, line) = rejected("[metrics]\n\nstep = \"1 hour\"\n");
        assert_eq!(line, 3);
        assert_eq!(m, "`[metrics] step` `1 hour` is not a duration");
        let (m, _, _) = rejected("[metrics]\nrange = \"1h\"\nstep = \"1d\"\n");
        assert!(m.contains("points per series"), "{m}");
        let (m, _, _) = rejected("[metrics]\nrange = \"30d\"\nstep = \"1s\"\n");
        assert!(m.contains("1 to 11000"), "{m}");
        let (m, _, line) = rejected("[metrics.queries]\np99_ms = \"x\"\nP99 = \"y\"\n");
        assert_eq!(line, 3);
        assert!(m.contains("`P99` is not a budget name"), "{m}");
        let (m, _, _) = rejected("[metrics.queries]\ncpu = \" \"\n");
        assert!(m.contains("empty"), "{m}");
        let (m, hint, line) =
            rejected("[metrics]\nprometheus = \"http://x\"\nqueries = {}\nstepp = \"1h\"\n");
        assert_eq!(line, 4);
        assert!(m.contains("unknown field `stepp`"), "{m}");
        assert_eq!(hint.as_deref(), Some("did you mean `step`?"));
    }

    #[test]
    fn wrong_type_is_located() {
        let err = parse("layers = \"a\"\n").unwrap_err();
        let ConfigError::Invalid { line, column, .. } = &err else {
            panic!("{err:?}")
        };
        assert_eq!((*line, *column), (1, 10));
    }

    #[test]
    fn duplicate_keys_are_errors() {
        assert!(parse("[project]\nname = \"a\"\nname = \"b\"\n").is_err());
    }

    #[test]
    fn health_settings_are_checked() {
        let ok = parse(
            "[health]\nhistory_days = 90\n[health.weights]\nrules = 12\ntests = 0\n[health.tiers]\n1 = 8.5\n[health.breakpoints]\ncomplexity = [[5, 10], [15, 4], [30, 0]]\n",
        )
        .unwrap();
        assert!((ok.health.weights["rules"] - 12.0).abs() < f64::EPSILON);
        assert!((ok.health.tiers["1"] - 8.5).abs() < f64::EPSILON);
        assert_eq!(ok.health.history_days, Some(90));
        let text = |t: &str| {
            let e = config_from_bytes(Path::new("strata.toml"), t.as_bytes().to_vec())
                .expect_err("rejected");
            let ConfigError::Invalid {
                message,
                hint,
                line,
                ..
            } = e
            else {
                panic!("{e}")
            };
            (message, hint, line)
        };
        let (m, hint, line) = text("[health.weights]\nrule = 3\n");
        assert_eq!(m, "unknown health dimension `rule` in `[health.weights]`");
        assert!(hint.unwrap().starts_with("did you mean `rules`?"));
        assert_eq!(line, 2);
        let (m, _, _) = text("[health.tiers]\ngold = 8\n");
        assert!(m.contains("not a tier number"), "{m}");
        let (m, _, _) = text("[health.breakpoints]\ncomplexity = [[20, 10], [10, 0]]\n");
        assert!(m.contains("values ascending"), "{m}");
        let (m, hint, _) = text("[health.breakpoints]\ncomplexty = [[1, 10]]\n");
        assert!(m.contains("unknown health input `complexty`"), "{m}");
        assert!(hint.unwrap().starts_with("did you mean `complexity`?"));
        assert!(
            text("[health]\nweight = 1\n")
                .0
                .contains("unknown field `weight`")
        );
    }
}
