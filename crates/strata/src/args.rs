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
    /// A pull-request comment (check only)
    Markdown,
    /// GitHub Actions annotations (check only)
    Github,
    /// A Mermaid diagram (graph, waves)
    Mermaid,
    /// A Graphviz DOT graph (graph only)
    Dot,
    /// An SVG picture drawn by strata (graph)
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
    /// Index the repository: read every source file and build the import graph
    Scan,
    /// Print the import graph (module or file level)
    Graph(GraphArgs),
    /// What a change touches: changed and affected modules, tests to run, owners to notify
    Impact(ImpactArgs),
    /// Deployment waves: modules in dependency order, cycles together, health gates, rollback
    Waves(WavesArgs),
    /// Write a Markdown page per module and an index, from declarations, graph and findings
    Docs(DocsArgs),
    /// Print a rule's documentation
    Explain(ExplainArgs),
    /// Print the JSON Schema of module.yaml or strata.toml
    Schema(SchemaArgs),
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
pub struct WavesArgs {
    /// Plan only the modules changed since this git revision and those they affect
    #[arg(long, value_name = "REV")]
    pub changed_since: Option<String>,
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
            Format::Mermaid => "mermaid",
            Format::Dot => "dot",
            Format::Svg => "svg",
        }
    }
}
