//! Analyses on the module graph and the definitions: deployment waves, the reach of a change,
//! clones, coverage reports, health scores. Pure functions over dense indices; the project maps them to modules and files.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod clones;
mod coverage;
mod forecast;
mod layering;

pub use clones::{ClonePair, MAX_GROUP_PAIRS, Trigrams, Unit, clone_pairs, similarity};
pub use coverage::{
    CoverageError, CoverageFormat, FileCoverage, detect as detect_coverage,
    parse as parse_coverage, parse_cobertura, parse_lcov,
};
pub use forecast::{
    Breach, Forecast, MAX_FIT_POINTS, MIN_SAMPLES, MIN_SPAN_SECONDS, SECONDS_PER_DAY, Sample,
    Status as BudgetState, Trend, fit as fit_trend, forecast as forecast_budget,
};
pub use layering::{Waves, waves};
