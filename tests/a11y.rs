//! Accessibility of the built sample site in a real browser:
//! `tests/e2e/a11y.mjs` runs axe-core (pinned in tests/e2e/package.json and
//! package-lock.json) in Debian's headless chromium over every page of the
//! site, the search page with results and with its filters open, and the
//! 404 page, at 360 and 1280 px, with the WCAG 2.0/2.1 A and AA rules and
//! axe's best practices: no violation may remain. The accessibility policy
//! page (content/pages/accessibility.md) reports this test, so it must name
//! the axe-core version that ran and the number of pages it checked.
//!
//! Needs chromium, Node.js 20 or newer and npm; fails, naming what to
//! install, if one is missing (never skips). Installs the locked packages
//! with `npm ci` into tests/e2e/node_modules when they are not there.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

/// What a11y.mjs's summary line says.
#[derive(Debug)]
struct Summary {
    pages: usize,
    checks: usize,
    violations: usize,
    errors: usize,
    axe: String,
    widths: String,
}

fn summary(stdout: &str, log: &str) -> Summary {
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("a11y: "))
        .unwrap_or_else(|| panic!("no summary line\n{log}"));
    let field = |name: &str| -> String {
        line.split(", ")
            .find_map(|part| {
                let (a, b) = part.split_once(' ')?;
                if a == name {
                    Some(b.to_string())
                } else if b == name {
                    Some(a.to_string())
                } else {
                    None
                }
            })
            .unwrap_or_else(|| panic!("summary {line:?} lacks {name}"))
    };
    let num = |name: &str| -> usize {
        field(name)
            .parse()
            .unwrap_or_else(|_| panic!("summary {line:?}: {name} is not a number"))
    };
    Summary {
        pages: num("pages"),
        checks: num("checks"),
        violations: num("violations"),
        errors: num("errors"),
        axe: field("axe-core"),
        widths: field("widths"),
    }
}

/// The axe-core version tests/e2e/package-lock.json locks.
fn locked_axe(e2e: &Path) -> String {
    json(&e2e.join("package-lock.json")).expect("read tests/e2e/package-lock.json")["packages"]
        ["node_modules/axe-core"]["version"]
        .as_str()
        .expect("package-lock.json locks axe-core")
        .to_string()
}

/// The cell of the accessibility page's test report table whose row starts
/// with `label` (`| 対象ページ | 87ページ … |`).
fn report_cell(page: &str, label: &str) -> String {
    page.lines()
        .find_map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            (cells.len() > 2 && cells[1] == label).then(|| cells[2].to_string())
        })
        .unwrap_or_else(|| {
            panic!("content/pages/accessibility.md has no {label:?} row in its test report")
        })
}

#[test]
fn every_page_passes_axe_at_phone_and_desktop_width() {
    let chromium = playwright_ready();
    let e2e = repo().join("tests/e2e");

    let tmp = TempDir::new("a11y");
    let out = tmp.path().join("site");
    build(&repo(), &out);
    let out = out.canonicalize().unwrap();

    let o = Command::new("node")
        .arg(e2e.join("a11y.mjs"))
        .arg("--site")
        .arg(&out)
        .arg("--chromium")
        .arg(&chromium)
        .arg("--widths")
        .arg("360,1280")
        .output()
        .expect("run node tests/e2e/a11y.mjs");
    let log = output_of(&o);
    let stdout = String::from_utf8_lossy(&o.stdout);
    let s = summary(&stdout, &log);
    assert!(
        o.status.success() && s.violations == 0 && s.errors == 0,
        "axe found problems: {s:?}\n{log}"
    );
    // Every page of the site was checked at both widths, not just some.
    let html_pages = tree(&out)
        .keys()
        .filter(|p| p.ends_with(".html") && *p != "404.html")
        .count();
    assert!(html_pages > 60, "only {html_pages} pages built");
    assert!(
        s.pages > html_pages && s.checks == 2 * s.pages,
        "the run did not check every page at both widths ({html_pages} pages built): {s:?}\n{log}"
    );
    assert_eq!(
        s.axe,
        locked_axe(&e2e),
        "axe-core that ran is not the locked one\n{log}"
    );

    // The policy page reports what this test did, and stays true.
    let policy = std::fs::read_to_string(repo().join("content/pages/accessibility.md")).unwrap();
    let tool = report_cell(&policy, "試験ツール");
    assert!(
        tool.contains(&format!("axe-core {}", s.axe)),
        "accessibility.md names another axe-core than {} (in {tool:?}): update its report",
        s.axe
    );
    let pages = report_cell(&policy, "対象ページ");
    let stated: usize = pages
        .split(|c: char| !c.is_ascii_digit())
        .find(|n| !n.is_empty())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no page count in {pages:?}"));
    assert_eq!(
        stated, s.pages,
        "accessibility.md says {stated} pages were tested, the test checked {}: update its report",
        s.pages
    );
    let widths = report_cell(&policy, "画面の幅");
    for w in s.widths.split(',') {
        assert!(widths.contains(&format!("{w}px")), "{widths:?} lacks {w}px");
    }
    let result = report_cell(&policy, "結果");
    assert!(result.contains("違反0件"), "{result:?}");
    println!("{log}");
}

/// `tests/e2e/layout.mjs` measures the sample site in headless chromium at
/// 360, 768 and 1280 px: search results on a phone's first screen (also
/// 360×500, the on-screen keyboard open), tap targets of 44×44 px, ○ chips
/// instead of － on a phone, tables that fit or show that they scroll on a
/// tablet, names not broken mid-word, the 404 page from disk and at a
/// server's root, the favicon.
#[test]
fn layout_measured_at_phone_tablet_and_desktop_width() {
    let chromium = playwright_ready();
    let tmp = TempDir::new("layout");
    let out = tmp.path().join("site");
    build(&repo(), &out);
    let out = out.canonicalize().unwrap();
    let o = Command::new("node")
        .arg(repo().join("tests/e2e/layout.mjs"))
        .arg("--site")
        .arg(&out)
        .arg("--chromium")
        .arg(&chromium)
        .output()
        .expect("run node tests/e2e/layout.mjs");
    let log = output_of(&o);
    assert!(o.status.success(), "layout checks failed\n{log}");
    let stdout = String::from_utf8_lossy(&o.stdout);
    let summary = stdout
        .lines()
        .find_map(|l| l.strip_prefix("layout: "))
        .unwrap_or_else(|| panic!("no summary line\n{log}"));
    let counts: Vec<usize> = summary
        .split(", ")
        .map(|s| s.split(' ').next().unwrap().parse().unwrap())
        .collect();
    assert!(
        counts[0] >= 17 && counts[1] == 0,
        "unexpected summary {summary:?}\n{log}"
    );
    println!("{log}");
}
