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
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::create_dir_all(parent)?;
        let dir = parent.join(format!(".{name}.tmp-{}", std::process::id()));
        if dir.exists() {
            fs::remove_dir_all(&dir)?;
        }
        fs::create_dir_all(&dir)?;
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

    /// Swaps the staging directory in for the target.
    pub fn commit(mut self) -> io::Result<()> {
        if let Err(e) = self.finish_writes() {
            let _ = fs::remove_dir_all(&self.dir);
            return Err(e);
        }
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
        if had_old {
            fs::remove_dir_all(&old)?;
        }
        Ok(())
    }

    /// Drops everything written; the target is untouched.
    pub fn abort(mut self) {
        let _ = self.finish_writes();
        let _ = fs::remove_dir_all(&self.dir);
    }
}
