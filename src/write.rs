//! Stage 4, write: outputs go to a staging directory beside the target and
//! replace it only when the whole build succeeded, so a failed build leaves
//! the previous site untouched.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Marks a directory as carebook's output, so that it may be replaced.
pub const MARKER: &str = ".carebook-output";

pub struct Staging {
    dir: PathBuf,
    target: PathBuf,
    files: AtomicU64,
    bytes: AtomicU64,
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
        Ok(Staging {
            dir,
            target: target.to_path_buf(),
            files: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
        })
    }

    /// Writes one output file; `rel` uses `/` separators.
    pub fn write(&self, rel: &str, data: &[u8]) -> io::Result<()> {
        let path = self.dir.join(rel);
        let result = fs::write(&path, data);
        match result {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                if let Some(parent) = path.parent() {
                    fs::create_dir_all(parent)?;
                }
                fs::write(&path, data)?;
            }
            other => other?,
        }
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(data.len() as u64, Ordering::Relaxed);
        Ok(())
    }

    pub fn files(&self) -> u64 {
        self.files.load(Ordering::Relaxed)
    }

    pub fn bytes(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }

    /// Swaps the staging directory in for the target.
    pub fn commit(self) -> io::Result<()> {
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
    pub fn abort(self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}
