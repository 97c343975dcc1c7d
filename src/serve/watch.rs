//! Watching the guidebook: file events from `notify`, debounced (an editor
//! that saves by writing twice, or through a temporary file and a rename,
//! gives one batch), and classified by what depends on the file.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use notify_debouncer_full::notify::event::{EventKind, ModifyKind};
use notify_debouncer_full::{new_debouncer, notify::RecursiveMode, DebounceEventResult};

use crate::load::config::FILE as CONFIG_FILE;

/// What a changed file is, by what depends on it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    /// `carebook.toml`: everything.
    Config,
    /// A template or a static file (the guidebook's or its theme's): the
    /// pages that use it.
    Theme,
    /// A file of the pamphlet's template: the pamphlet only.
    Pamphlet,
    /// A file or folder under `content/`: its records, and what shows them.
    Content(PathBuf),
    /// Not a file of the guidebook: the background's job (its number) made
    /// PDFs of new sizes, which the top page states.
    PamphletMade(u64),
}

/// What `path` (under `root`) is; `None` for files no output depends on
/// (the published output, the search index, notes beside the guidebook).
pub fn classify(root: &Path, path: &Path) -> Option<Change> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Vec<&str> = rel
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => s.to_str(),
            _ => None,
        })
        .collect();
    match parts.as_slice() {
        [file] if *file == CONFIG_FILE => Some(Change::Config),
        ["content", ..] => Some(Change::Content(path.to_path_buf())),
        ["templates" | "static", ..] => Some(Change::Theme),
        ["pamphlet", ..] => Some(Change::Pamphlet),
        ["themes", _, "pamphlet", ..] => Some(Change::Pamphlet),
        ["themes", ..] => Some(Change::Theme),
        _ => None,
    }
}

/// Whether an event may change a file's content or name: not reading a file
/// (which the preview itself does after every change) nor its times.
fn writes(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(_) => false,
        EventKind::Modify(ModifyKind::Metadata(_)) => false,
        EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_) => true,
        EventKind::Any | EventKind::Other => true,
    }
}

/// What the watcher hears: settled file events, or the background's news.
enum Heard {
    Files(DebounceEventResult),
    PamphletMade(u64),
}

/// Tells the watcher's loop, and so the session, that the background made
/// the pamphlet: the session, the only writer of pages, renders the pages
/// that state its size.
#[derive(Clone)]
pub struct Notifier(mpsc::Sender<Heard>);

impl Notifier {
    pub fn pamphlet_made(&self, job: u64) {
        let _ = self.0.send(Heard::PamphletMade(job));
    }
}

/// A watch on the guidebook's files, started before the first build so
/// that no change made meanwhile is missed.
pub struct Watcher {
    root: PathBuf,
    tx: mpsc::Sender<Heard>,
    rx: mpsc::Receiver<Heard>,
    // (kept alive: dropping it stops the watch)
    _debouncer: notify_debouncer_full::Debouncer<
        notify_debouncer_full::notify::RecommendedWatcher,
        notify_debouncer_full::RecommendedCache,
    >,
}

impl Watcher {
    pub fn start(root: &Path, settle: Duration) -> Result<Watcher, String> {
        let (tx, rx) = mpsc::channel::<Heard>();
        let files = tx.clone();
        let mut debouncer = new_debouncer(settle, None, move |r: DebounceEventResult| {
            let _ = files.send(Heard::Files(r));
        })
        .map_err(|e| format!("cannot watch the guidebook's files: {e}"))?;
        debouncer
            .watch(root, RecursiveMode::Recursive)
            .map_err(|e| format!("cannot watch {}: {e}", root.display()))?;
        Ok(Watcher {
            root: root.to_path_buf(),
            tx,
            rx,
            _debouncer: debouncer,
        })
    }

    pub fn notifier(&self) -> Notifier {
        Notifier(self.tx.clone())
    }

    /// Calls `on_change` with each settled batch of changes, until the
    /// watcher fails.
    pub fn run(self, mut on_change: impl FnMut(Vec<Change>)) -> Result<(), String> {
        // (`_watching` keeps the watch alive while the loop runs)
        let Watcher {
            root,
            tx,
            rx,
            _debouncer: _watching,
        } = self;
        // (the loop ends when every sender is gone, the debouncer's too)
        drop(tx);
        for heard in rx {
            let result = match heard {
                Heard::Files(r) => r,
                Heard::PamphletMade(job) => {
                    on_change(vec![Change::PamphletMade(job)]);
                    continue;
                }
            };
            match result {
                Ok(events) => {
                    let changes: BTreeSet<Change> = events
                        .iter()
                        .filter(|e| writes(&e.kind))
                        .flat_map(|e| e.paths.iter())
                        .filter_map(|p| classify(&root, p))
                        .collect();
                    if !changes.is_empty() {
                        on_change(changes.into_iter().collect());
                    }
                }
                Err(errors) => {
                    for e in errors {
                        eprintln!("warning: watching the guidebook: {e}");
                    }
                }
            }
        }
        Err("the file watcher stopped".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_classified_by_what_depends_on_them() {
        let root = Path::new("/g");
        let c = |p: &str| classify(root, &root.join(p));
        assert_eq!(c("carebook.toml"), Some(Change::Config));
        assert_eq!(
            c("content/facilities/a.yaml"),
            Some(Change::Content(root.join("content/facilities/a.yaml")))
        );
        assert_eq!(c("templates/page.html"), Some(Change::Theme));
        assert_eq!(c("static/x.css"), Some(Change::Theme));
        assert_eq!(c("themes/mine/templates/base.html"), Some(Change::Theme));
        assert_eq!(
            c("themes/mine/pamphlet/pamphlet.typ"),
            Some(Change::Pamphlet)
        );
        assert_eq!(c("pamphlet/fonts/a.ttf"), Some(Change::Pamphlet));
        assert_eq!(c("public/index.html"), None);
        assert_eq!(c("search-index/meta.json"), None);
        assert_eq!(c("notes/carebook.toml"), None);
    }
}
