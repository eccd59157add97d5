//! Runtime budgets: a robust linear trend of a metric's samples and the time until it crosses
//! its budget (a ceiling), with an interval.
//!
//! # Method
//!
//! - **Trend**: the Theil–Sen estimator. The slope is the median of the slopes between every
//!   pair of samples at different times; the intercept is the median of `y − slope·t`. Up to
//!   half the pairs may be wild (spikes, a deploy's bad hour) without moving the line much,
//!   unlike least squares. Pairs are all computed (O(n²)) up to [`MAX_FIT_POINTS`] samples;
//!   longer series are thinned first to that many evenly spaced samples (by position, so the
//!   same series always gives the same fit).
//! - **Uncertainty of the slope**: the rank-based 95 % interval of Sen (1968), as in Hollander
//!   & Wolfe: with `N` pairwise slopes sorted ascending and `C = z·√Var(S)` (`z = 1.96`,
//!   `Var(S)` Kendall's variance of the S statistic with the tie corrections for equal times
//!   and equal values, `[n(n−1)(2n+5) − Σ g(g−1)(2g+5)] / 18` over both kinds of tie groups),
//!   the bounds are the slopes of rank `(N − C)/2` and `(N + C)/2 + 1`. It assumes the
//!   residuals are independent; strongly autocorrelated series get intervals that are too
//!   narrow.
//! - **Current level**: the fitted line at the last sample's time (not the last sample, which
//!   may be a spike).
//! - **Time to breach**: `(limit − level) / slope` when the slope is positive. Its interval
//!   comes from the lines with the slope's two bounds, each through the data (its intercept
//!   again the median of `y − b·t`), so a steeper line that passes lower is not counted as
//!   earlier than it is. A lower slope bound at or below zero means the metric may never reach
//!   the limit: the interval is unbounded above.
//! - **Status**: `no-data` with fewer than [`MIN_SAMPLES`] samples or a span under
//!   [`MIN_SPAN_SECONDS`]; `breached` when the current level is over the limit; `at-risk` when
//!   the forecast breach is within the horizon; `ok` otherwise (a flat or falling trend never
//!   breaches).

/// Seconds in a day: slopes are reported per day.
pub const SECONDS_PER_DAY: f64 = 86_400.0;

/// The fewest samples a trend is fitted on.
pub const MIN_SAMPLES: usize = 6;

/// The shortest span, first to last sample, a trend is fitted on: one day.
pub const MIN_SPAN_SECONDS: i64 = 86_400;

/// Series longer than this are thinned to this many evenly spaced samples before fitting.
pub const MAX_FIT_POINTS: usize = 2_000;

/// The two-sided 95 % quantile of the standard normal distribution.
const Z_95: f64 = 1.959_963_984_540_054;

/// One observation of a metric.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sample {
    /// Seconds since the epoch.
    pub at: i64,
    pub value: f64,
}

/// A fitted trend.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Trend {
    /// Change per day (the Theil–Sen slope).
    pub slope: f64,
    /// The slope's 95 % interval, per day.
    pub slope_low: f64,
    pub slope_high: f64,
    /// The fitted line at the last sample's time.
    pub level: f64,
    /// The level of the line with slope `slope_low` (resp. `slope_high`) through the data.
    pub level_at_low: f64,
    pub level_at_high: f64,
    /// The last sample's time, seconds since the epoch.
    pub last_at: i64,
    /// Samples the fit used (after dropping non-finite values and thinning).
    pub samples: usize,
    /// Days from the first to the last sample.
    pub span_days: f64,
}

/// Where a budget stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    Ok,
    AtRisk,
    Breached,
    NoData,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::AtRisk => "at-risk",
            Status::Breached => "breached",
            Status::NoData => "no-data",
        }
    }
}

/// When the trend reaches the limit, in days after the last sample.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Breach {
    /// The point forecast.
    pub days: f64,
    /// The interval's bounds; `latest` is `None` when the metric may never reach the limit
    /// (the slope's lower bound is not positive).
    pub earliest: f64,
    pub latest: Option<f64>,
}

/// A budget's status, trend and time to breach.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Forecast {
    pub status: Status,
    /// `None` with too few samples (`no-data`).
    pub trend: Option<Trend>,
    /// `Some` when the trend rises and is not over the limit yet.
    pub breach: Option<Breach>,
}

/// Fit the Theil–Sen trend of `samples` (in any order; non-finite values are left out).
/// `None` when fewer than two distinct times remain.
pub fn fit(samples: &[Sample]) -> Option<Trend> {
    let mut points: Vec<Sample> = samples
        .iter()
        .copied()
        .filter(|s| s.value.is_finite())
        .collect();
    points.sort_by(|a, b| a.at.cmp(&b.at).then(a.value.total_cmp(&b.value)));
    if points.len() > MAX_FIT_POINTS {
        let n = points.len();
        points = (0..MAX_FIT_POINTS)
            .map(|i| points[i * (n - 1) / (MAX_FIT_POINTS - 1)])
            .collect();
    }
    let first = points.first()?.at;
    let last = points.last()?.at;
    if first == last {
        return None;
    }
    let t: Vec<f64> = points.iter().map(|s| days(s.at - first)).collect();
    let y: Vec<f64> = points.iter().map(|s| s.value).collect();
    let n = points.len();
    let mut slopes = Vec::with_capacity(n * (n - 1) / 2);
    for i in 0..n {
        for j in i + 1..n {
            if t[j] > t[i] {
                slopes.push((y[j] - y[i]) / (t[j] - t[i]));
            }
        }
    }
    slopes.sort_by(f64::total_cmp);
    let slope = median_sorted(&slopes)?;
    let (low, high) = slope_interval(&slopes, &t, &y);
    let t_last = days(last - first);
    let level_of = |b: f64| {
        let mut residuals: Vec<f64> = t.iter().zip(&y).map(|(t, y)| y - b * t).collect();
        residuals.sort_by(f64::total_cmp);
        median_sorted(&residuals).unwrap_or(0.0) + b * t_last
    };
    Some(Trend {
        slope,
        slope_low: low,
        slope_high: high,
        level: level_of(slope),
        level_at_low: level_of(low),
        level_at_high: level_of(high),
        last_at: last,
        samples: n,
        span_days: t_last,
    })
}

/// The status and time to breach of a budget of `limit` (a ceiling) given `samples`; a breach
/// forecast within `horizon_days` makes it `at-risk`.
pub fn forecast(samples: &[Sample], limit: f64, horizon_days: f64) -> Forecast {
    let finite: Vec<Sample> = samples
        .iter()
        .copied()
        .filter(|s| s.value.is_finite())
        .collect();
    let span = match (
        finite.iter().map(|s| s.at).min(),
        finite.iter().map(|s| s.at).max(),
    ) {
        (Some(a), Some(b)) => b - a,
        _ => 0,
    };
    let no_data = Forecast {
        status: Status::NoData,
        trend: None,
        breach: None,
    };
    if finite.len() < MIN_SAMPLES || span < MIN_SPAN_SECONDS {
        return no_data;
    }
    let Some(trend) = fit(&finite) else {
        return no_data;
    };
    if trend.level > limit {
        return Forecast {
            status: Status::Breached,
            trend: Some(trend),
            breach: None,
        };
    }
    if trend.slope <= 0.0 {
        return Forecast {
            status: Status::Ok,
            trend: Some(trend),
            breach: None,
        };
    }
    let days = (limit - trend.level) / trend.slope;
    // A bound's line may already be over the limit (breach now) or never reach it.
    let at_bound = |b: f64, level: f64| (b > 0.0).then(|| ((limit - level) / b).max(0.0));
    let candidates = [
        Some(days),
        at_bound(trend.slope_low, trend.level_at_low),
        at_bound(trend.slope_high, trend.level_at_high),
    ];
    let earliest = candidates.iter().flatten().copied().fold(days, f64::min);
    let latest = if trend.slope_low > 0.0 {
        Some(candidates.iter().flatten().copied().fold(days, f64::max))
    } else {
        None
    };
    Forecast {
        status: if days <= horizon_days {
            Status::AtRisk
        } else {
            Status::Ok
        },
        trend: Some(trend),
        breach: Some(Breach {
            days,
            earliest,
            latest,
        }),
    }
}

/// The rank-based 95 % interval of the Theil–Sen slope (Sen 1968): `slopes` sorted ascending,
/// `times` and `values` the points they come from.
#[allow(clippy::cast_precision_loss)] // counts far below 2^53
fn slope_interval(slopes: &[f64], times: &[f64], values: &[f64]) -> (f64, f64) {
    let points = times.len() as f64;
    let tie_term = |column: &[f64]| -> f64 {
        let mut sorted = column.to_vec();
        sorted.sort_by(f64::total_cmp);
        sorted
            .chunk_by(|a, b| a.total_cmp(b).is_eq())
            .map(|group| group.len() as f64)
            .filter(|&size| size > 1.0)
            .map(|size| size * (size - 1.0) * (2.0 * size + 5.0))
            .sum()
    };
    let variance =
        ((points * (points - 1.0) * (2.0 * points + 5.0) - tie_term(times) - tie_term(values))
            / 18.0)
            .max(0.0);
    let half_width = Z_95 * variance.sqrt();
    let count = slopes.len() as f64;
    let last = slopes.len().saturating_sub(1);
    // Ranks are 1-based: the lower bound is the slope of rank (N − C)/2, the upper the one of
    // rank (N + C)/2 + 1, so index (N − C)/2 − 1 and (N + C)/2 once rounded.
    let index = |rank: f64| -> usize {
        let rank = rank.round().clamp(0.0, last as f64);
        // In 0..=last after the clamp.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let position = rank as usize;
        position
    };
    let low = slopes[index((count - half_width) / 2.0 - 1.0)];
    let high = slopes[index(f64::midpoint(count, half_width))];
    (low, high)
}

fn median_sorted(values: &[f64]) -> Option<f64> {
    let n = values.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(values[n / 2]),
        _ => Some(f64::midpoint(values[n / 2 - 1], values[n / 2])),
    }
}

/// Seconds as days.
#[allow(clippy::cast_precision_loss)] // exact below 2^53 seconds
fn days(seconds: i64) -> f64 {
    seconds as f64 / SECONDS_PER_DAY
}

#[cfg(test)]
#[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
mod tests {
    use super::*;

    fn series(values: &[(f64, f64)]) -> Vec<Sample> {
        values
            .iter()
            .map(|&(d, v)| Sample {
                at: 1_700_000_000 + (d * SECONDS_PER_DAY) as i64,
                value: v,
            })
            .collect()
    }

    #[test]
    fn a_straight_line_is_fitted_exactly() {
        let s = series(
            &(0..=20)
                .map(|i| (f64::from(i), 100.0 + 2.0 * f64::from(i)))
                .collect::<Vec<_>>(),
        );
        let t = fit(&s).unwrap();
        assert!((t.slope - 2.0).abs() < 1e-9, "{t:?}");
        assert!((t.level - 140.0).abs() < 1e-9, "{t:?}");
        assert!((t.span_days - 20.0).abs() < 1e-9);
        let f = forecast(&s, 160.0, 30.0);
        assert_eq!(f.status, Status::AtRisk);
        let b = f.breach.unwrap();
        assert!((b.days - 10.0).abs() < 1e-9, "{b:?}");
        assert!(b.earliest <= b.days && b.latest.unwrap() >= b.days);
        assert_eq!(forecast(&s, 1_000.0, 30.0).status, Status::Ok);
        assert_eq!(forecast(&s, 120.0, 30.0).status, Status::Breached);
    }

    #[test]
    fn spikes_do_not_move_the_trend() {
        // Flat at 100, every fifth sample a spike to 900.
        let s = series(
            &(0..50)
                .map(|i| (f64::from(i) / 4.0, if i % 5 == 0 { 900.0 } else { 100.0 }))
                .collect::<Vec<_>>(),
        );
        let f = forecast(&s, 200.0, 30.0);
        let t = f.trend.unwrap();
        assert!(t.slope.abs() < 1e-9, "{t:?}");
        assert!((t.level - 100.0).abs() < 1e-9, "{t:?}");
        assert_eq!(f.status, Status::Ok);
        assert!(f.breach.is_none());
    }

    #[test]
    fn too_few_or_too_short_is_no_data() {
        let few = series(&[(0.0, 1.0), (1.0, 2.0), (2.0, 3.0)]);
        assert_eq!(forecast(&few, 10.0, 30.0).status, Status::NoData);
        let short = series(
            &(0..10)
                .map(|i| (f64::from(i) / 100.0, 1.0))
                .collect::<Vec<_>>(),
        );
        assert_eq!(forecast(&short, 10.0, 30.0).status, Status::NoData);
        let nan = series(
            &(0..10)
                .map(|i| (f64::from(i), f64::NAN))
                .collect::<Vec<_>>(),
        );
        assert_eq!(forecast(&nan, 10.0, 30.0).status, Status::NoData);
        assert!(fit(&[]).is_none());
    }

    #[test]
    fn a_falling_trend_never_breaches() {
        let s = series(
            &(0..10)
                .map(|i| (f64::from(i), 50.0 - f64::from(i)))
                .collect::<Vec<_>>(),
        );
        let f = forecast(&s, 100.0, 30.0);
        assert_eq!(f.status, Status::Ok);
        assert!(f.breach.is_none());
        assert!(f.trend.unwrap().slope < 0.0);
    }

    #[test]
    fn an_uncertain_rise_may_never_breach() {
        // Mostly noise around a small rise: the slope's lower bound is below zero.
        let values = [100.0, 130.0, 95.0, 120.0, 90.0, 125.0, 105.0, 131.0];
        let s = series(
            &values
                .iter()
                .enumerate()
                .map(|(i, &v)| (i as f64, v))
                .collect::<Vec<_>>(),
        );
        let f = forecast(&s, 200.0, 30.0);
        let t = f.trend.unwrap();
        assert!(t.slope_low <= 0.0 && t.slope_high > 0.0, "{t:?}");
        let b = f.breach.unwrap();
        assert_eq!(b.latest, None);
        assert!(b.earliest < b.days);
    }

    #[test]
    fn ties_in_time_are_skipped_and_long_series_are_thinned() {
        let mut s = series(
            &(0..10)
                .map(|i| (f64::from(i), f64::from(i)))
                .collect::<Vec<_>>(),
        );
        s.extend(series(&[(3.0, 7.0), (3.0, -1.0)]));
        assert!((fit(&s).unwrap().slope - 1.0).abs() < 0.2);
        let long: Vec<Sample> = (0..5_000)
            .map(|i| Sample {
                at: i * 60,
                value: f64::from(i32::try_from(i).unwrap()) * 0.5,
            })
            .collect();
        let t = fit(&long).unwrap();
        assert_eq!(t.samples, MAX_FIT_POINTS);
        assert!((t.slope - 0.5 * 1_440.0).abs() < 1e-6, "{t:?}");
        assert_eq!(t.last_at, 4_999 * 60);
    }
}
