//! Command-line arguments. Global flags apply to every command.

use std::path::PathBuf;

use clap::{Args as ClapArgs, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "strata",
    version,
    about = "Keeps a many-module repository modular: finds its modules, builds the import graph, checks the architecture",
    propagate_version = true,
    max_term_width = 100
)]
pub struct Args {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, ClapArgs)]
pub struct GlobalArgs {
    /// Repository root (default: the folder of the nearest strata.toml, else the working directory)
    #[arg(long, global = true, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Use this strata.toml instead of the one found in the root
    #[arg(long, global = true, value_name = "PATH", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Ignore strata.toml: use the defaults
    #[arg(long, global = true)]
    pub no_config: bool,
    /// Output format
    #[arg(long, global = true, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Print only data and errors: no summaries, no warnings about the run
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// Never show progress bars
    #[arg(long, global = true)]
    pub no_progress: bool,
    /// Neither read nor write the incremental cache (`.strata/cache/`)
    #[arg(long, global = true)]
    pub no_cache: bool,
    /// Worker threads (default: one per core)
    #[arg(long, short, global = true, value_name = "N", default_value_t = 0)]
    pub jobs: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people
    Text,
    /// For machines: the stable shapes of the documentation
    Json,
    /// SARIF 2.1.0 for code scanning (check only)
    Sarif,
    /// Markdown: a pull-request comment (check) or a report (impact, health, api-diff, deps)
    Markdown,
    /// GitHub Actions annotations (check only)
    Github,
    /// A GitLab Code Quality report (check only)
    Gitlab,
    /// A Mermaid diagram (graph, waves)
    Mermaid,
    /// A Graphviz DOT graph (graph only)
    Dot,
    /// An SVG picture drawn by strata (graph, deps)
    Svg,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check the repository against every enabled rule
    Check(CheckArgs),
    /// List the modules: name, kind, lang, lane, layer, tier, owner, version, files
    Modules,
    /// Write strata.toml and module.yaml stubs for discovered modules (never overwrites)
    Init(InitArgs),
    /// Create a module from a template: answers checked against the repository, all files
    /// written or none, never over an existing file
    New(NewArgs),
    /// The templates `strata new` can use: built-in ones and the repository's `templates/`
    Template(TemplateArgs),
    /// Index the repository: read every source file and build the import graph; with
    /// `--shard I/N --out FILE`, scan one deterministic part of the files for `strata merge`
    Scan(ScanArgs),
    /// Join the shards of `strata scan --shard I/N` into the index a single scan writes, once
    /// checked: every shard once, same strata, configuration and tree
    Merge(MergeArgs),
    /// Print the import graph (module or file level)
    Graph(GraphArgs),
    /// What a change touches: changed and affected modules, tests to run, owners to notify
    Impact(ImpactArgs),
    /// Public-API changes per module since a git revision, the semver bump they need, and the
    /// dependents whose requirement the new version no longer satisfies
    ApiDiff(ApiDiffArgs),
    /// Deployment waves: modules in dependency order, cycles together, health gates, rollback
    Waves(WavesArgs),
    /// Module health: a 0-10 score per module from eight dimensions, explained, with next steps
    Health(HealthArgs),
    /// Duplicated functions and methods (type 1 and 2 clones), cross-module first
    Dupes(DupesArgs),
    /// External dependencies of every module at their locked versions; radar rings and drift
    /// (`--format markdown` for the radar report, `svg` for its picture)
    Deps(DepsArgs),
    /// Find functions, types and constants by name: its words, their prefixes or initials
    Find(FindArgs),
    /// Functions and methods like a span of code or like a snippet that exists nowhere yet
    Similar(SimilarArgs),
    /// What to read for a task or for files, ranked, within a token budget, with the rules
    Context(ContextArgs),
    /// Write a Markdown page per module and an index, from declarations, graph and findings
    Docs(DocsArgs),
    /// Serve the module registry: this repository, kept up to date as files change, or with
    /// `--db` a shared registry that `strata push` feeds
    Serve(ServeArgs),
    /// Live status: poll every module's liveness and readiness endpoints once (`[environments]`
    /// of strata.toml); exit 1 when any module is down
    Status(StatusArgs),
    /// The MCP server for coding agents, on stdin and stdout (read-only tools, resources
    /// and prompts over this repository, kept fresh as files change)
    Mcp(McpArgs),
    /// The language server for editors, on stdin and stdout: findings as diagnostics while
    /// files are edited, hover on imports and module.yaml keys, go-to-definition, quick fixes
    Lsp,
    /// The registry's audit log: `strata audit verify --db URL`
    Audit(AuditArgs),
    /// Send this repository's snapshot (modules, graphs, findings, health, waves) to a registry
    Push(PushArgs),
    /// Store samples of the modules' runtime metrics (`module.yaml` `budgets`): `push FILE`
    /// (JSON) or `pull` (from `[metrics] prometheus`)
    Metrics(MetricsArgs),
    /// Runtime budgets: each module's budgets with their current level, trend and forecast
    /// time to breach; exit 1 when any budget is breached
    Budgets(BudgetsArgs),
    /// Print a rule's documentation
    Explain(ExplainArgs),
    /// Print the JSON Schema of module.yaml or strata.toml
    Schema(SchemaArgs),
    /// Write the modules in another tool's format: `strata export backstage`
    Export(ExportArgs),
    /// Write module.yaml files from another tool's format: `strata import backstage FILE...`
    Import(ImportArgs),
}

#[derive(Debug, ClapArgs)]
pub struct CheckArgs {
    /// Report findings but exit 0 even when some are errors
    #[arg(long)]
    pub exit_zero: bool,
    /// Hide findings recorded in this baseline file (matched by rule, module, file, target and
    /// a fingerprint that survives line shifts)
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Write every current finding to the --baseline file (atomically) and exit 0
    #[arg(long, requires = "baseline")]
    pub update_baseline: bool,
    /// Report only findings that did not exist at this git revision
    #[arg(long, value_name = "REV", conflicts_with = "update_baseline")]
    pub diff_base: Option<String>,
}

#[derive(Debug, ClapArgs)]
pub struct GraphArgs {
    /// Nodes of the graph
    #[arg(long, value_enum, default_value_t = GraphLevel::Module)]
    pub level: GraphLevel,
    /// Only this module and its neighbourhood
    #[arg(long, value_name = "MODULE")]
    pub focus: Option<String>,
    /// With --focus: how many dependency steps (either direction) to include
    #[arg(long, value_name = "N", default_value_t = 1, requires = "focus")]
    pub depth: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum GraphLevel {
    /// One node per module
    Module,
    /// One node per source file
    File,
}

#[derive(Debug, ClapArgs)]
pub struct ImpactArgs {
    /// Changed files (repository-relative); default: what git reports
    pub files: Vec<String>,
    /// Compare with this git revision (default: the working tree against HEAD)
    #[arg(long, value_name = "REV", conflicts_with = "files")]
    pub base: Option<String>,
    /// With --base: compare up to this revision instead of the working tree
    #[arg(long, value_name = "REV", requires = "base")]
    pub head: Option<String>,
}

#[derive(Debug, ClapArgs)]
pub struct ApiDiffArgs {
    /// The git revision to compare with
    #[arg(long, value_name = "REV")]
    pub base: String,
    /// Compare up to this revision instead of the working tree
    #[arg(long, value_name = "REV")]
    pub head: Option<String>,
}

#[derive(Debug, ClapArgs)]
pub struct WavesArgs {
    /// Plan only the modules changed since this git revision and those they affect
    #[arg(long, value_name = "REV")]
    pub changed_since: Option<String>,
}

#[derive(Debug, ClapArgs)]
pub struct HealthArgs {
    /// Only this module
    #[arg(long, value_name = "NAME")]
    pub module: Option<String>,
    /// A coverage report (lcov tracefile or Cobertura XML); repeat for several
    #[arg(long, value_name = "FILE")]
    pub coverage: Vec<std::path::PathBuf>,
    /// Leave out the findings this baseline accepts (as `check --baseline`)
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<std::path::PathBuf>,
    /// Record the scores of the current commit in `.strata/health-history.json`
    #[arg(long)]
    pub record: bool,
    /// Show the recorded scores of each module, oldest to newest, instead of scoring
    #[arg(long, conflicts_with_all = ["record", "coverage"])]
    pub history: bool,
}

#[derive(Debug, ClapArgs)]
pub struct ServeArgs {
    /// A shared registry's database, fed by `strata push`: `sqlite:PATH` or
    /// `postgres://user:password@host/db`. Without it, the registry of this repository, in
    /// `.strata/registry.db`
    #[arg(long, value_name = "URL")]
    pub db: Option<String>,
    /// Address to listen on (loopback only until tokens exist)
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:7341")]
    pub bind: String,
    /// Snapshots kept per project (0 keeps all)
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub keep: usize,
    /// Largest request body accepted, in MiB
    #[arg(long, value_name = "MIB", default_value_t = 64)]
    pub max_body: usize,
    /// The longest a request may take, in seconds, upload included (then 408)
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    pub request_timeout: u64,
    /// A file holding the server admin token (default: `$STRATA_ADMIN_TOKEN`). With one,
    /// every API request needs a bearer token, tenants and tokens can be made, and the server
    /// may listen beyond loopback
    #[arg(long, value_name = "FILE")]
    pub admin_token_file: Option<std::path::PathBuf>,
    /// Requests per second each token may make on average (0: no limit); beyond it, 429
    #[arg(long, value_name = "N", default_value_t = 50.0)]
    pub rate_limit: f64,
    /// Requests a token may make at once above the rate
    #[arg(long, value_name = "N", default_value_t = 100.0)]
    pub burst: f64,
    /// A host name `/mcp` may be reached by, besides loopback (repeatable): requests naming
    /// another `Host`, or coming from a page of another origin, get 403
    #[arg(long, value_name = "NAME")]
    pub allowed_host: Vec<String>,
    /// Local mode: poll the modules' health endpoints every this many seconds (0: never) and
    /// serve their live status at `/api/v1/projects/{p}/status`
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    pub poll: u64,
    /// The `[environments]` entry to poll (needed when strata.toml declares several)
    #[arg(long, value_name = "NAME", conflicts_with = "db")]
    pub env: Option<String>,
    /// Bring the `--db` schema up to date, then exit without serving (a migration job run
    /// before replicas start)
    #[arg(long, requires = "db")]
    pub migrate_only: bool,
}

#[derive(Debug, ClapArgs)]
pub struct StatusArgs {
    /// The `[environments]` entry of strata.toml to poll (needed when it declares several)
    #[arg(long, value_name = "NAME")]
    pub env: Option<String>,
}

#[derive(Debug, ClapArgs)]
pub struct McpArgs {}

#[derive(Debug, ClapArgs)]
pub struct AuditArgs {
    #[command(subcommand)]
    pub command: AuditCommand,
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check every tenant's audit chain: report the first event edited, deleted or moved
    Verify {
        /// The registry database: `sqlite:PATH` or `postgres://user:password@host/db`
        #[arg(long, value_name = "URL")]
        db: String,
    },
}

/// Where runtime metrics are kept: a registry server, or this repository's local registry.
#[derive(Debug, ClapArgs)]
pub struct RegistryArgs {
    /// The registry server's URL (default: `$STRATA_SERVER`; without either, the local
    /// registry `.strata/registry.db` that `strata serve` reads); the token, when the server
    /// wants one, comes from `$STRATA_TOKEN`
    #[arg(long, value_name = "URL")]
    pub server: Option<String>,
    /// The project's name in the registry (default: `[project] name`, else the folder's)
    #[arg(long, value_name = "NAME")]
    pub project: Option<String>,
}

#[derive(Debug, ClapArgs)]
pub struct MetricsArgs {
    #[command(subcommand)]
    pub command: MetricsCommand,
}

#[derive(Debug, Subcommand)]
pub enum MetricsCommand {
    /// Store the samples of a JSON file: `{"samples": [{"module", "metric", "at", "value"}]}`,
    /// `at` an RFC 3339 time or seconds since 1970; a sample of a module, metric and second
    /// already stored is replaced
    Push {
        /// The JSON file, or `-` for stdin
        #[arg(value_name = "FILE")]
        file: std::path::PathBuf,
        #[command(flatten)]
        target: RegistryArgs,
    },
    /// Run each `[metrics.queries]` query for every module declaring that budget against
    /// `[metrics] prometheus` (`/api/v1/query_range` over `range` at `step`) and store the
    /// samples
    Pull {
        #[command(flatten)]
        target: RegistryArgs,
    },
}

#[derive(Debug, ClapArgs)]
pub struct BudgetsArgs {
    #[command(flatten)]
    pub target: RegistryArgs,
    /// A breach forecast within this many days makes a budget `at-risk`
    #[arg(long, value_name = "DAYS", default_value_t = 30.0)]
    pub horizon: f64,
    /// Fit each trend on this many days before the budget's latest sample
    #[arg(long, value_name = "DAYS", default_value_t = 14.0)]
    pub window: f64,
}

#[derive(Debug, ClapArgs)]
pub struct PushArgs {
    /// The registry server's URL (default: `$STRATA_SERVER`); the token, when the server
    /// wants one, comes from `$STRATA_TOKEN`
    #[arg(long, value_name = "URL")]
    pub server: Option<String>,
    /// The project's name in the registry (default: `[project] name`, else the folder's)
    #[arg(long, value_name = "NAME")]
    pub project: Option<String>,
    /// Attempts after the first when the server fails (5xx) or cannot be reached
    #[arg(long, value_name = "N", default_value_t = 4)]
    pub retries: u32,
    /// Write the snapshot's JSON to this file instead of sending it (to send later, e.g.
    /// `curl --data-binary @FILE …/snapshots`)
    #[arg(long, value_name = "FILE", conflicts_with = "server")]
    pub out: Option<std::path::PathBuf>,
}

#[derive(Debug, ClapArgs)]
pub struct DepsArgs {
    /// Only this module's dependencies (the packages and radar stay repository-wide)
    #[arg(long, value_name = "NAME")]
    pub module: Option<String>,
}

#[derive(Debug, ClapArgs)]
pub struct DupesArgs {
    /// Smallest clone reported, in tokens
    #[arg(long, value_name = "N", default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..))]
    pub min_tokens: u32,
    /// Only clones whose two sides are in different modules
    #[arg(long)]
    pub cross_module: bool,
}

#[derive(Debug, ClapArgs)]
pub struct FindArgs {
    /// A name, part of one, words (`user id`) or initials (`gcu` for getCurrentUser)
    pub query: String,
    /// Only this kind of definition
    #[arg(long, value_enum)]
    pub kind: Option<FindKind>,
    /// Only definitions of this module
    #[arg(long, value_name = "MODULE")]
    pub module: Option<String>,
    /// Say whether a file at this path (existing or planned) may import each hit under the
    /// rules, and why not
    #[arg(long, value_name = "PATH")]
    pub from: Option<String>,
    /// At most this many hits
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub limit: usize,
}

#[derive(Debug, ClapArgs)]
pub struct SimilarArgs {
    /// A span of a repository file: `path:START-END` (1-based, inclusive), or `path` for all
    /// of it
    #[arg(
        value_name = "FILE[:START-END]",
        required_unless_present = "code",
        conflicts_with = "code"
    )]
    pub span: Option<String>,
    /// Code that exists nowhere yet: `-` reads it from stdin, anything else is the code
    #[arg(long, value_name = "CODE|-")]
    pub code: Option<String>,
    /// The language of --code (default: from --at)
    #[arg(long, value_name = "LANG", requires = "code")]
    pub lang: Option<String>,
    /// With --code: the file the code would go in, to say whether each match may be imported
    /// from there
    #[arg(long, value_name = "PATH", requires = "code")]
    pub at: Option<String>,
    /// Smallest similarity reported, from 0 to 1
    #[arg(long, value_name = "S", default_value_t = 0.8)]
    pub min: f64,
    /// At most this many matches
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub limit: usize,
}

#[derive(Debug, ClapArgs)]
pub struct ContextArgs {
    /// Files to work on (repository-relative)
    #[arg(
        value_name = "PATH",
        required_unless_present = "task",
        conflicts_with = "task"
    )]
    pub paths: Vec<String>,
    /// The task, in words (e.g. "add a refund to invoices")
    #[arg(long, value_name = "TEXT")]
    pub task: Option<String>,
    /// At most this many tokens of context (estimated from above)
    #[arg(long, value_name = "TOKENS", default_value_t = 8000)]
    pub budget: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FindKind {
    /// Functions and methods
    Fn,
    /// Classes, structs, enums, traits, interfaces, type aliases
    Type,
    /// Constants
    Const,
}

#[derive(Debug, ClapArgs)]
pub struct ScanArgs {
    /// Scan only part `I` of `N` (from 0): a partition of the files balanced by bytes, the same
    /// on every machine with the same tree
    #[arg(long, value_name = "I/N", requires = "out")]
    pub shard: Option<strata_project::Shard>,
    /// Where to write the shard (with --shard)
    #[arg(long, value_name = "FILE", requires = "shard")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, ClapArgs)]
pub struct MergeArgs {
    /// The shard files, one per shard `I/N`, in any order
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// The folder to write the index into, as `cache/index.bin` (default: the repository's
    /// `.strata/`, where every command reads it)
    #[arg(long, value_name = "DIR")]
    pub into: Option<PathBuf>,
}

#[derive(Debug, ClapArgs)]
pub struct DocsArgs {
    /// The folder to write the pages into (created if missing; only its pages are replaced)
    #[arg(long, value_name = "DIR")]
    pub out: std::path::PathBuf,
}

#[derive(Debug, ClapArgs)]
pub struct InitArgs {
    /// Print what would be written, write nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, ClapArgs)]
pub struct NewArgs {
    /// The template (`strata template list` lists them)
    pub template: String,
    /// The new module's name: lowercase letters, digits and `-`, starting with a letter
    pub name: String,
    /// Set a variable (repeatable); a list is written `a,b`
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// A YAML file mapping variable names to values (`--set` wins)
    #[arg(long, value_name = "FILE")]
    pub values: Option<PathBuf>,
    /// The folder to create the module in, relative to the repository root (default: the
    /// template's)
    #[arg(long, value_name = "DIR")]
    pub into: Option<String>,
    /// Print the files and the module.yaml that would be written, write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Run the template's hooks (commands it declares) on the rendered files
    #[arg(long)]
    pub trust: bool,
    /// Never ask: take every default not given (prompts appear only on a terminal, never
    /// with `CI` set)
    #[arg(long)]
    pub defaults: bool,
}

#[derive(Debug, ClapArgs)]
pub struct TemplateArgs {
    #[command(subcommand)]
    pub command: TemplateCommand,
}

#[derive(Debug, Subcommand)]
pub enum TemplateCommand {
    /// List the templates: name, version, category, source, description
    List,
    /// Show a template: what it extends and includes, its variables with type, default, help
    Show {
        /// The template's name
        name: String,
    },
    /// Render generated modules again at their template's current version (or with new
    /// answers) and three-way merge; conflicts are reported per file, exit 1
    Update(TemplateUpdateArgs),
}

#[derive(Debug, ClapArgs)]
pub struct TemplateUpdateArgs {
    /// The module to update (default: every module with a `.strata-template.yaml`)
    pub module: Option<String>,
    /// Change an answer (repeatable), as `strata new --set`
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Print what would change, write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Update even when the module's folder has changes not committed to git
    #[arg(long)]
    pub allow_dirty: bool,
}

#[derive(Debug, ClapArgs)]
#[command(arg_required_else_help = true)]
pub struct ExplainArgs {
    /// The rule id, e.g. `port-conflict`
    #[arg(required_unless_present = "list")]
    pub rule: Option<String>,
    /// List every rule with its default level and summary
    #[arg(long, conflicts_with = "rule")]
    pub list: bool,
}

#[derive(Debug, ClapArgs)]
pub struct ExportArgs {
    #[command(subcommand)]
    pub command: ExportCommand,
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// A Backstage `catalog-info.yaml` per module (a Component, and an API entity for its
    /// OpenAPI file) and the `[teams]` as Groups in the root's; strata-only fields become
    /// `strata.dev/` annotations
    Backstage(BackstageExportArgs),
}

#[derive(Debug, ClapArgs)]
pub struct BackstageExportArgs {
    /// Write under this folder, mirroring module roots (default: next to each module.yaml)
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Write nothing; exit 1 listing the files that are missing or not current
    #[arg(long)]
    pub check: bool,
}

#[derive(Debug, ClapArgs)]
pub struct ImportArgs {
    #[command(subcommand)]
    pub command: ImportCommand,
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// A module.yaml next to each Backstage `catalog-info.yaml` from its Component, with the
    /// `strata.dev/` annotations of `strata export backstage` restored as fields
    Backstage(BackstageImportArgs),
}

#[derive(Debug, ClapArgs)]
pub struct BackstageImportArgs {
    /// The `catalog-info.yaml` files to read
    #[arg(required = true, value_name = "FILE")]
    pub paths: Vec<PathBuf>,
    /// Replace existing module.yaml files
    #[arg(long)]
    pub force: bool,
    /// Print what would be written, write nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, ClapArgs)]
pub struct SchemaArgs {
    /// Which file's schema
    #[arg(value_enum)]
    pub which: SchemaKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SchemaKind {
    /// module.yaml
    Module,
    /// strata.toml
    Config,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Markdown => "markdown",
            Format::Github => "github",
            Format::Gitlab => "gitlab",
            Format::Mermaid => "mermaid",
            Format::Dot => "dot",
            Format::Svg => "svg",
        }
    }
}
