//! The search page end to end in a real browser: `tests/e2e/search.mjs`
//! drives Debian's headless chromium with playwright-core over the built
//! sample site, served on 127.0.0.1 and opened from disk (file://). It types
//! queries with the keyboard, ticks filters, reloads shared links and
//! compares every list the page shows with `carebook search --json`.
//!
//! Needs chromium, Node.js 20 or newer and npm (installed by .ci/run); fails,
//! naming what to install, if one is missing. Installs playwright-core with
//! `npm ci` into tests/e2e/node_modules when it is not there yet (it never
//! downloads a browser).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::*;
use serde_json::Value;

fn chromium() -> PathBuf {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .expect(
            "chromium not found: install Debian's chromium (apt-get install chromium), as .ci/run does",
        )
}

/// Runs `cmd --version`, failing with `install` as advice if it can't.
fn version_of(cmd: &str, install: &str) -> String {
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

fn output_of(o: &Output) -> String {
    format!(
        "--- stdout ---\n{}\n--- stderr ---\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn json(path: &Path) -> Option<Value> {
    serde_json::from_slice(&std::fs::read(path).ok()?).ok()
}

/// Makes sure tests/e2e/node_modules holds the pinned playwright-core.
fn install_playwright(e2e: &Path) {
    let pinned = json(&e2e.join("package.json")).expect("read tests/e2e/package.json")
        ["dependencies"]["playwright-core"]
        .as_str()
        .expect("tests/e2e/package.json pins playwright-core")
        .to_string();
    let installed = || {
        json(&e2e.join("node_modules/playwright-core/package.json"))
            .and_then(|v| v["version"].as_str().map(String::from))
    };
    if installed().as_deref() == Some(pinned.as_str()) {
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
        "npm ci in tests/e2e failed\n{}",
        output_of(&o)
    );
    assert_eq!(
        installed().as_deref(),
        Some(pinned.as_str()),
        "npm ci did not install playwright-core {pinned}\n{}",
        output_of(&o)
    );
}

#[test]
fn search_page_works_in_chromium_over_http_and_file() {
    let chromium = chromium();
    let node = version_of(
        "node",
        "install Node.js 20 or newer (apt-get install nodejs), as .ci/run does",
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
    version_of("npm", "install npm (apt-get install npm), as .ci/run does");

    let e2e = repo().join("tests/e2e");
    install_playwright(&e2e);

    let tmp = TempDir::new("search-e2e");
    let out = tmp.path().join("site");
    build(&repo(), &out);
    let out = out.canonicalize().unwrap();
    let index = index_of(&out);

    let o = Command::new("node")
        .arg(e2e.join("search.mjs"))
        .arg("--site")
        .arg(&out)
        .arg("--carebook")
        .arg(env!("CARGO_BIN_EXE_carebook"))
        .arg("--index")
        .arg(&index)
        .arg("--chromium")
        .arg(&chromium)
        .output()
        .expect("run node tests/e2e/search.mjs");
    let log = output_of(&o);
    assert!(o.status.success(), "search e2e failed\n{log}");
    println!("{log}");

    // A run that checked nothing must not pass: both modes ran, all passed.
    let stdout = String::from_utf8_lossy(&o.stdout);
    for mode in ["[http]", "[file]"] {
        assert!(
            stdout
                .lines()
                .any(|l| l.starts_with(&format!("ok   {mode}"))),
            "no check passed in {mode} mode\n{log}"
        );
    }
    let summary = stdout
        .lines()
        .find_map(|l| l.strip_prefix("e2e: "))
        .unwrap_or_else(|| panic!("no summary line\n{log}"));
    let counts: Vec<u32> = summary
        .split(", ")
        .map(|s| s.split(' ').next().unwrap().parse().unwrap())
        .collect();
    assert!(
        counts[0] >= 20 && counts[1] == 0,
        "unexpected summary {summary:?}\n{log}"
    );
}
