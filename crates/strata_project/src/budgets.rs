//! Runtime budgets: each module's `budgets` (module.yaml) against the stored samples of its
//! metrics, as a status and a time-to-breach forecast per budget (`strata budgets`,
//! `GET /api/v1/projects/{p}/budgets`, the dashboard's module page); and the JSON of pushed
//! samples (`strata metrics push`, `POST /api/v1/projects/{p}/metrics`).
//!
//! The forecast's method is `strata_analysis::forecast`'s.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use strata_analysis::{BudgetState as Status, forecast_budget};
pub use strata_analysis::{SECONDS_PER_DAY, Sample};

/// The default horizon: a breach forecast within 30 days makes a budget `at-risk`.
pub const DEFAULT_HORIZON_DAYS: f64 = 30.0;

/// The default window: a budget's trend is fitted on the 14 days before its latest sample.
pub const DEFAULT_WINDOW_DAYS: f64 = 14.0;

/// The most points of a budget's series a report carries (for a sparkline).
pub const SERIES_POINTS: usize = 60;

/// `strata budgets --format json`, `GET …/budgets`: every module that declares budgets, by
/// name, each budget by metric name.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BudgetsDoc {
    /// A breach forecast within this many days makes a budget `at-risk`.
    pub horizon_days: f64,
    /// Each trend is fitted on the samples of this many days before the budget's latest
    /// sample.
    pub window_days: f64,
    pub summary: BudgetsSummary,
    pub modules: Vec<ModuleBudgets>,
}

/// How many budgets are in each status.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct BudgetsSummary {
    pub budgets: usize,
    pub ok: usize,
    pub at_risk: usize,
    pub breached: usize,
    pub no_data: usize,
}

/// One module's budgets.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ModuleBudgets {
    pub module: String,
    pub budgets: Vec<BudgetReport>,
}

/// Where a budget stands.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum BudgetStatus {
    /// The trend stays under the limit past the horizon (or falls).
    Ok,
    /// The trend crosses the limit within the horizon.
    AtRisk,
    /// The current level (the trend at the last sample) is over the limit.
    Breached,
    /// Fewer than 6 samples, or less than a day between the first and the last.
    NoData,
}

impl BudgetStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            BudgetStatus::Ok => "ok",
            BudgetStatus::AtRisk => "at-risk",
            BudgetStatus::Breached => "breached",
            BudgetStatus::NoData => "no-data",
        }
    }
}

/// One budget: its limit, the trend of its samples and when it crosses the limit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BudgetReport {
    /// The metric's name (`p99_ms`, `error_rate`, …).
    pub metric: String,
    /// The ceiling from module.yaml.
    pub limit: f64,
    pub status: BudgetStatus,
    /// Samples in the window read.
    pub samples: usize,
    /// The latest sample.
    pub last: Option<Point>,
    /// The trend's value at the latest sample's time (`null` with `no-data`).
    pub current: Option<f64>,
    /// The trend's change per day (Theil–Sen slope).
    pub trend_per_day: Option<f64>,
    /// The slope's 95 % interval, per day: `[low, high]`.
    pub trend_interval: Option<[f64; 2]>,
    /// When the trend reaches the limit; `null` unless it rises and is under the limit.
    pub breach: Option<BreachForecast>,
    /// Up to 60 samples, evenly spaced through the window, oldest first (a sparkline's).
    pub series: Vec<Point>,
}

/// A sample as reported.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Point {
    /// Seconds since the epoch.
    pub at: i64,
    pub value: f64,
}

/// The time to breach and its interval, in days after the latest sample and as dates.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BreachForecast {
    /// The point forecast, in days after the latest sample.
    pub in_days: f64,
    /// The interval's lower bound, in days.
    pub earliest_days: f64,
    /// The interval's upper bound, in days; `null` when the limit may never be reached (the
    /// slope's lower bound is not positive).
    pub latest_days: Option<f64>,
    /// The forecast breach, seconds since the epoch.
    pub at: i64,
    pub earliest_at: i64,
    pub latest_at: Option<i64>,
}

/// Evaluate every module's budgets against its samples: `declared` is each module with its
/// budgets (metric -> limit), `samples` the samples by module and metric. Each trend is
/// fitted on the `window_days` before the series' latest sample (so a recorded series gives
/// the same answer on any day; `last.at` tells how fresh it is).
pub fn evaluate(
    declared: &BTreeMap<String, BTreeMap<String, f64>>,
    samples: &BTreeMap<(String, String), Vec<Sample>>,
    horizon_days: f64,
    window_days: f64,
) -> BudgetsDoc {
    let mut summary = BudgetsSummary::default();
    let modules = declared
        .iter()
        .filter(|(_, budgets)| !budgets.is_empty())
        .map(|(module, budgets)| ModuleBudgets {
            module: module.clone(),
            budgets: budgets
                .iter()
                .map(|(metric, &limit)| {
                    let series = samples
                        .get(&(module.clone(), metric.clone()))
                        .map_or(&[][..], Vec::as_slice);
                    let report = report(metric, limit, series, horizon_days, window_days);
                    summary.budgets += 1;
                    *match report.status {
                        BudgetStatus::Ok => &mut summary.ok,
                        BudgetStatus::AtRisk => &mut summary.at_risk,
                        BudgetStatus::Breached => &mut summary.breached,
                        BudgetStatus::NoData => &mut summary.no_data,
                    } += 1;
                    report
                })
                .collect(),
        })
        .collect();
    BudgetsDoc {
        horizon_days,
        window_days,
        summary,
        modules,
    }
}

fn report(
    metric: &str,
    limit: f64,
    series: &[Sample],
    horizon_days: f64,
    window_days: f64,
) -> BudgetReport {
    let mut sorted: Vec<Sample> = series
        .iter()
        .copied()
        .filter(|s| s.value.is_finite())
        .collect();
    sorted.sort_by_key(|s| s.at);
    if let Some(last) = sorted.last().map(|s| s.at) {
        #[allow(clippy::cast_possible_truncation)] // clamped to a few centuries
        let window = (window_days.clamp(0.0, 1.0e5) * SECONDS_PER_DAY) as i64;
        sorted.retain(|s| s.at >= last - window);
    }
    let f = forecast_budget(&sorted, limit, horizon_days);
    let to_at = |last: i64, days: f64| {
        // Far-off dates are clamped to what an i64 of seconds holds.
        #[allow(clippy::cast_possible_truncation)]
        let seconds = (days * SECONDS_PER_DAY).clamp(-9.0e15, 9.0e15) as i64;
        last.saturating_add(seconds)
    };
    let breach = f.trend.zip(f.breach).map(|(t, b)| BreachForecast {
        in_days: b.days,
        earliest_days: b.earliest,
        latest_days: b.latest,
        at: to_at(t.last_at, b.days),
        earliest_at: to_at(t.last_at, b.earliest),
        latest_at: b.latest.map(|l| to_at(t.last_at, l)),
    });
    let n = sorted.len();
    let series = if n <= SERIES_POINTS {
        sorted.clone()
    } else {
        (0..SERIES_POINTS)
            .map(|i| sorted[i * (n - 1) / (SERIES_POINTS - 1)])
            .collect()
    };
    BudgetReport {
        metric: metric.to_owned(),
        limit,
        status: match f.status {
            Status::Ok => BudgetStatus::Ok,
            Status::AtRisk => BudgetStatus::AtRisk,
            Status::Breached => BudgetStatus::Breached,
            Status::NoData => BudgetStatus::NoData,
        },
        samples: n,
        last: sorted.last().map(|s| Point {
            at: s.at,
            value: s.value,
        }),
        current: f.trend.map(|t| t.level),
        trend_per_day: f.trend.map(|t| t.slope),
        trend_interval: f.trend.map(|t| [t.slope_low, t.slope_high]),
        breach,
        series: series
            .iter()
            .map(|s| Point {
                at: s.at,
                value: s.value,
            })
            .collect(),
    }
}

/// Each module's budgets from a `modules` document (`strata modules --format json`, a
/// snapshot's): module name -> metric -> limit, every module listed (most with none).
pub fn declared_budgets(
    modules_doc: &str,
) -> Result<BTreeMap<String, BTreeMap<String, f64>>, serde_json::Error> {
    #[derive(Deserialize)]
    struct Doc {
        modules: Vec<Module>,
    }
    #[derive(Deserialize)]
    struct Module {
        name: String,
        #[serde(default)]
        budgets: BTreeMap<String, f64>,
    }
    let doc: Doc = serde_json::from_str(modules_doc)?;
    Ok(doc
        .modules
        .into_iter()
        .map(|m| (m.name, m.budgets))
        .collect())
}

/// Samples by module and metric, from `(module, metric, at, value)` rows.
pub fn by_series<'a>(
    rows: impl IntoIterator<Item = (&'a str, &'a str, i64, f64)>,
) -> BTreeMap<(String, String), Vec<Sample>> {
    let mut out: BTreeMap<(String, String), Vec<Sample>> = BTreeMap::new();
    for (module, metric, at, value) in rows {
        out.entry((module.to_owned(), metric.to_owned()))
            .or_default()
            .push(Sample { at, value });
    }
    out
}

/// The body of `strata metrics push` and `POST …/metrics`.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SamplesBody {
    pub samples: Vec<SampleIn>,
}

/// One pushed sample.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SampleIn {
    /// A module of the project.
    pub module: String,
    /// The budget's name (`[a-z][a-z0-9_]*`).
    pub metric: String,
    /// When: an RFC 3339 time (`2026-03-01T12:00:00Z`) or seconds since the epoch.
    #[schemars(with = "AtSchema")]
    pub at: serde_json::Value,
    /// A finite number.
    pub value: f64,
}

/// The accepted forms of `at` (for the JSON Schema only).
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum AtSchema {
    Seconds(i64),
    Rfc3339(String),
}

/// A pushed sample, checked.
#[derive(Clone, Debug, PartialEq)]
pub struct PushedSample {
    pub module: String,
    pub metric: String,
    /// Seconds since the epoch.
    pub at: i64,
    pub value: f64,
}

/// Why pushed samples are refused.
#[derive(Debug, thiserror::Error)]
pub enum SamplesError {
    #[error("not a samples document at line {line}, column {column}: {message}")]
    Json {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("sample {index} (`{module}` `{metric}`): {problem}")]
    Invalid {
        /// 0-based position in `samples`.
        index: usize,
        module: String,
        metric: String,
        problem: String,
    },
}

/// Parse and check a samples document: `{"samples": [{"module", "metric", "at", "value"}]}`.
pub fn parse_samples(bytes: &[u8]) -> Result<Vec<PushedSample>, SamplesError> {
    let body: SamplesBody = serde_json::from_slice(bytes).map_err(|e| {
        let text = e.to_string();
        let message = match text.rfind(" at line ") {
            Some(i) => text[..i].to_owned(),
            None => text,
        };
        SamplesError::Json {
            line: e.line(),
            column: e.column(),
            message,
        }
    })?;
    body.samples
        .into_iter()
        .enumerate()
        .map(|(index, s)| {
            let invalid = |problem: String| SamplesError::Invalid {
                index,
                module: s.module.clone(),
                metric: s.metric.clone(),
                problem,
            };
            if s.module.trim().is_empty() {
                return Err(invalid("`module` is empty".into()));
            }
            if !strata_workspace::module_file::valid_metric_name(&s.metric) {
                return Err(invalid(
                    "`metric` is not a budget name: a lowercase letter, then lowercase letters, digits or `_`".into(),
                ));
            }
            if !s.value.is_finite() {
                return Err(invalid("`value` is not a finite number".into()));
            }
            let at = match &s.at {
                serde_json::Value::Number(n) => n.as_i64(),
                serde_json::Value::String(t) => parse_rfc3339(t),
                _ => None,
            }
            .filter(|at| (0..=MAX_TIME).contains(at))
            .ok_or_else(|| {
                invalid(format!(
                    "`at` {} is neither an RFC 3339 time (`2026-03-01T12:00:00Z`) nor whole seconds since 1970",
                    s.at
                ))
            })?;
            Ok(PushedSample {
                module: s.module.clone(),
                metric: s.metric.clone(),
                at,
                value: s.value,
            })
        })
        .collect()
}

/// 9999-12-31T23:59:59Z: the last time an RFC 3339 date can write.
const MAX_TIME: i64 = 253_402_300_799;

/// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day counted from 1970-01-01.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

/// Seconds since the epoch of an RFC 3339 time (`2026-03-01T12:00:00Z`,
/// `2026-03-01T13:00:00.250+01:00`; fractions of a second are dropped).
pub fn parse_rfc3339(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let num = |from: usize, to: usize| -> Option<i64> {
        let s = text.get(from..to)?;
        s.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| s.parse().ok())?
    };
    let (year, month, day) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (hour, minute, second) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
    let mut rest = &text[19..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        rest = &fraction[digits..];
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let r = rest.as_bytes();
            if r.len() != 6 || r[3] != b':' {
                return None;
            }
            let (h, m) = (num_of(&rest[1..3])?, num_of(&rest[4..6])?);
            if h > 23 || m > 59 {
                return None;
            }
            sign * (h * 3_600 + m * 60)
        }
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    let valid = (1..=12).contains(&month)
        && day >= 1
        && day <= month_days[usize::try_from(month - 1).ok()?]
        && hour <= 23
        && minute <= 59
        && second <= 60;
    if !valid {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + hour * 3_600 + minute * 60 + second - offset)
}

fn num_of(s: &str) -> Option<i64> {
    s.bytes()
        .all(|c| c.is_ascii_digit())
        .then(|| s.parse().ok())?
}

/// `YYYY-MM-DD` of a time in seconds since the epoch (UTC).
pub fn format_date(at: i64) -> String {
    let (y, m, d) = civil_from_days(at.div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_times_round_trip_through_dates() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339("2026-03-01T12:00:00Z"), Some(1_772_366_400));
        assert_eq!(
            parse_rfc3339("2026-03-01T13:00:00.250+01:00"),
            Some(1_772_366_400)
        );
        assert_eq!(
            parse_rfc3339("2024-02-29T00:00:00-00:30"),
            Some(1_709_166_600)
        );
        for bad in [
            "2026-02-30T00:00:00Z",
            "2026-03-01",
            "2026-03-01T12:00:00",
            "2026-03-01T12:00:00+1:00",
            "2026-13-01T00:00:00Z",
            "2026-03-01T12:00:00.Z",
            "２０２６-03-01T12:00:00Z",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
        assert_eq!(format_date(1_772_366_400), "2026-03-01");
        assert_eq!(format_date(0), "1970-01-01");
        assert_eq!(format_date(MAX_TIME), "9999-12-31");
    }

    #[test]
    fn samples_are_parsed_and_checked() {
        let ok = parse_samples(
            br#"{"samples": [
                {"module": "billing", "metric": "p99_ms", "at": "2026-03-01T12:00:00Z", "value": 120.5},
                {"module": "billing", "metric": "p99_ms", "at": 1772370000, "value": 121}
            ]}"#,
        )
        .unwrap();
        assert_eq!(ok.len(), 2);
        assert_eq!(ok[0].at, 1_772_366_400);
        assert!((ok[1].value - 121.0).abs() < f64::EPSILON);
        let Err(SamplesError::Json { line, column, message }) =
            parse_samples(b"{\"samples\": [\n  {\"module\": \"a\", \"metric\": \"x\", \"at\": 1, \"valeu\": 1}\n]}")
        else {
            panic!("expected a JSON error")
        };
        assert_eq!(line, 2);
        assert!(column > 40, "{column}");
        assert!(message.contains("unknown field `valeu`"), "{message}");
        let invalid = |text: &str| match parse_samples(text.as_bytes()) {
            Err(SamplesError::Invalid { index, problem, .. }) => (index, problem),
            other => panic!("{other:?}"),
        };
        let (index, problem) = invalid(
            r#"{"samples": [{"module": "a", "metric": "x", "at": 1, "value": 1}, {"module": "a", "metric": "P99", "at": 1, "value": 1}]}"#,
        );
        assert_eq!(index, 1);
        assert!(problem.contains("not a budget name"), "{problem}");
        let (_, problem) = invalid(
            r#"{"samples": [{"module": "a", "metric": "x", "at": "yesterday", "value": 1}]}"#,
        );
        assert!(problem.contains("RFC 3339"), "{problem}");
        let (_, problem) =
            invalid(r#"{"samples": [{"module": "a", "metric": "x", "at": 1.5, "value": 1}]}"#);
        assert!(problem.contains("`at` 1.5"), "{problem}");
        let (_, problem) =
            invalid(r#"{"samples": [{"module": " ", "metric": "x", "at": 1, "value": 1}]}"#);
        assert!(problem.contains("`module` is empty"), "{problem}");
    }

    #[test]
    fn every_declared_budget_is_reported_with_its_status() {
        let declared: BTreeMap<String, BTreeMap<String, f64>> = [
            (
                "api".to_owned(),
                [("p99_ms".to_owned(), 250.0), ("cpu".to_owned(), 0.5)].into(),
            ),
            ("lib".to_owned(), BTreeMap::new()),
        ]
        .into();
        let rising: Vec<Sample> = (0..100)
            .map(|h| Sample {
                at: 1_000_000 + h * 3_600,
                value: 200.0 + f64::from(i32::try_from(h).unwrap()) * 0.5,
            })
            .collect();
        let samples = [(("api".to_owned(), "p99_ms".to_owned()), rising)].into();
        let doc = evaluate(
            &declared,
            &samples,
            DEFAULT_HORIZON_DAYS,
            DEFAULT_WINDOW_DAYS,
        );
        let narrow = evaluate(&declared, &samples, DEFAULT_HORIZON_DAYS, 1.0);
        assert_eq!(narrow.modules[0].budgets[1].samples, 25);
        assert_eq!(doc.modules.len(), 1, "modules without budgets are left out");
        let api = &doc.modules[0];
        assert_eq!(api.budgets[0].metric, "cpu");
        assert_eq!(api.budgets[0].status, BudgetStatus::NoData);
        let p99 = &api.budgets[1];
        assert_eq!(p99.status, BudgetStatus::AtRisk);
        assert!((p99.trend_per_day.unwrap() - 12.0).abs() < 1e-6);
        assert!((p99.current.unwrap() - 249.5).abs() < 1e-6);
        let breach = p99.breach.unwrap();
        assert!((breach.in_days - 0.5 / 12.0).abs() < 1e-6, "{breach:?}");
        assert_eq!(breach.at, 1_000_000 + 99 * 3_600 + 3_600);
        assert_eq!(p99.series.len(), SERIES_POINTS);
        assert_eq!(p99.series.last().unwrap().at, 1_000_000 + 99 * 3_600);
        assert_eq!(
            doc.summary,
            BudgetsSummary {
                budgets: 2,
                ok: 0,
                at_risk: 1,
                breached: 0,
                no_data: 1
            }
        );
        let json = serde_json::to_value(&doc).unwrap();
        assert_eq!(json["modules"][0]["budgets"][1]["status"], "at-risk");
        assert_eq!(json["modules"][0]["budgets"][0]["status"], "no-data");
    }
}
