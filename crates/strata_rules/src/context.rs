//! What rules see: the configuration and the declared modules (and, from later phases on, the
//! import graph). Built by the project; rules only read it.

use std::collections::HashMap;

use strata_workspace::{ConfigError, DeclaredModule, LoadedConfig};

use crate::RuleSettings;

pub struct Context<'a> {
    pub config: &'a LoadedConfig,
    /// Repository-relative path of `strata.toml` (empty without one).
    pub config_path: &'a str,
    pub modules: &'a [DeclaredModule],
    /// `module.yaml` files that did not parse.
    pub invalid_schemas: &'a [(String, ConfigError)],
    pub settings: &'a RuleSettings,
    by_name: HashMap<&'a str, Vec<usize>>,
}

impl<'a> Context<'a> {
    pub fn new(
        config: &'a LoadedConfig,
        config_path: &'a str,
        modules: &'a [DeclaredModule],
        invalid_schemas: &'a [(String, ConfigError)],
        settings: &'a RuleSettings,
    ) -> Context<'a> {
        let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, m) in modules.iter().enumerate() {
            by_name.entry(m.name.as_str()).or_default().push(i);
        }
        Context {
            config,
            config_path,
            modules,
            invalid_schemas,
            settings,
            by_name,
        }
    }

    /// The module named `name` (the first by root when several share it).
    pub fn module(&self, name: &str) -> Option<&'a DeclaredModule> {
        self.by_name
            .get(name)
            .and_then(|v| v.first())
            .map(|&i| &self.modules[i])
    }

    /// Every module with this name (more than one is a `duplicate-module` finding).
    pub fn modules_named(&self, name: &str) -> impl Iterator<Item = &'a DeclaredModule> + '_ {
        self.by_name
            .get(name)
            .into_iter()
            .flatten()
            .map(|&i| &self.modules[i])
    }
}
