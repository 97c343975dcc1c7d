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

impl Worker {
    /// Starts the thread. Indexes go under `scratch` (`index/`, and the
    /// browser index in `search-site/search/`), PDFs into `preview`.
    pub fn start(
        scratch: PathBuf,
        preview: PathBuf,
        searcher: Arc<RwLock<Option<Searcher>>>,
        state: watch::Sender<State>,
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
            match pool {
                Ok(pool) => pool.install(|| work(rx, &scratch, &preview, &searcher, &st)),
                Err(_) => work(rx, &scratch, &preview, &searcher, &st),
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

fn work(
    rx: Receiver<Job>,
    scratch: &Path,
    preview: &Path,
    searcher: &RwLock<Option<Searcher>>,
    state: &watch::Sender<State>,
) {
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
            let status = pamphlet(&job, preview);
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
fn pamphlet(_: &Job, _: &Path) -> &'static str {
    "off"
}

/// Typesets the pamphlet into the preview; its status for the pages.
#[cfg(feature = "pamphlet")]
fn pamphlet(job: &Job, preview: &Path) -> &'static str {
    use crate::outputs::pamphlet::Pamphlet;
    let book = &job.book;
    if !book.config.pamphlet.enabled {
        return "off";
    }
    let settings = job.root.join(crate::load::config::FILE);
    let Ok(p) = Pamphlet::new(job.theme.clone(), &settings) else {
        return "off";
    };
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
            }
            None => return "off",
        }
    }
    "ready"
}
