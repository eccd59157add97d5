//! Variables: the built-in ones resolved against the repository, the template's own, and the
//! answers given for them, each checked against its type.

use std::collections::BTreeMap;

use minijinja::{Environment, Value};
use serde::Deserialize;
use strata_workspace::Config;
use strata_workspace::error::closest;

use crate::engine::Prompter;
use crate::error::TemplateError;
use crate::spec::{VarType, Variable};

/// A value given for a variable (`--set`, `--values`) or declared as a default.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum Answer {
    Bool(bool),
    Int(i64),
    List(Vec<String>),
    Text(String),
}

impl Answer {
    fn to_value(&self) -> Value {
        match self {
            Answer::Bool(b) => Value::from(*b),
            Answer::Int(i) => Value::from(*i),
            Answer::List(l) => l.iter().cloned().map(Value::from).collect(),
            Answer::Text(t) => Value::from(t.clone()),
        }
    }

    /// The value as YAML (JSON scalars and flow sequences are YAML).
    pub fn to_yaml(&self) -> String {
        match self {
            Answer::Bool(b) => b.to_string(),
            Answer::Int(i) => i.to_string(),
            Answer::List(l) => serde_json::to_string(l).unwrap_or_default(),
            Answer::Text(t) => serde_json::to_string(t).unwrap_or_default(),
        }
    }

    /// The value as text (`a,b` for a list).
    pub fn to_text(&self) -> String {
        match self {
            Answer::Bool(b) => b.to_string(),
            Answer::Int(i) => i.to_string(),
            Answer::List(l) => l.join(","),
            Answer::Text(t) => t.clone(),
        }
    }
}

/// Answers by variable name.
pub type Answers = BTreeMap<String, Answer>;

/// `key=value` of `--set`: the value as text, typed later against the variable.
pub fn parse_set(arg: &str) -> Result<(String, Answer), String> {
    match arg.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => {
            Ok((k.trim().to_owned(), Answer::Text(v.to_owned())))
        }
        _ => Err(format!("`{arg}` is not `KEY=VALUE`")),
    }
}

/// A `--values` file: a YAML mapping of variable names to values.
pub fn parse_values(text: &str, path: &str) -> Result<Answers, TemplateError> {
    serde_saphyr::from_str(text).map_err(|source| TemplateError::Parse {
        path: path.to_owned(),
        source: Box::new(source),
    })
}

/// What the built-in variables are resolved against.
#[derive(Clone, Debug, Default)]
pub struct RepoFacts {
    /// Names of the existing modules.
    pub modules: Vec<String>,
    /// `[teams]` names, sorted.
    pub teams: Vec<String>,
    /// `[lanes]`: lane -> lanes it may import.
    pub lanes: BTreeMap<String, Vec<String>>,
    /// `layers`, bottom to top.
    pub layers: Vec<String>,
    /// Ports in use (`api.port`) -> the module using it.
    pub ports: BTreeMap<u16, String>,
    /// The running strata's version.
    pub strata_version: String,
}

impl RepoFacts {
    /// Teams, lanes and layers from `strata.toml`; modules and ports are added by the caller.
    pub fn from_config(config: &Config, strata_version: &str) -> RepoFacts {
        RepoFacts {
            teams: config.teams.keys().cloned().collect(),
            lanes: config.lanes.clone(),
            layers: config.layers.clone(),
            strata_version: strata_version.to_owned(),
            ..RepoFacts::default()
        }
    }

    /// The lane that may import the most other lanes: a product lane, where new modules go.
    fn default_lane(&self) -> String {
        self.lanes
            .iter()
            .max_by_key(|(name, may)| (may.len(), std::cmp::Reverse(*name)))
            .map(|(name, _)| name.clone())
            .unwrap_or_default()
    }

    /// These facts without module `name`: its name and its port are free to reuse (for
    /// rendering an existing module again).
    #[must_use]
    pub fn without(&self, name: &str) -> RepoFacts {
        let mut facts = self.clone();
        facts.modules.retain(|m| m != name);
        facts.ports.retain(|_, m| m != name);
        facts
    }

    fn free_port(&self) -> i64 {
        (8000..=u16::MAX)
            .find(|p| !self.ports.contains_key(p))
            .map_or(0, i64::from)
    }
}

/// The variables strata always defines, with their type and what their value is, for
/// `strata template show`.
pub const BUILTIN_VARIABLES: [(&str, &str, &str); 11] = [
    ("name", "string", "the module's name (required)"),
    ("snake_name", "string", "the name with `_`: `my_mod`"),
    ("pascal_name", "string", "the name as `MyMod`"),
    ("camel_name", "string", "the name as `myMod`"),
    ("owner", "team", "default: the first team of `strata.toml`"),
    (
        "lane",
        "choice",
        "default: the lane that may import the most lanes",
    ),
    ("layer", "choice", "default: the top layer"),
    ("tier", "int", "default: 3"),
    ("port", "int", "default: the lowest free port from 8000"),
    ("version", "string", "default: 0.1.0"),
    ("strata_version", "string", "the running strata's version"),
];

/// The built-in variables a user may set.
pub(crate) const SETTABLE_BUILTINS: [&str; 6] =
    ["owner", "lane", "layer", "tier", "port", "version"];

/// The resolved context and the answers actually used.
pub(crate) struct Resolved {
    pub context: Vec<(String, Value)>,
    pub answers: Answers,
}

impl Resolved {
    pub fn value(&self) -> Value {
        Value::from_pairs(self.context.iter().map(|(k, v)| (k.as_str(), v.clone())))
    }

    fn set(&mut self, name: &str, answer: Answer) {
        self.context.push((name.to_owned(), answer.to_value()));
        self.answers.insert(name.to_owned(), answer);
    }
}

/// Truthiness of a rendered condition: empty, `false`, `0`, `no` and `none` are false.
pub(crate) fn truthy(text: &str) -> bool {
    !matches!(
        text.trim().to_ascii_lowercase().as_str(),
        "" | "false" | "0" | "no" | "none"
    )
}

pub(crate) fn check_name(name: &str, facts: &RepoFacts) -> Result<(), TemplateError> {
    let bad = |message: String| TemplateError::ModuleName {
        name: name.to_owned(),
        message,
    };
    let mut chars = name.chars();
    let starts = chars.next().is_some_and(|c| c.is_ascii_lowercase());
    if !starts || !chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
        return Err(bad(
            "use lowercase letters, digits and `-`, starting with a letter".into(),
        ));
    }
    if facts.modules.iter().any(|m| m == name) {
        return Err(bad("a module of that name already exists".into()));
    }
    Ok(())
}

/// Resolve every variable: built-ins, then the template's in order.
pub(crate) fn resolve(
    env: &Environment<'_>,
    template: &str,
    variables: &[Variable],
    given: &Answers,
    name: &str,
    facts: &RepoFacts,
    prompter: Option<&dyn Prompter>,
) -> Result<Resolved, TemplateError> {
    check_name(name, facts)?;
    let known: Vec<&str> = SETTABLE_BUILTINS
        .iter()
        .copied()
        .chain(variables.iter().map(|v| v.name.as_str()))
        .collect();
    if let Some(key) = given.keys().find(|k| !known.contains(&k.as_str())) {
        let suggestion = if key == "name" {
            None
        } else {
            closest(key, known.iter().copied()).map(str::to_owned)
        };
        return Err(TemplateError::UnknownVariable {
            name: key.clone(),
            suggestion,
        });
    }
    let mut r = Resolved {
        context: Vec::new(),
        answers: Answers::new(),
    };
    r.set("name", Answer::Text(name.to_owned()));
    let words: Vec<&str> = name.split('-').filter(|w| !w.is_empty()).collect();
    let pascal: String = words.iter().map(|w| capitalize(w)).collect();
    let camel = words
        .first()
        .map(|f| (*f).to_owned() + &words[1..].iter().map(|w| capitalize(w)).collect::<String>())
        .unwrap_or_default();
    r.context
        .push(("snake_name".into(), Value::from(words.join("_"))));
    r.context.push(("pascal_name".into(), Value::from(pascal)));
    r.context.push(("camel_name".into(), Value::from(camel)));
    r.context.push((
        "strata_version".into(),
        Value::from(facts.strata_version.clone()),
    ));

    let declared = |n: &str| variables.iter().find(|v| v.name == n);
    for builtin in SETTABLE_BUILTINS {
        let (kind, choices, default): (VarType, Vec<String>, Answer) = match builtin {
            "owner" => (
                VarType::Team,
                Vec::new(),
                Answer::Text(
                    facts
                        .teams
                        .first()
                        .map_or_else(|| "team:unknown".into(), |t| format!("team:{t}")),
                ),
            ),
            "lane" => (
                VarType::Choice,
                facts.lanes.keys().cloned().collect(),
                Answer::Text(facts.default_lane()),
            ),
            "layer" => (
                VarType::Choice,
                facts.layers.clone(),
                Answer::Text(facts.layers.last().cloned().unwrap_or_default()),
            ),
            "tier" => (VarType::Int, Vec::new(), Answer::Int(3)),
            "port" => (VarType::Int, Vec::new(), Answer::Int(facts.free_port())),
            _ => (VarType::String, Vec::new(), Answer::Text("0.1.0".into())),
        };
        let template_default = declared(builtin).and_then(|v| v.default.clone());
        let answer = match given.get(builtin) {
            Some(a) => a.clone(),
            None => match template_default {
                Some(d) => render_default(env, template, builtin, &d, &r)?,
                None => default,
            },
        };
        let spec = Variable {
            name: builtin.to_owned(),
            kind,
            default: None,
            help: if builtin == "owner" {
                "The team that owns the module".into()
            } else {
                String::new()
            },
            choices,
            regex: None,
            when: None,
        };
        let answer = if (builtin == "lane" || builtin == "layer") && spec.choices.is_empty() {
            if !answer.to_text().is_empty() {
                return Err(TemplateError::Variable {
                    name: builtin.to_owned(),
                    message: format!("the repository declares no {builtin}s in `strata.toml`"),
                });
            }
            Answer::Text(String::new())
        } else if builtin == "owner" && !given.contains_key(builtin) {
            ask_or(prompter, &spec, answer, facts)?
        } else {
            coerce(&spec, answer, facts)?
        };
        if builtin == "port" {
            check_port(&answer, facts)?;
        }
        r.set(builtin, answer);
    }

    for var in variables {
        if SETTABLE_BUILTINS.contains(&var.name.as_str()) || var.name == "name" {
            continue;
        }
        if let Some(when) = &var.when {
            let text = render_str(
                env,
                &format!("{template}: `when` of `{}`", var.name),
                when,
                &r.value(),
            )?;
            if !truthy(&text) {
                continue;
            }
        }
        let answer = match (given.get(&var.name), &var.default) {
            (Some(a), _) => coerce(var, a.clone(), facts)?,
            (None, default) => {
                let default = match default {
                    Some(d) => render_default(env, template, &var.name, d, &r)?,
                    None => default_of(var.kind),
                };
                // A choice of one is not a question.
                if var.kind == VarType::Choice && var.choices.len() == 1 {
                    coerce(var, default, facts)?
                } else {
                    ask_or(prompter, var, default, facts)?
                }
            }
        };
        r.set(&var.name, answer);
    }
    Ok(r)
}

/// Ask `prompter` for `var` until the answer is valid; without one, the default, checked.
fn ask_or(
    prompter: Option<&dyn Prompter>,
    var: &Variable,
    default: Answer,
    facts: &RepoFacts,
) -> Result<Answer, TemplateError> {
    let Some(prompter) = prompter else {
        return coerce(var, default, facts);
    };
    let mut problem = None;
    loop {
        let Some(text) = prompter.ask(var, &default, problem.as_deref()) else {
            return coerce(var, default, facts);
        };
        match coerce(var, Answer::Text(text), facts) {
            Ok(answer) => return Ok(answer),
            Err(e) => problem = Some(e.to_string()),
        }
    }
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_ascii_uppercase().to_string() + chars.as_str()
    })
}

fn default_of(kind: VarType) -> Answer {
    match kind {
        VarType::Bool => Answer::Bool(false),
        VarType::Int => Answer::Int(0),
        VarType::List => Answer::List(Vec::new()),
        _ => Answer::Text(String::new()),
    }
}

fn render_default(
    env: &Environment<'_>,
    template: &str,
    name: &str,
    default: &Answer,
    r: &Resolved,
) -> Result<Answer, TemplateError> {
    let file = format!("{template}: default of `{name}`");
    Ok(match default {
        Answer::Text(t) => Answer::Text(render_str(env, &file, t, &r.value())?),
        Answer::List(items) => Answer::List(
            items
                .iter()
                .map(|i| render_str(env, &file, i, &r.value()))
                .collect::<Result<_, _>>()?,
        ),
        other => other.clone(),
    })
}

/// Render a snippet; a syntax error names `file` and the line.
pub(crate) fn render_str(
    env: &Environment<'_>,
    file: &str,
    source: &str,
    ctx: &Value,
) -> Result<String, TemplateError> {
    env.render_named_str(file, source, ctx)
        .map_err(|e| syntax_error(file, &e))
}

pub(crate) fn syntax_error(file: &str, e: &minijinja::Error) -> TemplateError {
    TemplateError::Syntax {
        file: file.to_owned(),
        line: e.line().unwrap_or(1),
        message: e
            .detail()
            .map_or_else(|| e.kind().to_string(), str::to_owned),
    }
}

fn check_port(answer: &Answer, facts: &RepoFacts) -> Result<(), TemplateError> {
    let Answer::Int(port) = answer else {
        return Ok(());
    };
    let Ok(port) = u16::try_from(*port) else {
        return Err(TemplateError::Variable {
            name: "port".into(),
            message: format!("`{port}` is not a port (0 to 65535)"),
        });
    };
    if let Some(module) = facts.ports.get(&port) {
        return Err(TemplateError::Variable {
            name: "port".into(),
            message: format!(
                "port `{port}` is already used by module `{module}` (port `{}` is free)",
                facts.free_port()
            ),
        });
    }
    Ok(())
}

/// Check an answer against its variable's type and constraints, and type it.
fn coerce(var: &Variable, answer: Answer, facts: &RepoFacts) -> Result<Answer, TemplateError> {
    let err = |message: String| TemplateError::Variable {
        name: var.name.clone(),
        message,
    };
    let text = answer.to_text();
    let typed = match var.kind {
        VarType::String => {
            if let Some(pattern) = &var.regex {
                let re = regex::Regex::new(pattern).map_err(|e| {
                    err(format!(
                        "`regex: {pattern}` is not a regular expression: {e}"
                    ))
                })?;
                if !re.is_match(&text) {
                    return Err(err(format!("`{text}` does not match `{pattern}`")));
                }
            }
            Answer::Text(text)
        }
        VarType::Int => match answer {
            Answer::Int(i) => Answer::Int(i),
            _ => Answer::Int(
                text.trim()
                    .parse()
                    .map_err(|_| err(format!("`{text}` is not a whole number")))?,
            ),
        },
        VarType::Bool => match answer {
            Answer::Bool(b) => Answer::Bool(b),
            _ => match text.trim().to_ascii_lowercase().as_str() {
                "true" | "yes" | "on" | "1" => Answer::Bool(true),
                "false" | "no" | "off" | "0" | "" => Answer::Bool(false),
                _ => return Err(err(format!("`{text}` is not `true` or `false`"))),
            },
        },
        VarType::Choice => {
            if !var.choices.contains(&text) {
                let mean = closest(&text, var.choices.iter().map(String::as_str))
                    .map_or_else(String::new, |c| format!("did you mean `{c}`? "));
                return Err(err(format!(
                    "`{text}` is not one of the choices ({mean}choose from {})",
                    quoted(&var.choices)
                )));
            }
            Answer::Text(text)
        }
        VarType::List => match answer {
            Answer::List(l) => Answer::List(l),
            _ => Answer::List(
                text.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect(),
            ),
        },
        VarType::Module => {
            if !text.is_empty() && !facts.modules.contains(&text) {
                let mean = closest(&text, facts.modules.iter().map(String::as_str))
                    .map_or_else(String::new, |c| format!(" (did you mean `{c}`?)"));
                return Err(err(format!("no module is named `{text}`{mean}")));
            }
            Answer::Text(text)
        }
        VarType::Team => {
            let team = text.strip_prefix("team:").unwrap_or(&text);
            if !facts.teams.is_empty() && !facts.teams.iter().any(|t| t == team) {
                let mean = closest(team, facts.teams.iter().map(String::as_str))
                    .map_or_else(String::new, |c| format!("did you mean `team:{c}`? "));
                return Err(err(format!(
                    "unknown team `{team}` ({mean}`strata.toml` declares {})",
                    quoted(&facts.teams)
                )));
            }
            Answer::Text(format!("team:{team}"))
        }
    };
    Ok(typed)
}

fn quoted(items: &[String]) -> String {
    items
        .iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
