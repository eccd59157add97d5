//! Forecast accuracy on synthetic series with a known breach date: a linear rise, Gaussian
//! noise, positive spikes and missing samples, from a seeded generator.
//!
//! `cargo test -p strata_analysis --test forecast -- --ignored --nocapture` prints the
//! accuracy table (README, "Runtime budgets").
#![allow(
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss
)]

use strata_analysis::{
    BudgetState as Status, SECONDS_PER_DAY, Sample, forecast_budget as forecast,
};

/// splitmix64: small, seeded, the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn between(&mut self, a: f64, b: f64) -> f64 {
        a + (b - a) * self.unit()
    }

    /// Standard normal (Box–Muller).
    fn normal(&mut self) -> f64 {
        let u = self.unit().max(f64::MIN_POSITIVE);
        let v = self.unit();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

/// A series whose true trend crosses `limit` `true_days` after its last sample.
struct Scenario {
    samples: Vec<Sample>,
    limit: f64,
    true_days: f64,
}

const LIMIT: f64 = 250.0;
const WINDOW_DAYS: i64 = 14;
const START: i64 = 1_760_000_000;

/// Hourly samples over 14 days of `baseline + slope·t`, noise with a standard deviation of
/// `noise` times the baseline, a fraction `spikes` of samples multiplied by 1.5 to 3, and 5 %
/// of samples missing.
fn scenario(seed: u64, noise: f64, spikes: f64) -> Scenario {
    let mut rng = Rng(seed);
    let baseline = rng.between(80.0, 120.0);
    let breach_after = rng.between(3.0, 60.0);
    let slope = (LIMIT - baseline) / (WINDOW_DAYS as f64 + breach_after);
    let mut samples = Vec::new();
    for hour in 0..=WINDOW_DAYS * 24 {
        if rng.unit() < 0.05 {
            continue;
        }
        let t = hour as f64 / 24.0;
        let mut value = baseline + slope * t + noise * baseline * rng.normal();
        if rng.unit() < spikes {
            value *= rng.between(1.5, 3.0);
        }
        samples.push(Sample {
            at: START + hour * 3_600,
            value,
        });
    }
    let last = samples.last().map_or(0, |s| s.at);
    let crossing = (LIMIT - baseline) / slope;
    Scenario {
        true_days: crossing - (last - START) as f64 / SECONDS_PER_DAY,
        samples,
        limit: LIMIT,
    }
}

/// Over `seeds` scenarios: the median and 90th percentile of the absolute error of the breach
/// forecast in days, the share of true dates inside the interval, and the share whose
/// `at-risk` status (30-day horizon) is right.
struct Accuracy {
    median: f64,
    p90: f64,
    coverage: f64,
    status_right: f64,
}

fn accuracy(seeds: std::ops::Range<u64>, noise: f64, spikes: f64) -> Accuracy {
    let mut errors = Vec::new();
    let (mut covered, mut right, mut total) = (0, 0, 0);
    for seed in seeds {
        let s = scenario(seed, noise, spikes);
        let f = forecast(&s.samples, s.limit, 30.0);
        total += 1;
        let expected = if s.true_days <= 30.0 {
            Status::AtRisk
        } else {
            Status::Ok
        };
        right += usize::from(f.status == expected);
        match f.breach {
            Some(b) => {
                errors.push((b.days - s.true_days).abs());
                covered += usize::from(
                    b.earliest <= s.true_days && b.latest.is_none_or(|l| s.true_days <= l),
                );
            }
            None => errors.push(f64::INFINITY),
        }
    }
    errors.sort_by(f64::total_cmp);
    let at = |q: f64| errors[((errors.len() - 1) as f64 * q).round() as usize];
    Accuracy {
        median: at(0.5),
        p90: at(0.9),
        coverage: covered as f64 / f64::from(total),
        status_right: right as f64 / f64::from(total),
    }
}

#[test]
fn the_forecast_finds_a_known_breach_date() {
    // A clean rise: within an hour or so, and the interval holds the truth.
    let s = scenario(7, 0.0, 0.0);
    let b = forecast(&s.samples, s.limit, 30.0).breach.unwrap();
    assert!(
        (b.days - s.true_days).abs() < 0.05,
        "{b:?} vs {}",
        s.true_days
    );
    // With noise and spikes, a 95 % interval should hold the true date for about 19 seeds in
    // 20 (the table in the README measures it over 500; runs of 20 seeds range from 15 to 20),
    // and the point forecast stays close.
    let mut covered = 0;
    for seed in 1..=100 {
        let s = scenario(seed, 0.05, 0.03);
        let f = forecast(&s.samples, s.limit, 30.0);
        let b = f.breach.unwrap();
        covered +=
            usize::from(b.earliest <= s.true_days && b.latest.is_none_or(|l| s.true_days <= l));
        assert!(
            (b.days - s.true_days).abs() < 0.15 * s.true_days + 1.0,
            "seed {seed}: {b:?} vs {}",
            s.true_days
        );
    }
    assert!(covered >= 85, "{covered} of 100");
}

#[test]
fn accuracy_holds_over_many_seeds() {
    let a = accuracy(0..200, 0.05, 0.03);
    assert!(a.median < 2.0, "median error {} days", a.median);
    assert!(a.coverage >= 0.85, "coverage {}", a.coverage);
    assert!(a.status_right >= 0.9, "status {}", a.status_right);
    // Spikes barely matter to a median-based fit.
    let with = accuracy(0..200, 0.05, 0.10);
    assert!(
        with.median < 2.0 * a.median.max(0.5),
        "{} vs {}",
        with.median,
        a.median
    );
}

#[test]
#[ignore = "prints the accuracy table for the documentation"]
#[allow(clippy::print_stdout)]
fn accuracy_table() {
    println!(
        "| noise (σ / baseline) | spikes | median abs. error (days) | p90 abs. error (days) | interval coverage | status right |"
    );
    println!("|---|---|---|---|---|---|");
    for noise in [0.02, 0.05, 0.10] {
        for spikes in [0.0, 0.03, 0.10] {
            let a = accuracy(0..500, noise, spikes);
            println!(
                "| {:.0} % | {:.0} % | {:.2} | {:.2} | {:.1} % | {:.1} % |",
                noise * 100.0,
                spikes * 100.0,
                a.median,
                a.p90,
                a.coverage * 100.0,
                a.status_right * 100.0
            );
        }
    }
}
