//! One preview session: the model, the theme's renderer and what the
//! preview folder holds, brought up to date change by change.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use rayon::prelude::*;
use tokio::sync::{broadcast, watch};

use super::background::{write_atomic, Job, Worker};
use super::watch::Change;
use super::{Problem, State};
use crate::diag::{Diagnostic, Diagnostics, Severity};
use crate::load;
use crate::model::Model;
use crate::outputs::site::{Layout, Route, SiteRenderer};
use crate::outputs::theme::Theme;
use crate::outputs::PamphletBytes;

/// Pages rendered before they are written (see `render`).
const RENDER_BATCH: usize = 2048;

pub struct Session {
    root: PathBuf,
    preview: PathBuf,
    /// Problems of the settings (then there is no model), of the theme's
    /// templates (then there is no renderer), and of the last rendering.
    config_problems: Vec<Diagnostic>,
    theme_problems: Vec<Diagnostic>,
    render_problems: Vec<Diagnostic>,
    model: Option<Model>,
    theme: Option<Arc<Theme>>,
    renderer: Option<SiteRenderer>,
    /// What the preview folder holds: each route's path and fingerprint.
    rendered: HashMap<Route, (String, u64)>,
    generation: u64,
    state: watch::Sender<State>,
    reloads: broadcast::Sender<u64>,
    background: Worker,
    /// The sizes of the pamphlet's PDFs the background made last.
    pamphlet_bytes: PamphletBytes,
}

impl Session {
    pub fn new(
        root: PathBuf,
        preview: PathBuf,
        state: watch::Sender<State>,
        reloads: broadcast::Sender<u64>,
        background: Worker,
        pamphlet_bytes: PamphletBytes,
    ) -> Session {
        Session {
            root,
            preview,
            config_problems: Vec::new(),
            theme_problems: Vec::new(),
            render_problems: Vec::new(),
            model: None,
            theme: None,
            renderer: None,
            rendered: HashMap::new(),
            generation: 0,
            state,
            reloads,
            background,
            pamphlet_bytes,
        }
    }

    /// Reads everything again: the settings, every record, the theme.
    pub fn rebuild_all(&mut self) {
        let start = Instant::now();
        match crate::pipeline::load_config(&self.root) {
            Ok(config) => {
                self.config_problems.clear();
                self.model = Some(Model::load(&self.root, config));
                self.reload_theme();
            }
            Err(ds) => {
                self.config_problems = ds;
                self.model = None;
            }
        }
        self.publish(true, true, start);
    }

    fn reload_theme(&mut self) {
        let Some(model) = &self.model else {
            return;
        };
        self.theme_problems.clear();
        self.renderer = None;
        match Theme::load(&self.root, &model.book.config.theme) {
            Ok(theme) => {
                let theme = Arc::new(theme);
                // As a build decides it: pages link to the PDFs only when
                // the pamphlet can be made.
                let report = crate::outputs::Problems::default();
                let pamphlets =
                    match crate::outputs::for_build(&model.book, &theme, &self.root, &report) {
                        Some(_) => model.book.config.pamphlet_editions(),
                        None => Vec::new(),
                    };
                self.theme_problems.extend(report.into_items());
                match SiteRenderer::new(theme.clone(), pamphlets) {
                    Ok(r) => self.renderer = Some(r),
                    Err(ds) => self.theme_problems.extend(ds),
                }
                self.theme = Some(theme);
            }
            Err(d) => self.theme_problems = vec![d],
        }
    }

    /// Applies one settled batch of changes.
    pub fn apply(&mut self, changes: Vec<Change>) {
        let start = Instant::now();
        if changes.contains(&Change::Config) || self.model.is_none() {
            return self.rebuild_all();
        }
        let theme = changes.contains(&Change::Theme);
        let pamphlet = changes.contains(&Change::Pamphlet);
        if theme || pamphlet {
            self.reload_theme();
        }
        let mut paths: Vec<PathBuf> = Vec::new();
        let model = self.model.as_mut().expect("checked above");
        for c in &changes {
            if let Change::Content(p) = c {
                // A folder moved or removed: its files, before and after.
                paths.extend(model.known_under(p));
                if p.is_dir() {
                    let (files, _) = load::walk_dir(&self.root, p);
                    paths.extend(files.into_iter().map(|(_, f)| f));
                } else {
                    paths.push(p.clone());
                }
            }
        }
        paths.sort();
        paths.dedup();
        let records = !paths.is_empty() && !model.update(&paths).records.is_empty();
        self.publish(records, pamphlet || theme, start);
    }

    /// Every current problem, resolved to file, line and column.
    fn problems(&self) -> Diagnostics {
        let mut d = Diagnostics::default();
        d.extend(self.config_problems.iter().cloned());
        if let Some(m) = &self.model {
            d.extend(m.diagnostics());
        }
        d.extend(self.theme_problems.iter().cloned());
        d.extend(self.render_problems.iter().cloned());
        d.resolve(&self.root, load::locator());
        d
    }

    /// Renders what changed into the preview when the guidebook has no
    /// errors, tells open pages, and hands the indexes and the pamphlet to
    /// the background.
    fn publish(&mut self, records: bool, pamphlet: bool, start: Instant) {
        self.render_problems.clear();
        let mut written = 0;
        let mut problems = self.problems();
        if !problems.has_errors() {
            match self.render() {
                Ok(n) => written = n,
                Err(ds) => {
                    self.render_problems = ds.clone();
                    problems.extend(ds);
                    problems.resolve(&self.root, load::locator());
                }
            }
        }
        // Errors every time; warnings (stale records, say) once, at the
        // start, and then as a count.
        let first = self.generation == 0 && written > 0;
        for d in &problems.items {
            if first || d.severity == Severity::Error {
                eprintln!("{d}");
            }
        }
        let ok = !problems.has_errors();
        if ok && written > 0 {
            self.generation += 1;
            let _ = self.reloads.send(self.generation);
        }
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        let warnings = problems.warnings();
        if ok {
            println!("rebuilt: {written} files changed in {ms:.0} ms ({warnings} warnings)");
        } else {
            println!(
                "{} error(s): the preview keeps the last good pages ({ms:.0} ms)",
                problems.errors()
            );
        }
        if ok && (records || pamphlet) {
            if let (Some(model), Some(theme)) = (&self.model, &self.theme) {
                self.background.submit(Job {
                    book: Arc::new(model.book.clone()),
                    theme: theme.clone(),
                    search: records,
                    pamphlet: true,
                    root: self.root.clone(),
                });
            }
        }
        let generation = self.generation;
        // Open pages show the errors; warnings only as a count.
        let errors: Vec<Problem> = problems
            .items
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(Problem::of)
            .collect();
        self.state.send_modify(|s| {
            s.generation = generation;
            s.problems = errors;
            s.warnings = warnings;
        });
    }

    /// Renders the routes whose fingerprint changed and removes the files
    /// of routes that are gone; returns how many files changed.
    fn render(&mut self) -> Result<usize, Vec<Diagnostic>> {
        let (Some(model), Some(renderer)) = (&self.model, &self.renderer) else {
            return Ok(0);
        };
        let bytes = self
            .pamphlet_bytes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let layout = Layout::new(&model.book).with_pamphlet_bytes(bytes);
        let routes = renderer.routes(&layout);
        let todo: Vec<(Route, String, u64)> = routes
            .par_iter()
            .filter_map(|r| {
                let fp = renderer.fingerprint(r, &layout);
                let same = self.rendered.get(r).is_some_and(|(_, old)| *old == fp);
                (!same).then(|| (r.clone(), layout.path(r), fp))
            })
            .collect();
        // In batches: a batch is written only when all of it rendered (a
        // broken template fails its first batch, and nothing is written),
        // and a whole site's pages are never held in memory at once.
        for batch in todo.chunks(RENDER_BATCH) {
            let pages: Vec<Result<Vec<u8>, Diagnostic>> = batch
                .par_iter()
                .map(|(r, _, _)| renderer.render(r, &layout))
                .collect();
            let mut errors: Vec<Diagnostic> = pages
                .iter()
                .filter_map(|p| p.as_ref().err().cloned())
                .collect();
            if !errors.is_empty() {
                errors.sort_by(|a, b| (&a.file, &a.message).cmp(&(&b.file, &b.message)));
                errors.dedup_by(|a, b| a.file == b.file && a.message == b.message);
                return Err(errors);
            }
            let written = pages
                .into_par_iter()
                .zip(batch)
                .map(|(bytes, (_, path, _))| {
                    write_atomic(&self.preview.join(path), &bytes.expect("checked above"))
                })
                .find_any(Result::is_err);
            if let Some(Err(e)) = written {
                return Err(vec![Diagnostic::error(
                    &self.preview,
                    crate::diag::Pos::File,
                    format!("cannot write the preview: {e}"),
                )]);
            }
        }
        let live: HashSet<&Route> = routes.iter().collect();
        let gone: Vec<Route> = self
            .rendered
            .keys()
            .filter(|r| !live.contains(r))
            .cloned()
            .collect();
        for r in &gone {
            if let Some((path, _)) = self.rendered.remove(r) {
                let _ = std::fs::remove_file(self.preview.join(path));
            }
        }
        let changed = todo.len() + gone.len();
        for (r, path, fp) in todo {
            self.rendered.insert(r, (path, fp));
        }
        Ok(changed)
    }
}
