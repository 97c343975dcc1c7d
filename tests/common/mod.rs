//! Shared helpers for the CLI tests: run the real binary, build fixtures
//! into temporary directories, read the output tree.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures").join(name)
}

pub fn carebook(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_carebook"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run carebook")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A fresh temporary directory under target/, removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        let p = repo()
            .join("target/test-tmp")
            .join(format!("{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Builds `root` into `out` (and its index beside it), without --quiet.
pub fn try_build(root: &Path, out: &Path) -> Output {
    let index = index_of(out);
    carebook(&[
        "build",
        "--root",
        root.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--index",
        index.to_str().unwrap(),
    ])
}

/// Builds `root` into `out`, asserting success.
pub fn build(root: &Path, out: &Path) -> Output {
    let o = try_build(root, out);
    assert!(
        o.status.success(),
        "build of {} failed:\n{}",
        root.display(),
        stderr(&o)
    );
    o
}

/// Where [`build`] puts the search index for a site built into `out`.
pub fn index_of(out: &Path) -> PathBuf {
    out.with_extension("index")
}

/// Copies a directory tree (a fixture to modify in a test).
pub fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

/// Every file of a tree, by relative path.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    for e in walkdir::WalkDir::new(dir) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            files.insert(rel, std::fs::read(e.path()).unwrap());
        }
    }
    files
}
