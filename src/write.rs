//! Stage 4, write: outputs go to a staging directory beside the target and
//! replace it only when the whole build succeeded, so a failed build leaves
//! the previous site untouched.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// Marks a directory as carebook's output, so that it may be replaced.
pub const MARKER: &str = ".carebook-output";

/// Staging directories of this process, removed if it is interrupted. The
/// lock is also held while a commit swaps directories, so that an
/// interruption waits for the swap to finish instead of splitting it.
static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn live() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    LIVE.lock().unwrap_or_else(|p| p.into_inner())
}

/// What to say when interrupted.
static SAY: Mutex<&str> =
    Mutex::new("interrupted: nothing was written (the previous output is unchanged)");

/// On Ctrl-C or a termination signal: removes this process's staging
/// directories and the folders given to [`remove_on_interrupt`] (waiting for
/// a swap in progress), says so, then exits with 130.
pub fn install_interrupt_handler() {
    let _ = ctrlc::set_handler(|| {
        let dirs = live();
        for d in dirs.iter() {
            // (a writer thread may still be creating files in it)
            for _ in 0..3 {
                if fs::remove_dir_all(d).is_ok() || !d.exists() {
                    break;
                }
            }
        }
        eprintln!("{}", SAY.lock().unwrap_or_else(|p| p.into_inner()));
        std::process::exit(130);
    });
}

/// Has `dir` removed if the process is interrupted, and `say` said then.
pub fn remove_on_interrupt(dir: &Path, say: &'static str) {
    live().push(dir.to_path_buf());
    *SAY.lock().unwrap_or_else(|p| p.into_inner()) = say;
}

/// `.public.tmp-` for the target `public`: what its staging directories
/// (`.public.tmp-PID`) and set-aside old outputs (`.public.tmp-PID.old`)
/// start with.
fn staging_prefix(target: &Path) -> (PathBuf, String) {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    let parent = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    (parent, format!(".{name}.tmp-"))
}

/// Whether process `pid` is a running carebook (another build at work).
pub fn running(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|c| c.trim() == "carebook")
}

/// Repairs what an interrupted build left beside `target`: an old output set
/// aside before a crash that came before the new one took its place is put
/// back, and staging directories are removed. Returns what was done, in
/// words, for the user.
pub fn recover(target: &Path) -> Vec<String> {
    let (parent, prefix) = staging_prefix(target);
    let Ok(entries) = fs::read_dir(&parent) else {
        return Vec::new();
    };
    let mut found: Vec<(PathBuf, bool)> = entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let rest = name.strip_prefix(&prefix)?;
            let (pid, old) = match rest.strip_suffix(".old") {
                Some(pid) => (pid, true),
                None => (rest, false),
            };
            let pid: u32 = pid.parse().ok()?;
            // Only carebook's own output folders, of builds that are over.
            // (a staging directory is marked as soon as it is made)
            let path = e.path();
            let ours = path.join(MARKER).exists()
                || fs::read_dir(&path).is_ok_and(|mut d| d.next().is_none());
            (ours && !running(pid)).then_some((path, old))
        })
        .collect();
    // The set-aside outputs first: one may have to become the target.
    found.sort_by_key(|(p, old)| (!old, p.clone()));
    let mut notes = Vec::new();
    for (path, old) in found {
        let shown = path.display();
        if old && !target.exists() {
            match fs::rename(&path, target) {
                Ok(()) => notes.push(format!(
                    "restored {} from {shown}, where an interrupted build had set it aside",
                    target.display()
                )),
                Err(e) => notes.push(format!(
                    "could not restore {} from {shown}: {e}",
                    target.display()
                )),
            }
        } else {
            match fs::remove_dir_all(&path) {
                Ok(()) => notes.push(format!("removed {shown}, left by an interrupted build")),
                Err(e) => notes.push(format!(
                    "could not remove {shown}, left by an interrupted build: {e}"
                )),
            }
        }
    }
    notes
}

/// Files are created by one writer thread: renderers on several threads
/// creating files in one directory spend most of their time spinning on
/// that directory's lock in the kernel.
pub struct Staging {
    dir: PathBuf,
    target: PathBuf,
    files: AtomicU64,
    bytes: AtomicU64,
    tx: Option<SyncSender<(String, Vec<u8>)>>,
    writer: Option<JoinHandle<()>>,
    /// The output being replaced, if carebook wrote it.
    previous: Option<PathBuf>,
    failure: Arc<Mutex<Option<io::Error>>>,
}

/// Puts `data` at `rel` in `dir`. When `previous` (the output being
/// replaced) has the same bytes there, that file is hard-linked instead of
/// written: a rebuild that changes little then allocates no inodes and, when
/// the old output is removed, frees none (on ext4 a build right after mass
/// deletes otherwise creates files several times slower).
fn put(dir: &Path, previous: Option<&Path>, rel: &str, data: &[u8]) -> io::Result<()> {
    let path = dir.join(rel);
    if let Some(prev) = previous {
        let old = prev.join(rel);
        if fs::read(&old).is_ok_and(|bytes| bytes == data) {
            let linked = match fs::hard_link(&old, &path) {
                Err(e) if e.kind() == io::ErrorKind::NotFound => path
                    .parent()
                    .map_or(Ok(()), fs::create_dir_all)
                    .and_then(|()| fs::hard_link(&old, &path)),
                other => other,
            };
            if linked.is_ok() {
                return Ok(());
            }
        }
    }
    write_file(&path, data)
}

fn write_file(path: &Path, data: &[u8]) -> io::Result<()> {
    match fs::write(path, data) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent)?;
            }
            fs::write(path, data)
        }
        other => other,
    }
}

impl Staging {
    /// Refuses to take over a non-empty directory carebook did not write.
    pub fn new(target: &Path) -> io::Result<Staging> {
        if target.exists() {
            let ours = target.join(MARKER).exists();
            let empty = fs::read_dir(target)?.next().is_none();
            if !ours && !empty {
                return Err(io::Error::other(format!(
                    "{} exists and was not written by carebook; choose another --out or remove it",
                    target.display()
                )));
            }
        }
        let (parent, prefix) = staging_prefix(target);
        fs::create_dir_all(&parent)?;
        let dir = parent.join(format!("{prefix}{}", std::process::id()));
        if dir.exists() {
            fs::remove_dir_all(&dir)?;
        }
        fs::create_dir_all(&dir)?;
        live().push(dir.clone());
        fs::write(
            dir.join(MARKER),
            "written by carebook; the whole directory is replaced on every build\n",
        )?;
        let (tx, rx) = sync_channel::<(String, Vec<u8>)>(512);
        let failure: Arc<Mutex<Option<io::Error>>> = Arc::default();
        let failed = Arc::clone(&failure);
        let previous = target.join(MARKER).exists().then(|| target.to_path_buf());
        let staging = dir.clone();
        let from = previous.clone();
        let writer = std::thread::spawn(move || {
            for (rel, data) in rx {
                if let Err(e) = put(&staging, from.as_deref(), &rel, &data) {
                    let e =
                        io::Error::new(e.kind(), format!("{}: {e}", staging.join(&rel).display()));
                    *failed.lock().unwrap_or_else(|p| p.into_inner()) = Some(e);
                    return;
                }
            }
        });
        Ok(Staging {
            dir,
            target: target.to_path_buf(),
            files: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
            tx: Some(tx),
            writer: Some(writer),
            previous,
            failure,
        })
    }

    /// The directory this staging replaces when committed.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// The output being replaced, if carebook wrote it.
    pub fn previous(&self) -> Option<&Path> {
        self.previous.as_deref()
    }

    /// Takes the folder `rel` of the output being replaced as it is, by
    /// hard links (an output that would come out the same, unwritten).
    pub fn keep(&self, rel: &str) -> io::Result<()> {
        let from = self
            .previous
            .as_ref()
            .map(|p| p.join(rel))
            .ok_or_else(|| io::Error::other("no previous output to keep from"))?;
        for entry in walkdir::WalkDir::new(&from) {
            let entry = entry.map_err(io::Error::other)?;
            let to = self
                .dir
                .join(rel)
                .join(entry.path().strip_prefix(&from).map_err(io::Error::other)?);
            if entry.file_type().is_dir() {
                fs::create_dir_all(&to)?;
            } else {
                fs::hard_link(entry.path(), &to)?;
                self.files.fetch_add(1, Ordering::Relaxed);
                let len = entry.metadata().map_err(io::Error::other)?.len();
                self.bytes.fetch_add(len, Ordering::Relaxed);
            }
        }
        Ok(())
    }

    fn failure(&self) -> Option<io::Error> {
        let f = self.failure.lock().unwrap_or_else(|p| p.into_inner());
        f.as_ref().map(|e| io::Error::new(e.kind(), e.to_string()))
    }

    /// Waits until every queued file is written.
    fn finish_writes(&mut self) -> io::Result<()> {
        self.tx = None;
        if let Some(w) = self.writer.take() {
            w.join()
                .map_err(|_| io::Error::other("the output writer thread panicked"))?;
        }
        self.failure().map_or(Ok(()), Err)
    }

    /// Queues one output file; `rel` uses `/` separators.
    pub fn write(&self, rel: &str, data: &[u8]) -> io::Result<()> {
        self.write_owned(rel, data.to_vec())
    }

    pub fn write_owned(&self, rel: &str, data: Vec<u8>) -> io::Result<()> {
        let len = data.len() as u64;
        let tx = self
            .tx
            .as_ref()
            .ok_or_else(|| io::Error::other("output already finished"))?;
        if tx.send((rel.to_string(), data)).is_err() {
            return Err(self
                .failure()
                .unwrap_or_else(|| io::Error::other("the output writer stopped")));
        }
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(len, Ordering::Relaxed);
        Ok(())
    }

    /// The staging directory, for outputs that write a directory themselves.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    pub fn files(&self) -> u64 {
        self.files.load(Ordering::Relaxed)
    }

    pub fn bytes(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }

    fn forget(&self) {
        live().retain(|d| *d != self.dir);
    }

    /// Swaps the staging directory in for the target.
    pub fn commit(mut self) -> io::Result<()> {
        if let Err(e) = self.finish_writes() {
            let _ = fs::remove_dir_all(&self.dir);
            self.forget();
            return Err(e);
        }
        // (an interruption waits until both renames are done)
        let mut dirs = live();
        dirs.retain(|d| *d != self.dir);
        let mut old = self.dir.clone().into_os_string();
        old.push(".old");
        let old = PathBuf::from(old);
        if old.exists() {
            fs::remove_dir_all(&old)?;
        }
        let had_old = self.target.exists();
        if had_old {
            fs::rename(&self.target, &old)?;
        }
        if let Err(e) = fs::rename(&self.dir, &self.target) {
            if had_old {
                let _ = fs::rename(&old, &self.target);
            }
            return Err(e);
        }
        drop(dirs);
        if had_old {
            fs::remove_dir_all(&old)?;
        }
        Ok(())
    }

    /// Drops everything written; the target is untouched.
    pub fn abort(mut self) {
        let _ = self.finish_writes();
        let _ = fs::remove_dir_all(&self.dir);
        self.forget();
    }
}

/// `path` made absolute, with `.` and `..` resolved and symbolic links of
/// the part that exists followed: two names of one folder compare equal.
pub fn resolved(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut clean = PathBuf::new();
    for c in abs.components() {
        match c {
            std::path::Component::ParentDir => {
                clean.pop();
            }
            std::path::Component::CurDir => {}
            c => clean.push(c),
        }
    }
    // The longest existing ancestor, canonicalised, then the rest.
    let mut rest = Vec::new();
    let mut at = clean.as_path();
    loop {
        if let Ok(real) = at.canonicalize() {
            let mut out = real;
            out.extend(rest.iter().rev());
            return out;
        }
        match (at.parent(), at.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                at = parent;
            }
            _ => return clean,
        }
    }
}

/// Whether one of the two folders is, or holds, the other.
pub fn overlap(a: &Path, b: &Path) -> bool {
    let (a, b) = (resolved(a), resolved(b));
    a.starts_with(&b) || b.starts_with(&a)
}
