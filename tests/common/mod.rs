//! Shared helpers for the CLI tests: run the real binary, build fixtures
//! into temporary directories, read the output tree.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

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

pub fn chromium() -> PathBuf {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .expect(
            "chromium not found: install Debian's chromium (apt-get install chromium), as .ci/run does",
        )
}

/// Runs `cmd --version`, failing with `install` as advice if it can't.
pub fn version_of(cmd: &str, install: &str) -> String {
    let o = Command::new(cmd)
        .arg("--version")
        .output()
        .unwrap_or_else(|e| panic!("{cmd} not found ({e}): {install}"));
    assert!(
        o.status.success(),
        "`{cmd} --version` failed: {install}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

pub fn output_of(o: &Output) -> String {
    format!(
        "--- stdout ---\n{}\n--- stderr ---\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

pub fn json(path: &Path) -> Option<Value> {
    serde_json::from_slice(&std::fs::read(path).ok()?).ok()
}

/// The packages tests/e2e/package-lock.json locks that
/// tests/e2e/node_modules lacks or holds at another version, as
/// "name version" (all of them when there is no lock file).
fn stale_packages(e2e: &Path) -> Vec<String> {
    let lock = json(&e2e.join("package-lock.json")).expect("read tests/e2e/package-lock.json");
    let packages = lock["packages"]
        .as_object()
        .expect("tests/e2e/package-lock.json has no \"packages\" (lockfileVersion 3)");
    packages
        .iter()
        .filter_map(|(at, p)| {
            let at = at.strip_prefix("node_modules/")?;
            let locked = p["version"].as_str()?;
            let installed = json(&e2e.join("node_modules").join(at).join("package.json"))
                .and_then(|v| v["version"].as_str().map(String::from));
            (installed.as_deref() != Some(locked)).then(|| format!("{at} {locked}"))
        })
        .collect()
}

/// Makes sure tests/e2e/node_modules holds every package
/// tests/e2e/package-lock.json locks, at its locked version: `npm ci` when
/// one is missing or differs (a lock file changed by a commit, e.g. a new
/// dependency, reinstalls).
pub fn install_e2e_packages(e2e: &Path) {
    let stale = stale_packages(e2e);
    if stale.is_empty() {
        return;
    }
    let o = Command::new("npm")
        .args(["ci", "--prefix"])
        .arg(e2e)
        .args(["--no-audit", "--no-fund"])
        .output()
        .expect("npm not found: install npm (apt-get install npm), as .ci/run does");
    assert!(
        o.status.success(),
        "npm ci in tests/e2e failed (it was to install {stale:?})\n{}",
        output_of(&o)
    );
    let still = stale_packages(e2e);
    assert!(
        still.is_empty(),
        "npm ci did not install {still:?}\n{}",
        output_of(&o)
    );
}

/// Chromium, Node.js 20 or newer, npm and the packages
/// tests/e2e/package-lock.json locks (playwright-core, axe-core) in
/// tests/e2e/node_modules, for the scripts under tests/e2e; fails naming
/// what to install. Returns chromium's path.
pub fn playwright_ready() -> PathBuf {
    let chromium = chromium();
    let node = version_of(
        "node",
        "install Node.js 20 or newer (apt-get install nodejs); tests/run.sh does",
    );
    let major: u32 = node
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or_else(|| panic!("cannot read node's version from {node:?}"));
    assert!(
        major >= 20,
        "node {node} is too old: playwright-core needs Node.js 20 or newer"
    );
    version_of(
        "npm",
        "install npm (apt-get install npm); tests/run.sh does",
    );
    // (one install at a time: several test binaries may get here at once)
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _guard = LOCK.lock().unwrap_or_else(|p| p.into_inner());
    install_e2e_packages(&repo().join("tests/e2e"));
    chromium
}
