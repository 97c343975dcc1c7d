//! The preview's slow outputs, which depend on every record: the search
//! indexes and the pamphlet. Made on a thread of their own from a snapshot of
//! the model once edits settle, so that a page never waits for them; a job
//! that arrives while one runs replaces any other waiting.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, RwLock};

use tokio::sync::watch;

use super::watch::Notifier;
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
    /// Its number, given by [`Worker::submit`].
    pub seq: u64,
}

pub struct Worker {
    jobs: Sender<Job>,
    state: watch::Sender<State>,
    submitted: AtomicU64,
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
    /// Tells the session when they change.
    made: &'a Notifier,
}

impl Worker {
    /// Starts the thread. Indexes go under `scratch` (`index/`, and the
    /// browser index in `search-site/search/`), PDFs into `preview`, their
    /// sizes into `pamphlet_bytes` (the top page states them), telling
    /// `made` when they change.
    pub fn start(
        scratch: PathBuf,
        preview: PathBuf,
        searcher: Arc<RwLock<Option<Searcher>>>,
        state: watch::Sender<State>,
        pamphlet_bytes: PamphletBytes,
        made: Notifier,
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
                made: &made,
            };
            match pool {
                Ok(pool) => pool.install(|| work(rx, &out)),
                Err(_) => work(rx, &out),
            }
        });
        Worker {
            jobs,
            state,
            submitted: AtomicU64::new(0),
        }
    }

    /// The number of the last job submitted.
    pub fn latest(&self) -> u64 {
        self.submitted.load(Ordering::SeqCst)
    }

    pub fn submit(&self, mut job: Job) {
        job.seq = self.submitted.fetch_add(1, Ordering::SeqCst) + 1;
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
            match pamphlet(&job, out) {
                // The session renders the top page, which states the sizes,
                // from its latest records (this job's may be older by now),
                // and then says the pamphlet is ready.
                Some(true) => out.made.pamphlet_made(job.seq),
                Some(false) => state.send_modify(|s| s.pamphlet = "ready"),
                None => state.send_modify(|s| s.pamphlet = "off"),
            }
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
fn pamphlet(_: &Job, _: &Out) -> Option<bool> {
    None
}

/// Typesets the pamphlet into the preview and records the PDFs' sizes:
/// whether they changed (the top page states them), or None if there is
/// no pamphlet.
#[cfg(feature = "pamphlet")]
fn pamphlet(job: &Job, out: &Out) -> Option<bool> {
    use crate::outputs::pamphlet::Pamphlet;
    let preview = out.preview;
    let book = &job.book;
    if !book.config.pamphlet.enabled {
        return None;
    }
    let settings = job.root.join(crate::load::config::FILE);
    let Ok(p) = Pamphlet::new(job.theme.clone(), &settings) else {
        return None;
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
                    return None;
                }
                bytes.insert(edition.file.clone(), pdf.len() as u64);
            }
            None => return None,
        }
    }
    let mut known = out.pamphlet_bytes.lock().unwrap_or_else(|p| p.into_inner());
    let changed = *known != bytes;
    *known = bytes;
    Some(changed)
}
