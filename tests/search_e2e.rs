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

use std::process::Command;

use common::*;

#[test]
fn search_page_works_in_chromium_over_http_and_file() {
    let chromium = playwright_ready();
    let e2e = repo().join("tests/e2e");

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
