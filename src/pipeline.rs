//! Runs the stages: load → model → outputs → write.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::diag::{Diagnostic, Diagnostics, Pos};
use crate::load;
use crate::model::{self, Config, Guidebook};
use crate::outputs::site::{theme::Theme, Site};
use crate::outputs::Renderer;
use crate::write::Staging;

pub struct Report {
    pub diagnostics: Diagnostics,
    /// Records in the model (absent when the config itself is broken).
    pub records: usize,
    pub files: u64,
    pub bytes: u64,
    pub elapsed: Duration,
}

impl Report {
    pub fn ok(&self) -> bool {
        !self.diagnostics.has_errors()
    }
}

/// Loads and validates the guidebook at `root`.
pub fn check(root: &Path) -> (Option<Guidebook>, Diagnostics) {
    let mut diags = Diagnostics::default();
    let config = match load::config::load(root) {
        Ok((raw, src)) => match Config::validate(raw, &src) {
            Ok(c) => Some(c),
            Err(ds) => {
                diags.extend(ds);
                None
            }
        },
        Err(d) => {
            diags.push(d);
            None
        }
    };
    let content = load::load_content(root);
    let book = match config {
        Some(config) => {
            let (book, ds) = model::build(root, config, content);
            diags.extend(ds);
            Some(book)
        }
        None => {
            // Without vocabularies records cannot be validated; still report
            // every file that does not even parse.
            diags.extend(content.diagnostics);
            None
        }
    };
    diags.resolve(root);
    (book, diags)
}

pub fn run_check(root: &Path) -> Report {
    let start = Instant::now();
    let (book, diagnostics) = check(root);
    Report {
        records: book.as_ref().map_or(0, Guidebook::record_count),
        diagnostics,
        files: 0,
        bytes: 0,
        elapsed: start.elapsed(),
    }
}

/// Checks, then writes every output to `out`, replacing it only on success.
pub fn build(root: &Path, out: &Path) -> Report {
    let start = Instant::now();
    let (book, mut diagnostics) = check(root);
    let report = |diagnostics, records, files, bytes| Report {
        diagnostics,
        records,
        files,
        bytes,
        elapsed: start.elapsed(),
    };
    let book = match book {
        Some(b) if !diagnostics.has_errors() => b,
        _ => return report(diagnostics, 0, 0, 0),
    };
    let records = book.record_count();
    let renderers: Vec<Box<dyn Renderer>> = match Theme::load(root, &book.config.theme) {
        Ok(theme) => vec![Box::new(Site::new(theme))],
        Err(d) => {
            diagnostics.push(d);
            diagnostics.resolve(root);
            return report(diagnostics, records, 0, 0);
        }
    };
    let staging = match Staging::new(out) {
        Ok(s) => s,
        Err(e) => {
            diagnostics.push(
                Diagnostic::error(
                    out,
                    Pos::File,
                    format!("cannot prepare the output directory: {e}"),
                )
                .with_hint("pass another directory with --out"),
            );
            return report(diagnostics, records, 0, 0);
        }
    };
    for r in &renderers {
        if let Err(ds) = r.render(&book, &staging) {
            diagnostics.extend(ds);
        }
    }
    diagnostics.resolve(root);
    if diagnostics.has_errors() {
        staging.abort();
        return report(diagnostics, records, 0, 0);
    }
    let (files, bytes) = (staging.files(), staging.bytes());
    if let Err(e) = staging.commit() {
        diagnostics.push(Diagnostic::error(
            out,
            Pos::File,
            format!("cannot replace the output directory: {e}"),
        ));
    }
    report(diagnostics, records, files, bytes)
}

/// The default output directory of a guidebook.
pub fn default_out(root: &Path) -> PathBuf {
    root.join("public")
}
