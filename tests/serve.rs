//! `carebook serve` over real HTTP on a free loopback port: edits reach the
//! pages, the lists, the search API and open pages (server-sent events);
//! problems show and clear file by file while the last good pages stay
//! served; only the preview's files are served; and after a sequence of
//! edits the preview holds exactly what `carebook build` writes.

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

use common::*;
use serde_json::Value;

/// What live.js is announced with in served pages (removed to compare them).
const LIVE_TAG: &str = "<script src=\"/__carebook/live.js\"></script>";

struct Server {
    child: Child,
    base: String,
    events: Receiver<(String, String)>,
}

impl Drop for Server {
    fn drop(&mut self) {
        // SIGTERM: the preview removes its folder on the way out.
        // SAFETY: kill(2) on our own child's pid.
        unsafe {
            libc::kill(self.child.id() as i32, libc::SIGTERM);
        }
        let _ = self.child.wait();
    }
}

fn start(root: &Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_carebook"))
        .args(["serve", "--port", "0", "--root"])
        .arg(root)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start carebook serve");
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut base = String::new();
    for _ in 0..20 {
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        if let Some(url) = line
            .trim()
            .rsplit(" at ")
            .next()
            .filter(|u| u.starts_with("http://"))
        {
            base = url.to_string();
            break;
        }
    }
    assert!(
        base.starts_with("http://127.0.0.1:"),
        "no address printed: {base:?}"
    );
    std::thread::spawn(move || for _ in out.lines() {});
    // Server-sent events, as (event, data), from a connection of their own.
    let (tx, events) = channel();
    let url = format!("{base}__carebook/events");
    std::thread::spawn(move || {
        let Ok(mut r) = ureq::get(&url).call() else {
            return;
        };
        let reader = BufReader::new(r.body_mut().as_reader());
        let mut event = String::new();
        for line in reader.lines() {
            let Ok(line) = line else { return };
            if let Some(e) = line
                .strip_prefix("event: ")
                .or_else(|| line.strip_prefix("event:"))
            {
                event = e.trim().to_string();
            } else if let Some(d) = line
                .strip_prefix("data: ")
                .or_else(|| line.strip_prefix("data:"))
            {
                if tx.send((event.clone(), d.trim().to_string())).is_err() {
                    return;
                }
            }
        }
    });
    Server {
        child,
        base,
        events,
    }
}

impl Server {
    /// (status, body) of a GET of `path` (as written, not normalised).
    fn get(&self, path: &str) -> (u16, Vec<u8>) {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let mut r = agent
            .get(format!("{}{path}", self.base.trim_end_matches('/')))
            .call()
            .unwrap_or_else(|e| panic!("GET {path}: {e}"));
        let status = r.status().as_u16();
        let body = r
            .body_mut()
            .with_config()
            .limit(1 << 30)
            .read_to_vec()
            .unwrap();
        (status, body)
    }

    fn text(&self, path: &str) -> String {
        let (status, body) = self.get(path);
        assert_eq!(status, 200, "GET {path}");
        String::from_utf8(body).unwrap()
    }

    /// Waits for an event named `name` whose data satisfies `ok`; the
    /// data of the last `state` event seen, or of the event.
    fn wait_for(&self, name: &str, ok: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.events.recv_timeout(left) {
                Ok((e, d)) if e == name && ok(&d) => return d,
                Ok(_) => {}
                Err(_) => break,
            }
        }
        panic!("no `{name}` event came");
    }

    /// Waits until the pages of the last edit are all written: its last
    /// `reload` event (a move in 五十音 order sends two); returns the data.
    fn reloaded(&self) -> Value {
        let d = self.wait_for("reload", |d| !d.contains("\"more\":true"));
        serde_json::from_str(&d).expect("reload data is JSON")
    }

    /// [`Server::reloaded`] for an edit of the record whose page is `page`:
    /// its last `reload` event after one that names `page` (or names no
    /// pages: all of them). An editor's save can reach the watcher as more
    /// than one change, and a late one's event must not pass for the next
    /// edit's.
    fn reloaded_for(&self, page: &str) -> Value {
        let mut named = false;
        loop {
            let d = self.wait_for("reload", |_| true);
            let v: Value = serde_json::from_str(&d).expect("reload data is JSON");
            named |= v["paths"]
                .as_array()
                .is_none_or(|p| p.iter().any(|x| x == page));
            if named && v["more"] != true {
                return v;
            }
        }
    }

    /// Waits until the background (search indexes, pamphlet) has caught up
    /// with the rebuild that `reload` (a `reload` event's data) reported: the
    /// top page states the pamphlet's new size only then.
    fn settled(&self, reload: &Value) {
        let generation = reload["generation"]
            .as_u64()
            .expect("reload data has a generation");
        self.wait_for("state", |d| {
            let s: Value = serde_json::from_str(d).expect("state data is JSON");
            s["generation"].as_u64() >= Some(generation)
                && s["search"] != "behind"
                && s["pamphlet"] != "behind"
        });
    }

    /// Polls `path` until its text satisfies `ok`.
    fn eventually(&self, path: &str, ok: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let (status, body) = self.get(path);
            let text = String::from_utf8_lossy(&body).into_owned();
            if status == 200 && ok(&text) {
                return text;
            }
            assert!(
                Instant::now() < deadline,
                "GET {path} never became right:\n{text}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} lacks {from}", path.display());
    std::fs::write(path, text.replace(from, to)).unwrap();
}

fn search_phones(s: &Server, q: &str) -> Vec<String> {
    let v: Value = serde_json::from_str(&s.text(&format!("/api/search?q={q}"))).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|h| h["phone"].as_str().unwrap().to_string())
        .collect()
}

fn guidebook(name: &str) -> (TempDir, PathBuf) {
    let tmp = TempDir::new(name);
    let root = tmp.path().join("book");
    copy_dir(&fixture("valid"), &root);
    (tmp, root)
}

/// [`guidebook`] with lists of `page_size` facilities a page.
fn paged_guidebook(name: &str, page_size: usize) -> (TempDir, PathBuf) {
    let (tmp, root) = guidebook(name);
    let settings = root.join("carebook.toml");
    edit(
        &settings,
        "sample = true",
        &format!("sample = true\npage_size = {page_size}"),
    );
    (tmp, root)
}

#[test]
fn edits_reach_pages_lists_search_and_open_pages() {
    let (_tmp, root) = guidebook("serve-edit");
    let s = start(&root);
    s.wait_for("state", |_| true);
    let page = s.text("/facilities/sakura.html");
    assert!(
        page.contains("06-0000-1001") && page.contains(LIVE_TAG),
        "{page}"
    );
    assert!(s.text("/").contains(LIVE_TAG));
    s.eventually("/api/search?q=%E3%81%95%E3%81%8F%E3%82%89", |t| {
        t.contains("06-0000-1001")
    });

    // A phone number: its page, its type list, then search.
    let sakura = root.join("content/facilities/sakura.yaml");
    edit(&sakura, "06-0000-1001", "06-0000-1999");
    let phone = s.reloaded_for("facilities/sakura.html");
    assert!(s.text("/facilities/sakura.html").contains("06-0000-1999"));
    assert!(s.text("/types/clinic.html").contains("06-0000-1999"));
    s.eventually("/api/search?q=%E3%81%95%E3%81%8F%E3%82%89", |t| {
        t.contains("06-0000-1999")
    });
    assert_eq!(
        search_phones(&s, "%E3%81%95%E3%81%8F%E3%82%89"),
        ["06-0000-1999"]
    );

    // A facility added, then removed: its page, the lists and the counts
    // (and the pamphlet's size, once the background has made it).
    s.settled(&phone);
    let before = s.text("/");
    let added = root.join("content/facilities/momiji.yaml");
    std::fs::write(
        &added,
        std::fs::read_to_string(&sakura)
            .unwrap()
            .replace("さくら内科クリニック", "もみじ内科")
            .replace("さくらないかくりにっく", "もみじないか")
            .replace("06-0000-1999", "06-0000-1888"),
    )
    .unwrap();
    s.reloaded_for("facilities/momiji.html");
    assert!(s.text("/facilities/momiji.html").contains("もみじ内科"));
    let list = s.text("/types/clinic.html");
    assert!(
        list.contains("もみじ内科") && list.contains("3件"),
        "{list}"
    );
    assert_ne!(s.text("/"), before, "the top page's counts did not follow");
    std::fs::remove_file(&added).unwrap();
    let removed = s.reloaded_for("facilities/momiji.html");
    assert_eq!(s.get("/facilities/momiji.html").0, 404);
    assert!(!s.text("/types/clinic.html").contains("もみじ内科"));
    s.settled(&removed);
    assert_eq!(s.text("/"), before);
}

/// live.js in Chromium (tests/e2e/live.mjs): an edit reloads the open page
/// it changed and no other; a problem shows over every open page and goes
/// when fixed.
#[test]
fn open_pages_in_chromium_reload_when_they_changed_and_show_problems() {
    let chromium = playwright_ready();
    let (_tmp, root) = guidebook("serve-live");
    let s = start(&root);
    s.wait_for("state", |_| true);
    let o = std::process::Command::new("node")
        .arg(repo().join("tests/e2e/live.mjs"))
        .arg(&s.base)
        .arg(&chromium)
        .arg(root.join("content/facilities/sakura.yaml"))
        .arg("facilities/aoba.html")
        .output()
        .expect("run node tests/e2e/live.mjs");
    assert!(o.status.success(), "{}", output_of(&o));
    let seen: Value = serde_json::from_slice(&o.stdout).expect("live.mjs prints JSON");
    assert_eq!(seen["kept"], "facilities/aoba.html", "{seen}");
}

#[test]
fn problems_show_per_file_while_the_last_good_pages_stay() {
    let (_tmp, root) = guidebook("serve-problems");
    let s = start(&root);
    s.wait_for("state", |_| true);
    let good = s.text("/facilities/sakura.html");
    let sakura = root.join("content/facilities/sakura.yaml");
    let ikeda = root.join("content/facilities/ikeda.yaml");
    edit(&sakura, "06-0000-1001", "06-0000-12345");
    let state = s.wait_for("state", |d| d.contains("\"severity\":\"error\""));
    let v: Value = serde_json::from_str(&state).unwrap();
    let errors: Vec<&Value> = v["problems"].as_array().unwrap().iter().collect();
    assert!(errors.iter().all(|p| p["severity"] == "error"), "{state}");
    assert_eq!(errors.len(), 1, "{state}");
    let p = errors[0];
    assert_eq!(p["file"], "content/facilities/sakura.yaml");
    assert!(
        p["line"].as_u64().unwrap() > 0 && p["col"].as_u64().unwrap() > 0,
        "{p}"
    );
    assert!(
        p["message"].as_str().unwrap().contains("06-0000-12345"),
        "{p}"
    );
    assert!(p["hint"].as_str().is_some(), "{p}");
    assert_eq!(
        s.text("/facilities/sakura.html"),
        good,
        "the last good page is kept"
    );
    // A second broken file, then the first fixed: only the second remains.
    let ikeda_text = std::fs::read_to_string(&ikeda).unwrap();
    std::fs::write(&ikeda, ikeda_text.replace("type: clinic", "type: clinc")).unwrap();
    s.wait_for("state", |d| {
        d.contains("ikeda.yaml") && d.contains("sakura.yaml")
    });
    edit(&sakura, "06-0000-12345", "06-0000-1001");
    let state = s.wait_for("state", |d| !d.contains("sakura.yaml"));
    assert!(
        state.contains("ikeda.yaml") && state.contains("clinc"),
        "{state}"
    );
    std::fs::write(&ikeda, ikeda_text).unwrap();
    s.wait_for("state", |d| !d.contains("\"severity\":\"error\""));
}

#[test]
fn a_template_change_renders_every_page_that_uses_it() {
    let (_tmp, root) = guidebook("serve-template");
    let s = start(&root);
    s.wait_for("state", |_| true);
    let meetings = s.text("/meetings.html");
    let theme = repo().join("themes/default/templates/facility.html");
    std::fs::create_dir_all(root.join("templates")).unwrap();
    let text = std::fs::read_to_string(theme).unwrap();
    std::fs::write(
        root.join("templates/facility.html"),
        text.replace(
            "<h1>{{ f.name }}</h1>",
            "<h1 class=\"edited\">{{ f.name }}</h1>",
        ),
    )
    .unwrap();
    s.reloaded();
    for id in ["sakura", "aoba", "ikeda"] {
        assert!(s
            .text(&format!("/facilities/{id}.html"))
            .contains("class=\"edited\""));
    }
    assert_eq!(
        s.text("/meetings.html"),
        meetings,
        "a page without the template changed"
    );
}

#[test]
fn only_the_previews_files_are_served_and_bad_queries_get_400() {
    let (tmp, root) = guidebook("serve-paths");
    std::fs::create_dir_all(root.join("static")).unwrap();
    std::fs::write(tmp.path().join("secret.txt"), "SECRET-OUTSIDE").unwrap();
    std::os::unix::fs::symlink(tmp.path().join("secret.txt"), root.join("static/link.txt"))
        .unwrap();
    let s = start(&root);
    s.wait_for("state", |_| true);
    for path in [
        "/../carebook.toml",
        "/%2e%2e/carebook.toml",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/static/..%2F..%2Fcarebook.toml",
        "/static/%2F..%2F..%2F..%2Fetc%2Fpasswd",
        "//etc/passwd",
        "/static/link.txt",
        "/search/..%2F..%2Fsecret.txt",
        "/carebook.toml",
        "/content/facilities/sakura.yaml",
    ] {
        let (status, body) = s.get(path);
        let body = String::from_utf8_lossy(&body);
        assert!(
            [400, 403, 404].contains(&status),
            "GET {path} gave {status}"
        );
        assert!(
            !body.contains("SECRET") && !body.contains("root:") && !body.contains("municipality"),
            "GET {path} gave {body}"
        );
    }
    // (filters are checked against the index: wait for the first one)
    s.eventually("/api/search?q=a", |_| true);
    let long = "あ".repeat(1001);
    for query in [
        format!("q={long}"),
        "q=a&limit=0".into(),
        "q=a&limit=abc".into(),
        "q=a&limit=100000".into(),
        "q=a&type=nosuch".into(),
        "q=a&nosuch=1".into(),
    ] {
        let (status, body) = s.get(&format!("/api/search?{query}"));
        assert_eq!(status, 400, "{query}");
        let v: Value = serde_json::from_slice(&body).expect("a JSON error");
        assert!(v["error"].as_str().is_some_and(|e| !e.is_empty()), "{v}");
    }
}

/// The paths a `reload` event names.
fn reload_paths(data: &Value) -> Vec<&str> {
    data["paths"]
        .as_array()
        .expect("the pages are named")
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect()
}

#[test]
fn reload_events_name_the_pages_that_changed_showing_ones_first() {
    // Lists of one a page: a name that moves changes pages it is not on
    // (their links to the list's 五十音 sections).
    let (_tmp, root) = paged_guidebook("serve-reload-paths", 1);
    let s = start(&root);
    s.wait_for("state", |_| true);
    let sakura = root.join("content/facilities/sakura.yaml");

    // A phone: the facility's page and the list pages it is on, no other
    // facility's page; nothing else follows.
    edit(&sakura, "06-0000-1001", "06-0000-1777");
    let data = s.reloaded();
    let paths = reload_paths(&data);
    assert!(paths.contains(&"facilities/sakura.html"), "{data}");
    assert!(!paths.contains(&"facilities/aoba.html"), "{data}");
    let list = paths
        .iter()
        .find(|p| p.starts_with("types/clinic"))
        .unwrap_or_else(|| panic!("no clinic list page in {data}"));
    assert!(s.text(&format!("/{list}")).contains("06-0000-1777"));
    assert_eq!(data["more"], false);

    // A name that moves from さ to わ: first the pages that show it (its
    // own, the list pages it leaves and enters), then the list pages that
    // only shift, each path once.
    // (one save: the name and its reading together)
    let text = std::fs::read_to_string(&sakura).unwrap();
    let moved = text
        .replace("さくら内科クリニック", "わかば内科クリニック")
        .replace("さくらないかくりにっく", "わかばないかくりにっく");
    assert_ne!(moved, text);
    let saved = sakura.with_extension("yaml.swp");
    std::fs::write(&saved, moved).unwrap();
    std::fs::rename(&saved, &sakura).unwrap();
    let first: Value = serde_json::from_str(&s.wait_for("reload", |_| true)).unwrap();
    assert_eq!(first["more"], true, "{first}");
    let shown = reload_paths(&first);
    assert!(shown.contains(&"facilities/sakura.html"), "{first}");
    assert!(
        shown
            .iter()
            .filter(|p| p.starts_with("types/clinic"))
            .any(|p| s.text(&format!("/{p}")).contains("わかば内科クリニック")),
        "{first}"
    );
    let rest = s.reloaded();
    let shifted = reload_paths(&rest);
    assert!(!shifted.is_empty(), "{rest}");
    assert!(
        shifted.iter().all(|p| !shown.contains(p)),
        "{first} then {rest}"
    );
    assert!(
        shifted
            .iter()
            .all(|p| p.starts_with("types/") || p.starts_with("areas/")),
        "{rest}"
    );
}

#[test]
fn after_edits_the_preview_equals_a_build_byte_for_byte() {
    // Lists of two a page, so that they have 五十音 sections and pages that
    // the moving name below shifts.
    let (tmp, root) = paged_guidebook("serve-equal", 2);
    let s = start(&root);
    s.wait_for("state", |_| true);
    let sakura = root.join("content/facilities/sakura.yaml");
    // Edits of several kinds: a phone, a name that moves in 五十音 order, a
    // capability, a new record, a removed one, a meeting.
    edit(&sakura, "06-0000-1001", "06-0000-1777");
    s.reloaded();
    edit(&sakura, "さくら内科クリニック", "わかば内科クリニック");
    edit(&sakura, "さくらないかくりにっく", "わかばないかくりにっく");
    s.reloaded();
    let ikeda = root.join("content/facilities/ikeda.yaml");
    let text = std::fs::read_to_string(&ikeda).unwrap();
    std::fs::write(
        root.join("content/facilities/ikeda2.yaml"),
        text.replace("池田", "池上"),
    )
    .unwrap();
    s.reloaded();
    std::fs::remove_file(root.join("content/facilities/aoba.md")).unwrap();
    s.reloaded();
    let meeting = root.join("content/meetings/byoin.yaml");
    edit(&meeting, "年4回", "年6回");
    let last = s.reloaded();
    // The search index and pamphlet come up to date in the background.
    s.eventually("/api/search?q=%E3%82%8F%E3%81%8B%E3%81%B0", |t| {
        t.contains("06-0000-1777")
    });
    s.settled(&last);
    let out = tmp.path().join("built");
    build(&root, &out);
    let files = tree(&out);
    let mut compared = 0;
    for (rel, built) in &files {
        if rel == ".carebook-output" {
            continue;
        }
        let (status, served) = s.get(&format!("/{rel}"));
        assert_eq!(status, 200, "{rel} is not served");
        let served = if rel.ends_with(".html") {
            String::from_utf8(served)
                .unwrap()
                .replacen(LIVE_TAG, "", 1)
                .into_bytes()
        } else {
            served
        };
        assert!(served == *built, "{rel} differs between serve and build");
        compared += 1;
    }
    assert_eq!(compared, files.len() - 1);
    assert!(compared > 20, "only {compared} files compared");
}
