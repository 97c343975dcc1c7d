//! One preview session: the model, the theme's renderer and what the
//! preview folder holds, brought up to date change by change.

use std::collections::BTreeSet;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet, FxHasher};
use tokio::sync::{broadcast, watch};

use super::background::{write_atomic, Job, Worker};
use super::watch::Change;
use super::{Problem, Reload, State};
use crate::diag::{Diagnostic, Diagnostics, Severity};
use crate::kinds::RecordKind;
use crate::load;
use crate::model::Model;
use crate::outputs::site::{Layout, Route, SiteRenderer};
use crate::outputs::theme::Theme;
use crate::outputs::PamphletBytes;

/// Pages rendered before they are written (see `render`).
const RENDER_BATCH: usize = 2048;

/// With CAREBOOK_SERVE_TIMINGS set, each rebuild prints how long its
/// steps took (for bench/serve.sh and whoever profiles it).
fn timing(step: &str, since: Instant) -> Instant {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    if *ON.get_or_init(|| std::env::var_os("CAREBOOK_SERVE_TIMINGS").is_some()) {
        eprintln!(
            "timing {step} {:.1} ms",
            since.elapsed().as_secs_f64() * 1000.0
        );
    }
    Instant::now()
}

/// A page in the preview folder.
struct Held {
    path: String,
    fingerprint: u64,
    /// A list page's facilities ([`id_hash`] of each).
    members: Vec<u64>,
}

/// What the preview folder holds: records' own pages (at 100,000
/// facilities, nearly all) apart from the rest, so that an edit looks only
/// at the own pages of the records it changed.
#[derive(Default)]
struct Preview {
    own: FxHashMap<Route, Held>,
    shared: FxHashMap<Route, Held>,
}

impl Preview {
    fn of(&self, r: &Route) -> &FxHashMap<Route, Held> {
        if r.is_own() {
            &self.own
        } else {
            &self.shared
        }
    }

    fn get(&self, r: &Route) -> Option<&Held> {
        self.of(r).get(r)
    }

    fn insert(&mut self, r: Route, held: Held) {
        if r.is_own() {
            self.own.insert(r, held);
        } else {
            self.shared.insert(r, held);
        }
    }

    fn remove(&mut self, r: &Route) -> Option<Held> {
        if r.is_own() {
            self.own.remove(r)
        } else {
            self.shared.remove(r)
        }
    }
}

/// A facility id's hash, as list pages remember their members.
fn id_hash(id: &str) -> u64 {
    let mut h = FxHasher::default();
    id.hash(&mut h);
    h.finish()
}

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
    /// What the preview folder holds.
    rendered: Preview,
    /// What the pages of the last rendering had in common (settings,
    /// navigation), and the records changed since (None: anything may
    /// have, e.g. the renderer is new): while the first stays, a record's
    /// own page can change only with the record.
    last_global: Option<u64>,
    pending: Option<BTreeSet<(RecordKind, String)>>,
    generation: u64,
    state: watch::Sender<State>,
    reloads: broadcast::Sender<Arc<str>>,
    background: Worker,
    /// The sizes of the pamphlet's PDFs the background made last.
    pamphlet_bytes: PamphletBytes,
}

impl Session {
    pub fn new(
        root: PathBuf,
        preview: PathBuf,
        state: watch::Sender<State>,
        reloads: broadcast::Sender<Arc<str>>,
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
            rendered: Preview::default(),
            last_global: None,
            pending: None,
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
        self.pending = None;
        self.publish(true, true, start);
    }

    fn reload_theme(&mut self) {
        let Some(model) = &self.model else {
            return;
        };
        self.theme_problems.clear();
        self.renderer = None;
        self.pending = None;
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
        // The background's news, not a file: the top page states the PDFs'
        // new sizes; then the pamphlet is ready, unless a newer job is on
        // its way.
        if let [Change::PamphletMade(job)] = changes.as_slice() {
            let job = *job;
            self.publish(false, false, start);
            if job == self.background.latest() {
                self.state.send_modify(|s| s.pamphlet = "ready");
            }
            return;
        }
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
        let t = Instant::now();
        let changed = if paths.is_empty() {
            Default::default()
        } else {
            model.update(&paths).records
        };
        timing("update", t);
        let records = !changed.is_empty();
        if let Some(p) = &mut self.pending {
            p.extend(changed);
        }
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
        let was_first = self.generation == 0;
        let t = Instant::now();
        let mut problems = self.problems();
        timing("problems", t);
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
        let first = was_first && written > 0;
        for d in &problems.items {
            if first || d.severity == Severity::Error {
                eprintln!("{d}");
            }
        }
        let ok = !problems.has_errors();
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
        let t = Instant::now();
        if ok && (records || pamphlet) {
            if let (Some(model), Some(theme)) = (&self.model, &self.theme) {
                self.background.submit(Job {
                    book: Arc::new(model.book.clone()),
                    theme: theme.clone(),
                    search: records,
                    pamphlet: true,
                    root: self.root.clone(),
                    seq: 0,
                });
            }
        }
        timing("background", t);
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
    /// of routes that are gone, and tells open pages which changed; returns
    /// how many files changed. After a record edit, the pages that show
    /// the record (or showed it) come first, and their open pages reload at
    /// once; the list pages its move only shifted follow.
    fn render(&mut self) -> Result<usize, Vec<Diagnostic>> {
        let (Some(model), Some(renderer)) = (&self.model, &self.renderer) else {
            return Ok(0);
        };
        let t = Instant::now();
        let bytes = self
            .pamphlet_bytes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let layout = Layout::new(&model.book).with_pamphlet_bytes(bytes);
        let t = timing("layout", t);
        // A record's own page is made from the record and what every page
        // shares: with neither changed, it needs no look (at 100,000
        // facilities, most of a rebuild's time otherwise).
        let changed: Option<FxHashSet<(RecordKind, &str)>> = self
            .pending
            .as_ref()
            .filter(|_| self.last_global == Some(layout.global))
            .map(|p| p.iter().map(|(k, id)| (*k, id.as_str())).collect());
        let changed_own = || {
            changed
                .iter()
                .flatten()
                .filter_map(|(k, id)| Route::own(*k, id))
        };
        let routes = match &changed {
            Some(_) => {
                let mut r = renderer.shared_routes(&layout);
                r.extend(changed_own().filter(|r| layout.has_own(r)));
                r
            }
            None => renderer.routes(&layout),
        };
        let t = timing("routes", t);
        let todo: Vec<(Route, String, u64)> = routes
            .par_iter()
            .filter_map(|r| {
                let fp = renderer.fingerprint(r, &layout);
                let same = self
                    .rendered
                    .get(r)
                    .is_some_and(|held| held.fingerprint == fp);
                (!same).then(|| (r.clone(), layout.path(r), fp))
            })
            .collect();
        let mut t = timing("fingerprints", t);
        // The facilities edited: a list page that shows one, or showed
        // one, comes first.
        let edited: Option<FxHashSet<u64>> = changed.as_ref().map(|c| {
            c.iter()
                .filter(|(k, _)| *k == RecordKind::Facility)
                .map(|(_, id)| id_hash(id))
                .collect()
        });
        let members = |r: &Route| -> Vec<u64> {
            match r {
                Route::List { of, page } => layout
                    .list(*of, *page)
                    .map(|l| l.items.iter().map(|f| id_hash(&f.id)).collect())
                    .unwrap_or_default(),
                _ => Vec::new(),
            }
        };
        let (now, later): (Vec<_>, Vec<_>) = match &edited {
            Some(ids) => todo.into_iter().partition(|(r, _, _)| match r {
                // (read by crawlers, not by anyone at the preview)
                Route::Sitemap => false,
                Route::List { .. } => {
                    members(r).iter().any(|m| ids.contains(m))
                        || self
                            .rendered
                            .get(r)
                            .is_some_and(|held| held.members.iter().any(|m| ids.contains(m)))
                }
                _ => true,
            }),
            None => (todo, Vec::new()),
        };
        let live: FxHashSet<&Route> = routes.iter().collect();
        let gone: Vec<Route> = match &changed {
            Some(_) => self
                .rendered
                .shared
                .keys()
                .cloned()
                .chain(changed_own().filter(|r| self.rendered.own.contains_key(r)))
                .filter(|r| !live.contains(r))
                .collect(),
            None => self
                .rendered
                .own
                .keys()
                .chain(self.rendered.shared.keys())
                .filter(|r| !live.contains(r))
                .cloned()
                .collect(),
        };
        let mut count = 0;
        let more = !later.is_empty();
        for (first, phase) in [(true, now), (false, later)] {
            // (the first phase also removes the pages that are gone)
            if phase.is_empty() && (!first || gone.is_empty()) {
                continue;
            }
            write_pages(&self.preview, renderer, &layout, &phase)?;
            let mut paths: Vec<String> = Vec::with_capacity(phase.len());
            if first {
                for r in &gone {
                    if let Some(held) = self.rendered.remove(r) {
                        let _ = std::fs::remove_file(self.preview.join(&held.path));
                        paths.push(held.path);
                    }
                }
            }
            count += phase.len() + paths.len();
            for (r, path, fingerprint) in phase {
                paths.push(path.clone());
                let members = members(&r);
                self.rendered.insert(
                    r,
                    Held {
                        path,
                        fingerprint,
                        members,
                    },
                );
            }
            self.generation += 1;
            let _ = self
                .reloads
                .send(Reload::data(self.generation, &paths, first && more));
            t = timing(
                if first {
                    "render-showing"
                } else {
                    "render-shifted"
                },
                t,
            );
            if std::env::var_os("CAREBOOK_SERVE_TIMINGS").is_some() {
                eprintln!("pages {}", paths.len());
            }
        }
        self.last_global = Some(layout.global);
        self.pending = Some(BTreeSet::new());
        Ok(count)
    }
}

/// Renders `pages` and writes them into `preview`, in batches: a batch is
/// written only when all of it rendered (a broken template fails its first
/// batch, and nothing is written), and a whole site's pages are never held
/// in memory at once.
fn write_pages(
    preview: &Path,
    renderer: &SiteRenderer,
    layout: &Layout,
    pages: &[(Route, String, u64)],
) -> Result<(), Vec<Diagnostic>> {
    for batch in pages.chunks(RENDER_BATCH) {
        let rendered: Vec<Result<Vec<u8>, Diagnostic>> = batch
            .par_iter()
            .map(|(r, _, _)| renderer.render(r, layout))
            .collect();
        let mut errors: Vec<Diagnostic> = rendered
            .iter()
            .filter_map(|p| p.as_ref().err().cloned())
            .collect();
        if !errors.is_empty() {
            errors.sort_by(|a, b| (&a.file, &a.message).cmp(&(&b.file, &b.message)));
            errors.dedup_by(|a, b| a.file == b.file && a.message == b.message);
            return Err(errors);
        }
        let written = rendered
            .into_par_iter()
            .zip(batch)
            .map(|(bytes, (_, path, _))| {
                write_atomic(&preview.join(path), &bytes.expect("checked above"))
            })
            .find_any(Result::is_err);
        if let Some(Err(e)) = written {
            return Err(vec![Diagnostic::error(
                preview,
                crate::diag::Pos::File,
                format!("cannot write the preview: {e}"),
            )]);
        }
    }
    Ok(())
}
