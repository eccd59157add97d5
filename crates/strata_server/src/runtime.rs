//! The HTTP clients of runtime budgets: range queries against a Prometheus-compatible HTTP API
//! (`strata metrics pull`), and the registry's metrics and budgets endpoints (`strata metrics
//! push --server`, `strata budgets --server`).

use std::time::Duration;

use strata_project::BudgetsDoc;

/// Why a range query failed.
#[derive(Debug, thiserror::Error)]
pub enum PrometheusError {
    #[error("failed to reach the Prometheus HTTP API at `{url}`: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("Prometheus refused the query `{query}` ({error_type}): {error}")]
    Refused {
        query: String,
        error_type: String,
        error: String,
    },
    #[error("`{url}` answered HTTP {status}, not a Prometheus API answer: {body}")]
    Http {
        url: String,
        status: u16,
        body: String,
    },
    #[error("`{url}` answered something that is not a Prometheus range-query result: {reason}")]
    Malformed { url: String, reason: String },
    #[error(
        "the query `{query}` returned {count} series ({labels}, …): a budget reads one value per time"
    )]
    SeveralSeries {
        query: String,
        count: usize,
        labels: String,
    },
}

/// One range query: `GET {base}/api/v1/query_range?query=…&start=…&end=…&step=…`.
#[derive(Clone, Debug)]
pub struct RangeQuery<'a> {
    /// The API's base URL (`[metrics] prometheus`).
    pub base: &'a str,
    pub query: &'a str,
    /// Seconds since the epoch.
    pub start: i64,
    pub end: i64,
    /// Seconds.
    pub step: u64,
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_connect(Some(Duration::from_secs(10)))
        .timeout_global(Some(Duration::from_secs(120)))
        .build()
        .into()
}

/// Run a range query; the samples of its one series, oldest first, without the non-finite
/// values (`NaN`, `±Inf`). No series is no samples; several are an error.
pub fn query_range(q: &RangeQuery<'_>) -> Result<Vec<(i64, f64)>, PrometheusError> {
    let url = format!("{}/api/v1/query_range", q.base.trim_end_matches('/'));
    let response = agent()
        .get(&url)
        .query("query", q.query)
        .query("start", q.start.to_string())
        .query("end", q.end.to_string())
        .query("step", q.step.to_string())
        .header("User-Agent", concat!("strata/", env!("CARGO_PKG_VERSION")))
        .call();
    let mut response = response.map_err(|e| PrometheusError::Unreachable {
        url: url.clone(),
        reason: e.to_string(),
    })?;
    let status = response.status().as_u16();
    let text = response
        .body_mut()
        .with_config()
        .limit(256 << 20)
        .read_to_string()
        .map_err(|e| PrometheusError::Unreachable {
            url: url.clone(),
            reason: e.to_string(),
        })?;
    let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) else {
        let body: String = text.trim().chars().take(300).collect();
        return Err(if status == 200 {
            PrometheusError::Malformed {
                url,
                reason: format!("not JSON: {body}"),
            }
        } else {
            PrometheusError::Http { url, status, body }
        });
    };
    if v["status"] == "error" {
        return Err(PrometheusError::Refused {
            query: q.query.to_owned(),
            error_type: v["errorType"].as_str().unwrap_or("error").to_owned(),
            error: v["error"].as_str().unwrap_or_default().to_owned(),
        });
    }
    let malformed = |reason: &str| PrometheusError::Malformed {
        url: url.clone(),
        reason: reason.to_owned(),
    };
    if v["status"] != "success" {
        return Err(malformed("its `status` is neither `success` nor `error`"));
    }
    if v["data"]["resultType"] != "matrix" {
        return Err(malformed("its `data.resultType` is not `matrix`"));
    }
    let series = v["data"]["result"]
        .as_array()
        .ok_or_else(|| malformed("`data.result` is not a list"))?;
    if series.len() > 1 {
        let labels: Vec<String> = series
            .iter()
            .take(2)
            .map(|s| s["metric"].to_string())
            .collect();
        return Err(PrometheusError::SeveralSeries {
            query: q.query.to_owned(),
            count: series.len(),
            labels: labels.join(", "),
        });
    }
    let Some(one) = series.first() else {
        return Ok(Vec::new());
    };
    let values = one["values"]
        .as_array()
        .ok_or_else(|| malformed("a series has no `values` list"))?;
    let mut out = Vec::with_capacity(values.len());
    for pair in values {
        let (Some(at), Some(value)) = (pair[0].as_f64(), pair[1].as_str()) else {
            return Err(malformed("a value is not `[time, \"number\"]`"));
        };
        let value: f64 = value
            .parse()
            .map_err(|_| malformed(&format!("the value `{value}` is not a number")))?;
        if value.is_finite() && at.is_finite() {
            // Prometheus times are seconds with milliseconds; budgets keep whole seconds.
            #[allow(clippy::cast_possible_truncation)]
            out.push((at.round() as i64, value));
        }
    }
    Ok(out)
}

/// Why a call to the registry failed.
#[derive(Debug, thiserror::Error)]
pub enum RegistryCallError {
    #[error("`{0}` is not a server URL: give `http://host:port` or `https://host`")]
    Url(String),
    #[error("failed to reach the registry at `{url}`: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("the registry refused ({status} {title}): {detail}")]
    Refused {
        status: u16,
        title: String,
        detail: String,
    },
    #[error("the registry's answer to `{url}` is not what this strata expects: {reason}")]
    Malformed { url: String, reason: String },
}

/// A registry server and project to call.
#[derive(Clone, Debug)]
pub struct RegistryTarget {
    pub server: String,
    pub project: String,
    /// Sent as `Authorization: Bearer …`.
    pub token: Option<String>,
}

impl RegistryTarget {
    fn url(&self, tail: &str) -> Result<String, RegistryCallError> {
        let base = self.server.trim_end_matches('/');
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(RegistryCallError::Url(self.server.clone()));
        }
        if !crate::valid_project_name(&self.project) {
            return Err(RegistryCallError::Refused {
                status: 400,
                title: "Bad request".into(),
                detail: format!(
                    "`{}` is not a project name: use 1 to 100 letters, digits, `.`, `_` or `-`",
                    self.project
                ),
            });
        }
        Ok(format!("{base}/api/v1/projects/{}/{tail}", self.project))
    }

    /// The answer's JSON when it is a success, else the problem it carries.
    fn answer(
        url: &str,
        sent: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    ) -> Result<serde_json::Value, RegistryCallError> {
        let mut response = sent.map_err(|e| RegistryCallError::Unreachable {
            url: url.to_owned(),
            reason: e.to_string(),
        })?;
        let status = response.status().as_u16();
        let text = response
            .body_mut()
            .with_config()
            .limit(64 << 20)
            .read_to_string()
            .unwrap_or_default();
        if (200..300).contains(&status) {
            return serde_json::from_str(&text).map_err(|e| RegistryCallError::Malformed {
                url: url.to_owned(),
                reason: e.to_string(),
            });
        }
        let (title, detail) = crate::push::problem_of(&text);
        Err(RegistryCallError::Refused {
            status,
            title,
            detail,
        })
    }

    /// `POST …/metrics` with a samples document; how many samples the server stored.
    pub fn push_metrics(&self, body: &[u8]) -> Result<u64, RegistryCallError> {
        let url = self.url("metrics")?;
        let mut request = agent()
            .post(&url)
            .header("Content-Type", "application/json")
            .header("User-Agent", concat!("strata/", env!("CARGO_PKG_VERSION")));
        if let Some(token) = &self.token {
            request = request.header("Authorization", &format!("Bearer {token}"));
        }
        let v = Self::answer(&url, request.send(body))?;
        v["stored"]
            .as_u64()
            .ok_or_else(|| RegistryCallError::Malformed {
                url,
                reason: "no `stored` count".into(),
            })
    }

    /// `GET …/budgets?horizon=…&window=…`.
    pub fn budgets(
        &self,
        horizon_days: f64,
        window_days: f64,
    ) -> Result<BudgetsDoc, RegistryCallError> {
        let url = self.url("budgets")?;
        let mut request = agent()
            .get(&url)
            .query("horizon", horizon_days.to_string())
            .query("window", window_days.to_string())
            .header("User-Agent", concat!("strata/", env!("CARGO_PKG_VERSION")));
        if let Some(token) = &self.token {
            request = request.header("Authorization", &format!("Bearer {token}"));
        }
        let v = Self::answer(&url, request.call())?;
        serde_json::from_value(v).map_err(|e| RegistryCallError::Malformed {
            url,
            reason: e.to_string(),
        })
    }
}
