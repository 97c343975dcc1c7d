//! carebook: a guidebook's records → a static website.
//!
//! One pipeline, one folder per stage:
//! [`load`] (read and parse files) → [`model`] (typed, validated,
//! cross-linked records) → [`outputs`] (site, …; each reads only the model)
//! → [`write`] (staged, swapped in atomically). [`pipeline`] runs them; the
//! CLI in `main.rs` only parses arguments and prints.

pub mod diag;
pub mod import;
pub mod kinds;
pub mod load;
pub mod model;
pub mod outputs;
pub mod pipeline;
pub mod progress;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod write;
