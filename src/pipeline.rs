//! Runs the stages: load → model → outputs → write.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::diag::{Diagnostic, Diagnostics, Pos};
use crate::load;
use crate::model::{Config, Guidebook, Model};
use crate::outputs::{BuildContext, Problems};
use crate::write::Staging;

pub struct Report {
    pub diagnostics: Diagnostics,
    /// Records in the model (absent when the config itself is broken).
    pub records: usize,
    pub files: u64,
    pub bytes: u64,
    pub elapsed: Duration,
    /// Time spent in each stage, in order (`build --timings` prints them).
    pub timings: Vec<(&'static str, Duration)>,
}

impl Report {
    pub fn ok(&self) -> bool {
        !self.diagnostics.has_errors()
    }
}

/// The guidebook's validated settings, or the problems with them.
pub fn load_config(root: &Path) -> Result<Config, Vec<Diagnostic>> {
    let (raw, src) = load::config::load(root)?;
    Config::validate(raw, &src)
}

/// Loads and validates the guidebook at `root` into a model that can be
/// kept up to date; the problems of the settings or of every record.
pub fn load_model(root: &Path) -> (Option<Model>, Vec<Diagnostic>) {
    match load_config(root) {
        Ok(config) => {
            let model = Model::load(root, config);
            let diags = model.diagnostics();
            (Some(model), diags)
        }
        Err(mut diags) => {
            // Without vocabularies records cannot be validated; still report
            // every file that does not even parse.
            diags.extend(load::load_content(root).diagnostics);
            (None, diags)
        }
    }
}

/// Loads and validates the guidebook at `root`.
pub fn check(root: &Path) -> (Option<Guidebook>, Diagnostics) {
    let (model, ds) = load_model(root);
    let mut diags = Diagnostics::default();
    diags.extend(ds);
    diags.resolve(root, load::locator());
    (model.map(|m| m.book), diags)
}

pub fn run_check(root: &Path) -> Report {
    let start = Instant::now();
    let (book, mut diagnostics) = check(root);
    let index = book
        .as_ref()
        .map_or_else(|| configured_index_dir(root), |b| search_index_dir(root, b));
    diagnostics.extend(recover_outputs(&[default_out(root), index]));
    diagnostics.resolve(root, load::locator());
    Report {
        records: book.as_ref().map_or(0, Guidebook::record_count),
        diagnostics,
        files: 0,
        bytes: 0,
        elapsed: start.elapsed(),
        timings: Vec::new(),
    }
}

/// Checks, then writes every output to `out`, replacing it only on success.
/// `index` overrides the guidebook's `search_index` directory.
pub fn build(root: &Path, out: &Path, index: Option<&Path>) -> Report {
    let start = Instant::now();
    let mut laps = Laps::new();
    let (book, mut diagnostics) = check(root);
    laps.lap("load and check");
    let report = |diagnostics, records, files, bytes, timings| Report {
        diagnostics,
        records,
        files,
        bytes,
        elapsed: start.elapsed(),
        timings,
    };
    let book = match book {
        Some(b) if !diagnostics.has_errors() => b,
        _ => return report(diagnostics, 0, 0, 0, laps.done()),
    };
    let records = book.record_count();
    let index_dir = index.map_or_else(|| search_index_dir(root, &book), Path::to_path_buf);
    let overlaps = overlapping_outputs(
        root,
        out,
        &index_dir,
        index.is_none().then_some(&book.config),
    );
    if !overlaps.is_empty() {
        diagnostics.extend(overlaps);
        diagnostics.resolve(root, load::locator());
        return report(diagnostics, records, 0, 0, laps.done());
    }
    diagnostics.extend(recover_outputs(&[out.to_path_buf(), index_dir.clone()]));
    let problems = Problems::default();
    let Some(outputs) = BuildContext::decide(root, &book, index_dir.clone(), &problems) else {
        diagnostics.extend(problems.into_items());
        diagnostics.resolve(root, load::locator());
        return report(diagnostics, records, 0, 0, laps.done());
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
            return report(diagnostics, records, 0, 0, laps.done());
        }
    };
    // Folders staged beside the site, swapped in with it.
    let mut beside: Vec<Staging> = Vec::new();
    for o in &outputs {
        beside.extend(o.render(&book, &staging, &problems));
        laps.lap(o.name());
    }
    diagnostics.extend(problems.into_items());
    diagnostics.resolve(root, load::locator());
    if diagnostics.has_errors() {
        staging.abort();
        for s in beside {
            s.abort();
        }
        return report(diagnostics, records, 0, 0, laps.done());
    }
    let (files, bytes) = (staging.files(), staging.bytes());
    for s in std::iter::once(staging).chain(beside) {
        let what = s.target().to_path_buf();
        if let Err(e) = s.commit() {
            diagnostics.push(Diagnostic::error(
                what,
                Pos::File,
                format!("cannot replace the output directory: {e}"),
            ));
        }
    }
    laps.lap("write");
    report(diagnostics, records, files, bytes, laps.done())
}

/// Puts back or removes what interrupted builds left beside the outputs,
/// saying so.
fn recover_outputs(targets: &[PathBuf]) -> Vec<Diagnostic> {
    targets
        .iter()
        .flat_map(|t| {
            crate::write::recover(t)
                .into_iter()
                .map(move |note| (t, note))
        })
        .map(|(t, note)| Diagnostic::warning(t, Pos::File, note))
        .collect()
}

/// The output folders must not be, hold or sit in each other or the
/// guidebook's sources: a build replaces them whole. Checked before anything
/// is touched. `config` is given when the index folder comes from
/// carebook.toml, where a problem with it is then reported.
fn overlapping_outputs(
    root: &Path,
    out: &Path,
    index: &Path,
    config: Option<&Config>,
) -> Vec<Diagnostic> {
    use crate::write::overlap;
    let mut found = Vec::new();
    let index_problem = |message: String| match config {
        Some(c) => Diagnostic::error(
            root.join(load::config::FILE),
            c.search_index_at.clone(),
            message,
        )
        .with_hint(
            "set search_index to a folder of its own beside the site, e.g. \"search-index\"",
        ),
        None => Diagnostic::error(index, Pos::File, message).with_hint(
            "pass --index a folder of its own beside the site, e.g. --index search-index",
        ),
    };
    if overlap(out, index) {
        found.push(index_problem(format!(
            "the site folder {} and the search index folder {} overlap: each build would replace one with the other",
            out.display(),
            index.display()
        )));
    }
    let sources = [
        "content",
        "templates",
        "static",
        "themes",
        "pamphlet",
        load::config::FILE,
    ];
    for source in sources.map(|s| root.join(s)) {
        if overlap(out, &source) {
            found.push(
                Diagnostic::error(
                    out,
                    Pos::File,
                    format!(
                        "the site folder {} overlaps the guidebook's {}: a build replaces the whole folder",
                        out.display(),
                        source.display()
                    ),
                )
                .with_hint("pass --out a folder of its own, e.g. --out public"),
            );
        }
        if overlap(index, &source) {
            found.push(index_problem(format!(
                "the search index folder {} overlaps the guidebook's {}: a build replaces the whole folder",
                index.display(),
                source.display()
            )));
        }
    }
    found
}

/// Stage timings of one build.
struct Laps {
    since: Instant,
    laps: Vec<(&'static str, Duration)>,
}

impl Laps {
    fn new() -> Laps {
        Laps {
            since: Instant::now(),
            laps: Vec::new(),
        }
    }

    fn lap(&mut self, stage: &'static str) {
        self.laps.push((stage, self.since.elapsed()));
        self.since = Instant::now();
    }

    fn done(&mut self) -> Vec<(&'static str, Duration)> {
        std::mem::take(&mut self.laps)
    }
}

/// Where the guidebook's tantivy index lives.
pub fn search_index_dir(root: &Path, book: &Guidebook) -> PathBuf {
    root.join(&book.config.search_index)
}

/// The index directory named by the guidebook's settings, or the default
/// when they cannot be read (opening the index then explains what is wrong).
pub fn configured_index_dir(root: &Path) -> PathBuf {
    let configured = load::config::load(root)
        .ok()
        .map(|(raw, _)| raw.search_index.into_inner());
    root.join(configured.unwrap_or_else(|| "search-index".into()))
}

/// The default output directory of a guidebook.
pub fn default_out(root: &Path) -> PathBuf {
    root.join("public")
}
