//! The repository as declared: `strata.toml`, `module.yaml` files and package manifests —
//! found, parsed and validated — and the walk that lists the repository's files.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod atomic;
pub mod config;
pub mod deps;
pub mod discover;
pub mod error;
pub mod lockfile;
pub mod manifest;
pub mod module_file;
pub mod schema;
pub mod walk;
mod watcher;

pub use config::{
    AlertsConfig, CONFIG_FILE, Config, EnvironmentConfig, HEALTH_DIMENSIONS, HEALTH_INPUTS,
    HealthConfig, LoadedConfig, OidcConfig, RadarConfig, RadarEntry, ServerConfig,
    URL_PLACEHOLDERS, config_from_bytes, find_config, load_config, parse_config,
};
pub use discover::{DeclaredModule, Discovery, ModuleSource, discover};
pub use error::ConfigError;
pub use manifest::{ManifestDependency, ManifestInfo, ManifestKind, read_manifest};
pub use module_file::{Lifecycle, MODULE_FILE, ModuleFile, ModuleKind, parse_module_file};
pub use walk::FileMeta;
pub use watcher::watch;
