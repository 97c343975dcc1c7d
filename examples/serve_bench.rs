//! Measures `carebook serve` on a guidebook (run by bench/serve.sh):
//!
//! - edit → reload: 20 edits of facility files, in turn a phone number, a
//!   name and reading that move the facility in 五十音 order, and a
//!   capability; for each, the time from the file's rename into place to
//!   the first `reload` server-sent event (the pages that show the
//!   facility) and to the last (every page up to date);
//! - the search API under 64 concurrent loopback clients for 10 s;
//! - the peak memory of the serve process (VmHWM).
//!
//! Usage: serve_bench CAREBOOK GUIDEBOOK_DIR [EDITS] [CLIENTS] [SECONDS]
//! Prints `key value` lines for the script.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::channel;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn facility_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = walk(&dir.join("content/facilities"))
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    v.sort();
    v
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// One edit of kind `n % 3` to the facility file's text.
fn edited(text: &str, n: usize) -> String {
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    for l in &mut lines {
        match n % 3 {
            0 if l.starts_with("phone: ") => {
                *l = format!("phone: 06-0000-{:04}", 9000 + n);
            }
            1 if l.starts_with("name: ") => l.insert(6, 'あ'),
            1 if l.starts_with("kana: ") => l.insert(6, 'あ'),
            2 if l.starts_with("capabilities: [") => {
                // Drop the first capability, or give back none.
                let inner = l
                    .trim_start_matches("capabilities: [")
                    .trim_end_matches(']');
                let rest: Vec<&str> = inner.split(", ").skip(1).collect();
                *l = format!("capabilities: [{}]", rest.join(", "));
            }
            _ => {}
        }
    }
    lines.join("\n") + "\n"
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (carebook, dir) = (&args[1], PathBuf::from(&args[2]));
    let edits: usize = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(20);
    let clients: usize = args.get(4).and_then(|a| a.parse().ok()).unwrap_or(64);
    let seconds: u64 = args.get(5).and_then(|a| a.parse().ok()).unwrap_or(10);

    let start = Instant::now();
    let mut child = Command::new(carebook)
        .args(["serve", "--port", "0", "--root"])
        .arg(&dir)
        .stdout(Stdio::piped())
        // (CAREBOOK_SERVE_TIMINGS: serve's step timings, on stderr)
        .stderr(if std::env::var_os("CAREBOOK_SERVE_TIMINGS").is_some() {
            Stdio::inherit()
        } else {
            Stdio::null()
        })
        .spawn()
        .expect("start carebook serve");
    let pid = child.id();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut base = String::new();
    while base.is_empty() {
        let mut line = String::new();
        if out.read_line(&mut line).unwrap() == 0 {
            panic!("serve stopped before printing its address");
        }
        if let Some(u) = line
            .trim()
            .rsplit(" at ")
            .next()
            .filter(|u| u.starts_with("http://"))
        {
            base = u.to_string();
        }
    }
    println!("startup_s {:.2}", start.elapsed().as_secs_f64());
    std::thread::spawn(move || for _ in out.lines() {});

    // Reload events, with the time they arrived.
    let (tx, rx) = channel::<(String, String, Instant)>();
    let url = format!("{base}__carebook/events");
    std::thread::spawn(move || {
        let mut r = ureq::get(&url).call().expect("connect to the events");
        let mut event = String::new();
        for line in BufReader::new(r.body_mut().as_reader()).lines() {
            let Ok(line) = line else { return };
            if let Some(e) = line.strip_prefix("event: ") {
                event = e.to_string();
            } else if let Some(d) = line.strip_prefix("data: ") {
                let _ = tx.send((event.clone(), d.to_string(), Instant::now()));
            }
        }
    });
    // Wait until the search index is up (the first state without "behind").
    let deadline = Instant::now() + Duration::from_secs(1200);
    loop {
        let (e, d, _) = rx
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .expect("the first index never came");
        if e == "state"
            && !d.contains("\"search\":\"behind\"")
            && d.contains("\"search\":\"ready\"")
        {
            break;
        }
    }
    println!("ready_s {:.2}", start.elapsed().as_secs_f64());

    let files = facility_files(&dir);
    assert!(!files.is_empty(), "no facility files in {}", dir.display());
    let (mut times, mut all_times) = (Vec::new(), Vec::new());
    let step = (files.len() / edits.max(1)).max(1);
    for n in 0..edits {
        let file = &files[(n * step + 7) % files.len()];
        let text = std::fs::read_to_string(file).unwrap();
        let new = edited(&text, n);
        // Saved as editors do: a temporary file, renamed into place.
        let tmp = file.with_extension("yaml.swp-bench");
        std::fs::write(&tmp, new).unwrap();
        while rx.try_recv().is_ok() {}
        let saved = Instant::now();
        std::fs::rename(&tmp, file).unwrap();
        // The first reload (the pages that show the facility), then the
        // last (the list pages its move only shifted, if any).
        let mut first = None;
        let last = loop {
            let (e, d, at) = rx
                .recv_timeout(Duration::from_secs(60))
                .expect("no reload came");
            if e == "reload" {
                first.get_or_insert(at);
                if !d.contains("\"more\":true") {
                    break at;
                }
            }
        };
        let ms = |at: Instant| at.duration_since(saved).as_secs_f64() * 1000.0;
        let (ms, all_ms) = (ms(first.expect("set above")), ms(last));
        println!(
            "edit {n} {} {ms:.1} {all_ms:.1}",
            ["phone", "name", "capability"][n % 3]
        );
        times.push(ms);
        all_times.push(all_ms);
        // Let the background catch its breath as a person would between saves.
        std::thread::sleep(Duration::from_millis(300));
    }
    times.sort_by(f64::total_cmp);
    println!("reload_median_ms {:.1}", percentile(&times, 50.0));
    println!("reload_p95_ms {:.1}", percentile(&times, 95.0));
    println!("reload_max_ms {:.1}", percentile(&times, 100.0));
    all_times.sort_by(f64::total_cmp);
    println!("all_median_ms {:.1}", percentile(&all_times, 50.0));
    println!("all_p95_ms {:.1}", percentile(&all_times, 95.0));

    // Wait for the index of the last edit before loading the API.
    loop {
        let (e, d, _) = rx
            .recv_timeout(Duration::from_secs(1200))
            .expect("index never caught up");
        if e == "state" && d.contains("\"search\":\"ready\"") {
            break;
        }
    }
    let queries = [
        "訪問看護",
        "看取り",
        "クリニック",
        "薬局",
        "北部",
        "06-0000",
        "ひがし",
        "訪問診療 24時間",
        "歯科",
        "ケア",
    ];
    let stop = Arc::new(AtomicBool::new(false));
    let run_start = Instant::now();
    let handles: Vec<_> = (0..clients)
        .map(|c| {
            let base = base.clone();
            let stop = stop.clone();
            std::thread::spawn(move || {
                let agent: ureq::Agent = ureq::Agent::config_builder()
                    .http_status_as_error(false)
                    .build()
                    .into();
                let (mut lat, mut errors) = (Vec::new(), 0u64);
                let mut i = c;
                while !stop.load(Ordering::Relaxed) {
                    let q = queries[i % queries.len()];
                    i += 1;
                    let t = Instant::now();
                    let ok = agent
                        .get(format!("{base}api/search"))
                        .query("q", q)
                        .call()
                        .ok()
                        .filter(|r| r.status() == 200)
                        .and_then(|mut r| r.body_mut().read_to_string().ok())
                        .is_some_and(|b| b.starts_with('['));
                    lat.push(t.elapsed().as_secs_f64() * 1000.0);
                    if !ok {
                        errors += 1;
                    }
                }
                (lat, errors)
            })
        })
        .collect();
    std::thread::sleep(Duration::from_secs(seconds));
    stop.store(true, Ordering::Relaxed);
    let mut all = Vec::new();
    let mut errors = 0;
    for h in handles {
        let (l, e) = h.join().unwrap();
        all.extend(l);
        errors += e;
    }
    let elapsed = run_start.elapsed().as_secs_f64();
    all.sort_by(f64::total_cmp);
    println!("api_requests {}", all.len());
    println!("api_rps {:.0}", all.len() as f64 / elapsed);
    println!("api_p50_ms {:.1}", percentile(&all, 50.0));
    println!("api_p99_ms {:.1}", percentile(&all, 99.0));
    println!("api_errors {errors}");
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let hwm = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .map(|v| v.trim().trim_end_matches(" kB").trim().to_string())
        .unwrap_or_default();
    println!("peak_rss_kb {hwm}");
    // SAFETY: kill(2) on our own child.
    unsafe {
        libc::kill(pid as i32, libc::SIGTERM);
    }
    let _ = child.wait();
}
