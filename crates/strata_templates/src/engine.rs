//! Rendering: resolve a template's parents and includes into one set of files and variables,
//! check the answers, and render every path and file in memory.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use minijinja::Environment;
use minijinja::syntax::SyntaxConfig;

use crate::catalog::{Catalog, TemplateEntry};
use crate::error::TemplateError;
use crate::spec::{FileRule, Variable};
use crate::vars::{Answer, Answers, RepoFacts, Resolved, render_str, resolve, truthy};

/// The answers file written into every generated module.
pub const ANSWERS_FILE: &str = ".strata-template.yaml";

/// A template file below `files/@root/` is written relative to the repository root.
pub const ROOT_PREFIX: &str = "@root/";

/// How to render.
#[derive(Clone, Copy, Default)]
pub struct RenderOptions<'a> {
    /// The destination relative to the repository root (`--into`); default: the template's
    /// `into`, rendered.
    pub into: Option<&'a str>,
    /// Run the template's hooks (`--trust`).
    pub trust: bool,
    /// Asks for each variable not given (on a terminal); without it, defaults are used.
    pub prompter: Option<&'a dyn Prompter>,
}

impl std::fmt::Debug for RenderOptions<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RenderOptions")
            .field("into", &self.into)
            .field("trust", &self.trust)
            .field("prompter", &self.prompter.is_some())
            .finish()
    }
}

/// Asks a person for a variable's value.
pub trait Prompter {
    /// The answer for `var`, whose default is `default`, or `None` to take the default.
    /// `problem` says why the previous answer was refused.
    fn ask(&self, var: &Variable, default: &Answer, problem: Option<&str>) -> Option<String>;
}

/// A rendered template, not yet written.
#[derive(Clone, Debug)]
pub struct Rendered {
    pub template: String,
    pub version: String,
    /// Output path relative to `into` -> contents (the answers file included).
    pub files: BTreeMap<PathBuf, String>,
    /// The destination relative to the repository root, with `/`.
    pub into: String,
    /// Every variable's value as used, built-ins included.
    pub answers: Answers,
    /// The template, its parents and its includes, each with its version.
    pub parts: BTreeMap<String, String>,
    /// Files relative to the repository root rather than the module (a template's
    /// `files/@root/…`): a CI workflow, which GitHub reads from the root only.
    pub root_files: BTreeMap<PathBuf, String>,
    /// Hooks not run because `--trust` was not given.
    pub skipped_hooks: Vec<String>,
    /// Hooks run (with `--trust`).
    pub ran_hooks: Vec<String>,
}

/// A template with its parents and includes folded in.
struct Merged {
    /// Path below `files/` -> (the template it comes from, its origin, its source).
    files: BTreeMap<String, (String, String, String)>,
    variables: Vec<Variable>,
    rules: Vec<FileRule>,
    hooks: Vec<String>,
    into: Option<String>,
    /// Name -> version of every template folded in.
    parts: BTreeMap<String, String>,
}

/// Render `template` with `answers` (`name`, the module's name, is required) for the
/// repository `facts` describe. Nothing is written.
pub fn render(
    catalog: &Catalog,
    template: &str,
    answers: &Answers,
    facts: &RepoFacts,
    options: &RenderOptions,
) -> Result<Rendered, TemplateError> {
    let entry = catalog.require(template)?;
    let merged = merge(catalog, entry, Some(facts))?;
    let env = environment();
    let name = answers.get("name").map(Answer::to_text).unwrap_or_default();
    let mut given = answers.clone();
    given.remove("name");
    let mut resolved = resolve(
        &env,
        template,
        &merged.variables,
        &given,
        &name,
        facts,
        options.prompter,
    )?;
    resolved.context.push(("template".into(), template.into()));
    resolved.context.push((
        "template_version".into(),
        entry.spec.version.as_str().into(),
    ));
    let ctx = resolved.value();

    let into = match (options.into, &merged.into) {
        (Some(into), _) => into.to_owned(),
        (None, Some(into)) => render_str(&env, &format!("{template}: `into`"), into, &ctx)?,
        (None, None) => name.clone(),
    };
    let into = into.trim().trim_end_matches('/').to_owned();
    check_relative(template, "into", &into)?;
    // The module's folder, for files that name it (a CI workflow at the repository root).
    resolved.context.push(("path".into(), into.as_str().into()));
    let ctx = resolved.value();

    let rules = merged
        .rules
        .iter()
        .map(|rule| {
            globset::Glob::new(&rule.glob)
                .map(|g| (g.compile_matcher(), rule))
                .map_err(|e| TemplateError::Invalid {
                    template: template.to_owned(),
                    message: format!("`glob: {}` is not a glob: {e}", rule.glob),
                })
        })
        .collect::<Result<Vec<_>, _>>()?;

    let mut files = BTreeMap::new();
    let mut root_files = BTreeMap::new();
    let mut from: BTreeMap<String, String> = BTreeMap::new();
    for (path, (_, origin, source)) in &merged.files {
        let label = format!("{origin}/files/{path}");
        let out = render_str(&env, &label, path, &ctx)?;
        let out = out.strip_suffix(".j2").unwrap_or(&out).to_owned();
        let at_root = out.strip_prefix(ROOT_PREFIX).map(str::to_owned);
        check_relative(template, "file path", at_root.as_deref().unwrap_or(&out))?;
        let mut keep = true;
        for (matcher, rule) in &rules {
            if matcher.is_match(&out) {
                let when = render_str(
                    &env,
                    &format!("{template}: `when` of `{}`", rule.glob),
                    &rule.when,
                    &ctx,
                )?;
                keep &= truthy(&when);
            }
        }
        if !keep {
            continue;
        }
        if let Some(other) = from.insert(out.clone(), label.clone()) {
            return Err(TemplateError::Invalid {
                template: template.to_owned(),
                message: format!("`{other}` and `{label}` both render to `{out}`"),
            });
        }
        let text = render_str(&env, &label, source, &ctx)?;
        match at_root {
            Some(root_path) => root_files.insert(PathBuf::from(root_path), text),
            None => files.insert(PathBuf::from(&out), text),
        };
    }

    let (skipped_hooks, ran_hooks) = if options.trust {
        files = run_hooks(&merged.hooks, files)?;
        (Vec::new(), merged.hooks.clone())
    } else {
        (merged.hooks.clone(), Vec::new())
    };

    let Resolved { answers, .. } = resolved;
    files.insert(
        PathBuf::from(ANSWERS_FILE),
        answers_file(template, &entry.spec.version, &merged.parts, &answers),
    );
    Ok(Rendered {
        template: template.to_owned(),
        version: entry.spec.version.clone(),
        files,
        into,
        answers,
        parts: merged.parts,
        root_files,
        skipped_hooks,
        ran_hooks,
    })
}

/// The engine every template renders with: Jinja syntax, a file's last newline kept, and a
/// misspelt variable an error rather than an empty string (`{% if x %}` on a variable left
/// out by its `when` stays allowed).
fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::SemiStrict);
    if let Ok(syntax) = SyntaxConfig::builder().keep_trailing_newline(true).build() {
        env.set_syntax(syntax);
    }
    env
}

fn check_relative(template: &str, what: &str, path: &str) -> Result<(), TemplateError> {
    let bad = path.is_empty()
        || path.starts_with('/')
        || path.contains('\\')
        || path.split('/').any(|s| s.is_empty() || s == "..");
    if bad && !(what == "into" && path == ".") {
        return Err(TemplateError::Invalid {
            template: template.to_owned(),
            message: format!(
                "{what} `{path}` is not a relative path below the repository (no `..`, no empty segment)"
            ),
        });
    }
    Ok(())
}

fn check_strata(entry: &TemplateEntry, facts: &RepoFacts) -> Result<(), TemplateError> {
    let Some(requirement) = &entry.spec.strata else {
        return Ok(());
    };
    let met = match (
        semver::VersionReq::parse(requirement),
        semver::Version::parse(&facts.strata_version),
    ) {
        (Ok(req), Ok(version)) => req.matches(&version),
        _ => false,
    };
    if met {
        Ok(())
    } else {
        Err(TemplateError::StrataVersion {
            template: entry.spec.name.clone(),
            requirement: requirement.clone(),
            version: facts.strata_version.clone(),
        })
    }
}

/// The template's ancestors, the root first, the template last.
fn chain<'a>(
    catalog: &'a Catalog,
    entry: &'a TemplateEntry,
) -> Result<Vec<&'a TemplateEntry>, TemplateError> {
    let mut chain = vec![entry];
    let mut current = entry;
    while let Some(parent) = &current.spec.extends {
        if let Some(at) = chain.iter().position(|t| &t.spec.name == parent) {
            let mut names: Vec<String> = chain[at..].iter().map(|t| t.spec.name.clone()).collect();
            names.push(parent.clone());
            return Err(TemplateError::ExtendsCycle { chain: names });
        }
        current = catalog
            .get(parent)
            .ok_or_else(|| TemplateError::MissingParent {
                template: current.spec.name.clone(),
                parent: parent.clone(),
            })?;
        chain.push(current);
    }
    chain.reverse();
    Ok(chain)
}

/// Every variable of `template` with those of its parents and includes, in the order they are
/// asked (the built-in ones are not among them).
pub fn variables(catalog: &Catalog, template: &str) -> Result<Vec<Variable>, TemplateError> {
    Ok(merge(catalog, catalog.require(template)?, None)?.variables)
}

/// Fold parents and includes into one template; `facts` given, check each part's `strata`.
fn merge(
    catalog: &Catalog,
    entry: &TemplateEntry,
    facts: Option<&RepoFacts>,
) -> Result<Merged, TemplateError> {
    let chain = chain(catalog, entry)?;
    let mut m = Merged {
        files: BTreeMap::new(),
        variables: Vec::new(),
        rules: Vec::new(),
        hooks: Vec::new(),
        into: None,
        parts: BTreeMap::new(),
    };
    for t in &chain {
        if let Some(facts) = facts {
            check_strata(t, facts)?;
        }
        m.parts.insert(t.spec.name.clone(), t.spec.version.clone());
        for (path, text) in &t.files {
            m.files.insert(
                path.clone(),
                (t.spec.name.clone(), t.origin.clone(), text.clone()),
            );
        }
        for var in &t.spec.variables {
            match m.variables.iter_mut().find(|v| v.name == var.name) {
                Some(old) => *old = var.clone(),
                None => m.variables.push(var.clone()),
            }
        }
        m.rules.extend(t.spec.files.iter().cloned());
        m.hooks.extend(t.spec.hooks.iter().cloned());
        if t.spec.into.is_some() {
            m.into.clone_from(&t.spec.into);
        }
    }
    for (i, t) in chain.iter().enumerate() {
        for include in &t.spec.includes {
            let inc = catalog
                .get(include)
                .ok_or_else(|| TemplateError::MissingInclude {
                    template: t.spec.name.clone(),
                    include: include.clone(),
                })?;
            if let Some(facts) = facts {
                check_strata(inc, facts)?;
            }
            m.parts
                .insert(inc.spec.name.clone(), inc.spec.version.clone());
            for (path, text) in &inc.files {
                // The including template (or a child of it) writing the path itself is an
                // explicit override.
                if chain[i..].iter().any(|c| c.files.contains_key(path)) {
                    continue;
                }
                if let Some((owner, _, _)) = m.files.get(path) {
                    return Err(TemplateError::IncludeOverlap {
                        first: owner.clone(),
                        second: include.clone(),
                        path: path.clone(),
                        template: t.spec.name.clone(),
                    });
                }
                m.files.insert(
                    path.clone(),
                    (include.clone(), inc.origin.clone(), text.clone()),
                );
            }
            for var in &inc.spec.variables {
                if !m.variables.iter().any(|v| v.name == var.name) {
                    m.variables.push(var.clone());
                }
            }
            m.rules.extend(inc.spec.files.iter().cloned());
            m.hooks.extend(inc.spec.hooks.iter().cloned());
        }
    }
    Ok(m)
}

/// Write the files into a temporary folder, run each hook there, and read the folder back.
fn run_hooks(
    hooks: &[String],
    files: BTreeMap<PathBuf, String>,
) -> Result<BTreeMap<PathBuf, String>, TemplateError> {
    if hooks.is_empty() {
        return Ok(files);
    }
    let dir = tempfile::tempdir().map_err(|source| TemplateError::Write {
        path: std::env::temp_dir(),
        source,
    })?;
    crate::write::write_all(dir.path(), &files)?;
    for hook in hooks {
        let output = std::process::Command::new("sh")
            .arg("-c")
            .arg(hook)
            .current_dir(dir.path())
            .output()
            .map_err(|e| TemplateError::Hook {
                command: hook.clone(),
                message: e.to_string(),
            })?;
        if !output.status.success() {
            return Err(TemplateError::Hook {
                command: hook.clone(),
                message: format!(
                    "{}: {}",
                    output.status,
                    String::from_utf8_lossy(&output.stderr).trim()
                ),
            });
        }
    }
    let mut out = BTreeMap::new();
    crate::catalog::collect(dir.path(), dir.path(), &mut out)?;
    Ok(out
        .into_iter()
        .map(|(p, text)| (PathBuf::from(p), text))
        .collect())
}

fn answers_file(
    template: &str,
    version: &str,
    parts: &BTreeMap<String, String>,
    answers: &Answers,
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Written by `strata new`: the template and answers this module was made from, read by\n# `strata template update`. Edit the answers and run it to render them again."
    );
    let _ = writeln!(out, "template: {template}");
    let _ = writeln!(out, "version: {version}");
    let _ = writeln!(out, "parts:");
    for (name, version) in parts {
        let _ = writeln!(out, "  {name}: {version}");
    }
    let _ = writeln!(out, "answers:");
    for (k, v) in answers {
        let _ = writeln!(out, "  {k}: {}", v.to_yaml());
    }
    out
}
