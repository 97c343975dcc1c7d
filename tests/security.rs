//! A guidebook's text never runs as script, and no choice of output folders
//! or interruption of a build destroys what was built before.
//!
//! The browser part needs chromium, Node.js and npm (tests/run.sh installs
//! them); the interruption part strace.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

use common::*;

/// The payload guidebook built with raw HTML escaped and, again, sanitised.
fn built_payloads(tmp: &TempDir) -> Vec<std::path::PathBuf> {
    let mut sites = Vec::new();
    for allow_html in [false, true] {
        let root = tmp.path().join(format!("book-{allow_html}"));
        copy_dir(&fixture("payloads"), &root);
        let cfg = fs::read_to_string(root.join("carebook.toml")).unwrap();
        fs::write(
            root.join("carebook.toml"),
            cfg.replace(
                "sample = true",
                &format!("sample = true\nallow_html = {allow_html}"),
            ),
        )
        .unwrap();
        let out = tmp.path().join(format!("site-{allow_html}"));
        build(&root, &out);
        sites.push(out.canonicalize().unwrap());
    }
    sites
}

const PAGES: [&str; 3] = ["index.html", "pages/links.html", "facilities/payload.html"];

#[test]
fn no_link_or_field_of_a_record_can_run_script() {
    let tmp = TempDir::new("payloads");
    for site in built_payloads(&tmp) {
        for rel in PAGES {
            let html = fs::read_to_string(site.join(rel)).unwrap();
            // Every tag of the page (escaped text has no `<`): no attribute
            // may hold a script URL or an event handler.
            for tag in html.split('<').skip(1) {
                let tag = tag.split('>').next().unwrap().to_lowercase();
                if tag.starts_with('!') || tag.starts_with('/') {
                    continue;
                }
                for bad in [
                    "javascript:",
                    "vbscript:",
                    "=\"data:",
                    " onerror",
                    " onload",
                    " onclick",
                ] {
                    assert!(
                        !tag.contains(bad)
                            || rel == "pages/links.html" && tag.contains("id=\"slip\""),
                        "{rel} has <{tag}>"
                    );
                }
            }
            assert!(
                html.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'; script-src 'self'"),
                "{rel} has no Content-Security-Policy"
            );
            // The good links stay links.
            assert!(
                html.contains("<a href=\"https://example.jp/\""),
                "{rel}:\n{html}"
            );
            assert!(html.contains("正しいリンク</a>"), "{rel}:\n{html}");
        }
        // Inline JSON can neither end nor hide its script element.
        let page = fs::read_to_string(site.join("facilities/payload.html")).unwrap();
        let ld = page
            .split("<script type=\"application/ld+json\">")
            .nth(1)
            .and_then(|s| s.split("</script>").next())
            .expect("a JSON-LD block");
        assert!(!ld.contains('<') && !ld.contains('>'), "{ld}");
        let v: serde_json::Value = serde_json::from_str(ld).expect("JSON-LD parses");
        assert_eq!(
            v["name"],
            "<!--<script>さくら</script><script>alert(13)</script>"
        );
    }
}

#[test]
fn clicking_every_link_in_chromium_opens_no_dialog() {
    let chromium = playwright_ready();
    let tmp = TempDir::new("payloads-browser");
    for site in built_payloads(&tmp) {
        let o = Command::new("node")
            .arg(repo().join("tests/e2e/links.mjs"))
            .arg("--site")
            .arg(&site)
            .arg("--pages")
            .arg(PAGES.join(","))
            .arg("--chromium")
            .arg(&chromium)
            .output()
            .expect("run node tests/e2e/links.mjs");
        let log = output_of(&o);
        assert!(o.status.success(), "a script ran\n{log}");
        let stdout = String::from_utf8_lossy(&o.stdout);
        let summary = stdout
            .lines()
            .find_map(|l| l.strip_prefix("links: "))
            .unwrap_or_else(|| panic!("no summary\n{log}"));
        let clicked: u32 = summary.split(' ').next().unwrap().parse().unwrap();
        // Both modes, three pages, dozens of links each.
        assert!(clicked >= 100, "only {clicked} clicked\n{log}");
        assert!(summary.ends_with(" 0 dialogs"), "{summary}\n{log}");
    }
}

/// `build` with arbitrary flags, in the fixture copy `root`.
fn build_with(root: &Path, args: &[&str]) -> std::process::Output {
    let mut all = vec!["build", "--root", root.to_str().unwrap()];
    all.extend_from_slice(args);
    carebook(&all)
}

#[test]
fn overlapping_output_folders_are_refused_before_anything_is_touched() {
    let tmp = TempDir::new("overlap");
    let root = tmp.path().join("book");
    copy_dir(&fixture("valid"), &root);
    let public = root.join("public");
    let o = build_with(&root, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let before = tree(&public);
    let p = |rel: &str| root.join(rel).to_str().unwrap().to_string();
    let cases: Vec<(Vec<String>, Option<&str>, &str)> = vec![
        (vec!["--index".into(), p("public")], None, "overlap"),
        (
            vec!["--index".into(), p("public/search-index")],
            None,
            "overlap",
        ),
        (vec!["--out".into(), p("search-index")], None, "overlap"),
        (
            vec!["--out".into(), p(".")],
            None,
            "overlaps the guidebook's",
        ),
        (
            vec!["--out".into(), p("content/site")],
            None,
            "overlaps the guidebook's",
        ),
        (vec![], Some("search_index = \"public\""), "carebook.toml:"),
        (
            vec![],
            Some("search_index = \"public/search-index\""),
            "carebook.toml:",
        ),
        (
            vec![],
            Some("search_index = \"content\""),
            "overlaps the guidebook's",
        ),
    ];
    let cfg = fs::read_to_string(root.join("carebook.toml")).unwrap();
    for (args, setting, expect) in cases {
        let text = match setting {
            Some(s) => cfg.replacen("sample = true", &format!("sample = true\n{s}"), 1),
            None => cfg.clone(),
        };
        fs::write(root.join("carebook.toml"), text).unwrap();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = build_with(&root, &args);
        let err = stderr(&o);
        assert_eq!(
            o.status.code(),
            Some(1),
            "{args:?} {setting:?} was accepted:\n{err}"
        );
        assert!(err.contains(expect), "{args:?} {setting:?}:\n{err}");
        assert!(err.contains("error: the "), "{err}");
        assert_eq!(
            tree(&public),
            before,
            "{args:?} {setting:?} touched public/"
        );
        assert!(root.join("content/facilities/sakura.yaml").exists());
    }
    // The setting is reported where it is written.
    fs::write(
        root.join("carebook.toml"),
        cfg.replacen(
            "sample = true",
            "sample = true\nsearch_index = \"public\"",
            1,
        ),
    )
    .unwrap();
    let err = stderr(&build_with(&root, &[]));
    let line = cfg.lines().position(|l| l == "sample = true").unwrap() + 2;
    assert!(
        err.contains(&format!("carebook.toml:{line}:16: error: the site folder")),
        "{err}"
    );
}

/// The names of the entries of `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn leftovers_of_interrupted_builds_are_restored_or_removed() {
    let tmp = TempDir::new("leftovers");
    let out = tmp.path().join("site");
    build(&fixture("valid"), &out);
    let before = tree(&out);
    // As a build killed between its two renames leaves it: the old site set
    // aside, no site, and a staging folder; a staging folder of another
    // killed build; and one of an index.
    fs::rename(&out, tmp.path().join(".site.tmp-999991.old")).unwrap();
    fs::create_dir_all(tmp.path().join(".site.tmp-999991")).unwrap();
    fs::write(tmp.path().join(".site.tmp-999991/.carebook-output"), "x").unwrap();
    fs::create_dir_all(tmp.path().join(".site.tmp-999992/facilities")).unwrap();
    fs::write(tmp.path().join(".site.tmp-999992/.carebook-output"), "x").unwrap();
    fs::create_dir_all(tmp.path().join(".site.index.tmp-999993")).unwrap();
    // A folder of someone else's that merely looks alike stays.
    fs::create_dir_all(tmp.path().join(".site.tmp-notes")).unwrap();
    let o = try_build(&fixture("valid"), &out);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("warning: restored"), "{err}");
    assert_eq!(
        err.matches("left by an interrupted build").count(),
        3,
        "{err}"
    );
    assert_eq!(names(tmp.path()), [".site.tmp-notes", "site", "site.index"]);
    assert_eq!(tree(&out).len(), before.len());
}

#[test]
fn a_build_killed_between_its_renames_is_repaired_by_the_next() {
    let strace = version_of(
        "strace",
        "install strace (apt-get install strace); tests/run.sh does",
    );
    assert!(strace.contains("strace"));
    let tmp = TempDir::new("killed");
    let out = tmp.path().join("site");
    build(&fixture("valid"), &out);
    let index = index_of(&out);
    // The second rename of the run is the staging folder taking the site's
    // place, after the site was set aside: kill the build right there.
    let o = Command::new("strace")
        .args([
            "-f",
            "-qq",
            "-o",
            "/dev/null",
            "-e",
            "trace=rename,renameat,renameat2",
        ])
        .args([
            "-e",
            "inject=rename,renameat,renameat2:signal=SIGKILL:when=2",
        ])
        .arg(env!("CARGO_BIN_EXE_carebook"))
        .args(["build", "--root"])
        .arg(fixture("valid"))
        .arg("--out")
        .arg(&out)
        .arg("--index")
        .arg(&index)
        .output()
        .expect("run strace");
    assert!(
        !o.status.success(),
        "the build was not killed: {}",
        output_of(&o)
    );
    assert!(
        !out.exists(),
        "the kill came at another point: {:?}",
        names(tmp.path())
    );
    let o = try_build(&fixture("valid"), &out);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("warning: restored"), "{err}");
    assert_eq!(names(tmp.path()), ["site", "site.index"], "{err}");
    assert!(out.join("index.html").exists());
}

#[test]
fn an_index_older_than_the_site_is_noticed_and_repaired() {
    let tmp = TempDir::new("old-index");
    let root = tmp.path().join("book");
    copy_dir(&fixture("valid"), &root);
    assert!(build_with(&root, &[]).status.success());
    let search = || carebook(&["search", "さくら", "--root", root.to_str().unwrap()]);
    assert!(stderr(&search()).is_empty(), "{}", stderr(&search()));
    // The state a build killed after swapping in the site and before the
    // index leaves: the site of the new build beside the index of the old.
    let old_index = tmp.path().join("old-index");
    copy_dir(&root.join("search-index"), &old_index);
    let sakura = root.join("content/facilities/sakura.yaml");
    let text = fs::read_to_string(&sakura).unwrap();
    fs::write(&sakura, text.replace("06-0000-1001", "06-0000-1009")).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    assert!(build_with(&root, &[]).status.success());
    fs::remove_dir_all(root.join("search-index")).unwrap();
    copy_dir(&old_index, &root.join("search-index"));
    let warned = stderr(&search());
    assert!(
        warned.contains("warning: the search index at")
            && warned.contains("come from different builds"),
        "{warned}"
    );
    let o = build_with(&root, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&search()).is_empty(), "{}", stderr(&search()));
    assert!(
        stdout(&search()).contains("06-0000-1009"),
        "{}",
        stdout(&search())
    );
}
