//! The preview's slow outputs, which depend on every record: the search
//! indexes and the pamphlet. Made on a thread of their own from a snapshot of
//! the model once edits settle, so that a page never waits for them; a job
//! that arrives while one runs replaces any other waiting.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, RwLock};

use tokio::sync::watch;

use super::State;
use crate::model::Guidebook;
use crate::outputs::theme::Theme;
use crate::outputs::PamphletBytes;
use crate::search::engine::Searcher;
use crate::write::Staging;

pub struct Job {
    pub book: Arc<Guidebook>,
    // (read by the pamphlet, which a carebook may be built without)
    #[cfg_attr(not(feature = "pamphlet"), allow(dead_code))]
    pub theme: Arc<Theme>,
    #[cfg_attr(not(feature = "pamphlet"), allow(dead_code))]
    pub root: PathBuf,
    /// Whether records changed (the indexes), whether the pamphlet's
    /// template or records did.
    pub search: bool,
    pub pamphlet: bool,
}

pub struct Worker {
    jobs: Sender<Job>,
    state: watch::Sender<State>,
}

/// What the worker writes into the preview.
struct Out<'a> {
    scratch: &'a Path,
    preview: &'a Path,
    searcher: &'a RwLock<Option<Searcher>>,
    state: &'a watch::Sender<State>,
    /// The sizes of the pamphlet's PDFs, shared with the session.
    #[cfg_attr(not(feature = "pamphlet"), allow(dead_code))]
    pamphlet_bytes: &'a PamphletBytes,
}

impl Worker {
    /// Starts the thread. Indexes go under `scratch` (`index/`, and the
    /// browser index in `search-site/search/`), PDFs into `preview`, their
    /// sizes into `pamphlet_bytes` (the top page states them).
    pub fn start(
        scratch: PathBuf,
        preview: PathBuf,
        searcher: Arc<RwLock<Option<Searcher>>>,
        state: watch::Sender<State>,
        pamphlet_bytes: PamphletBytes,
    ) -> Worker {
        let (jobs, rx) = channel::<Job>();
        let st = state.clone();
        std::thread::spawn(move || {
            // A pool of its own, of one thread at a low priority: the
            // session's rendering of an edit, on the global pool, must not
            // queue behind a whole index being made.
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(1)
                .start_handler(|_| lower_priority())
                .build();
            lower_priority();
            let out = Out {
                scratch: &scratch,
                preview: &preview,
                searcher: &searcher,
                state: &st,
                pamphlet_bytes: &pamphlet_bytes,
            };
            match pool {
                Ok(pool) => pool.install(|| work(rx, &out)),
                Err(_) => work(rx, &out),
            }
        });
        Worker { jobs, state }
    }

    pub fn submit(&self, job: Job) {
        let (search, pamphlet) = (job.search, job.pamphlet);
        self.state.send_modify(|s| {
            if search {
                s.search = "behind";
            }
            if pamphlet && job.book.config.pamphlet.enabled {
                s.pamphlet = "behind";
            }
        });
        let _ = self.jobs.send(job);
    }
}

/// Makes the calling thread yield the CPU to the preview's others.
fn lower_priority() {
    // SAFETY: setpriority(2) on the calling thread (a thread id is a
    // process id to it on Linux); failure leaves the priority as it was.
    #[cfg(target_os = "linux")]
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t, 10);
    }
}

fn work(rx: Receiver<Job>, out: &Out) {
    let (scratch, preview, searcher, state) = (out.scratch, out.preview, out.searcher, out.state);
    while let Ok(mut job) = rx.recv() {
        // Only the latest state matters; what the skipped jobs asked for
        // is asked of it too.
        while let Ok(next) = rx.try_recv() {
            let (search, pamphlet) = (job.search || next.search, job.pamphlet || next.pamphlet);
            job = Job {
                search,
                pamphlet,
                ..next
            };
        }
        if job.search {
            // The open data depends on every record too.
            for (rel, data) in crate::outputs::opendata::published(&job.book) {
                let written = data
                    .and_then(|d| write_atomic(&preview.join(&rel), &d).map_err(|e| e.to_string()));
                if let Err(e) = written {
                    eprintln!("warning: the preview's {rel}: {e}");
                }
            }
            match indexes(&job.book, scratch) {
                Ok(()) => {
                    let opened = Searcher::open(&scratch.join("index")).ok();
                    *searcher.write().unwrap_or_else(|p| p.into_inner()) = opened;
                    state.send_modify(|s| s.search = "ready");
                }
                Err(e) => {
                    eprintln!("warning: the preview's search index: {e}");
                    state.send_modify(|s| s.search = "off");
                }
            }
        }
        if job.pamphlet {
            let status = pamphlet(&job, out);
            state.send_modify(|s| s.pamphlet = status);
        }
    }
}

/// Writes both search indexes of `book`, as a build does.
fn indexes(book: &Guidebook, scratch: &Path) -> Result<(), String> {
    let site = Staging::new(&scratch.join("search-site")).map_err(|e| e.to_string())?;
    let index = scratch.join("index");
    match crate::outputs::search_index::stage(book, &index, &site) {
        Ok(tantivy) => {
            site.commit().map_err(|e| e.to_string())?;
            if let Some(t) = tantivy {
                t.commit().map_err(|e| e.to_string())?;
            }
            Ok(())
        }
        Err(d) => {
            site.abort();
            Err(d.message)
        }
    }
}

/// Writes a file through a temporary one beside it, so that the server
/// never serves half a file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

/// Without the `pamphlet` feature there is none.
#[cfg(not(feature = "pamphlet"))]
fn pamphlet(_: &Job, _: &Out) -> &'static str {
    "off"
}

/// Typesets the pamphlet into the preview and renders the top page again,
/// which states the PDFs' sizes; its status for the pages.
#[cfg(feature = "pamphlet")]
fn pamphlet(job: &Job, out: &Out) -> &'static str {
    use crate::outputs::pamphlet::Pamphlet;
    let preview = out.preview;
    let book = &job.book;
    if !book.config.pamphlet.enabled {
        return "off";
    }
    let settings = job.root.join(crate::load::config::FILE);
    let Ok(p) = Pamphlet::new(job.theme.clone(), &settings) else {
        return "off";
    };
    let mut bytes = std::collections::BTreeMap::new();
    for edition in book.config.pamphlet_editions() {
        let (pdf, diags) = p.typeset(book, &edition);
        for d in diags
            .iter()
            .filter(|d| d.severity == crate::diag::Severity::Error)
        {
            eprintln!("{d}");
        }
        match pdf {
            Some(pdf) => {
                if write_atomic(&preview.join(&edition.file), &pdf).is_err() {
                    return "off";
                }
                bytes.insert(edition.file.clone(), pdf.len() as u64);
            }
            None => return "off",
        }
    }
    *out.pamphlet_bytes.lock().unwrap_or_else(|p| p.into_inner()) = bytes.clone();
    // The session renders pages with the sizes last known; the top page is
    // rendered here again with these, from this job's snapshot (the
    // latest: the session hands over a job after each change it renders).
    use crate::outputs::site::{Layout, Route, SiteRenderer};
    if let Ok(site) = SiteRenderer::new(job.theme.clone(), book.config.pamphlet_editions()) {
        let layout = Layout::new(book).with_pamphlet_bytes(bytes);
        if let Ok(page) = site.render(&Route::Home, &layout) {
            let _ = write_atomic(&preview.join(layout.path(&Route::Home)), &page);
        }
    }
    "ready"
}
