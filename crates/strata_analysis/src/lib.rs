//! Analyses on the module graph: deployment waves and the reach of a change. Pure functions
//! over dense indices; the project maps them to modules and files.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod layering;

pub use layering::{Waves, waves};
