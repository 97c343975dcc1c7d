//! The corpus of malformed guidebooks under `tests/corpus/`: each case is a
//! folder of files laid over `tests/corpus/_base/` (a small valid
//! guidebook), run through carebook, with everything it printed to stderr
//! and its exit code checked exactly against the case's `expected.txt`.
//! No case may panic, run longer than a bounded time or use more than a
//! bounded amount of memory.
//!
//! A case folder may also hold:
//! - `commands`: the carebook commands to run, one per line, in order
//!   (default `check`); `--root` is added to each. A line `truncate PATH`
//!   empties a file of the guidebook instead (to damage an index).
//! - `remove`: paths of the base guidebook to delete, one per line;
//! - `links`: symbolic links to make, one `PATH -> TARGET` per line.
//! - `*.hex` files: written as the bytes of their hexadecimal text, under
//!   the name without `.hex` (for text that is not UTF-8, or that holds
//!   control characters an editor would mangle).
//!
//! Set CAREBOOK_BLESS=1 to write the expected files after an intended
//! change, and review the diff.

mod common;

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

/// No case may take longer (a hang guard, far above any case's time).
const TIME_LIMIT: Duration = Duration::from_secs(60);
/// Nor use more memory (peak resident size of any one run).
const MEMORY_LIMIT_KB: i64 = 1024 * 1024;

fn lines_of(path: &Path) -> Vec<String> {
    fs::read_to_string(path)
        .map(|t| {
            t.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}

fn unhex(text: &str) -> Vec<u8> {
    let digits: Vec<u8> = text.bytes().filter(u8::is_ascii_hexdigit).collect();
    digits
        .chunks(2)
        .map(|p| u8::from_str_radix(std::str::from_utf8(p).unwrap(), 16).unwrap())
        .collect()
}

/// Lays the case over a copy of the base guidebook in `root`.
fn prepare(case: &Path, root: &Path) {
    copy_dir(&repo().join("tests/corpus/_base"), root);
    for rel in lines_of(&case.join("remove")) {
        let p = root.join(rel);
        if p.is_dir() {
            fs::remove_dir_all(p).unwrap();
        } else {
            fs::remove_file(p).unwrap();
        }
    }
    for e in walkdir::WalkDir::new(case) {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(case).unwrap();
        let name = rel.to_string_lossy();
        if !e.file_type().is_file()
            || ["expected.txt", "commands", "remove", "links"].contains(&name.as_ref())
        {
            continue;
        }
        let (dest, data) = match name.strip_suffix(".hex") {
            Some(plain) => (
                root.join(plain),
                unhex(&fs::read_to_string(e.path()).unwrap()),
            ),
            None => (root.join(rel), fs::read(e.path()).unwrap()),
        };
        fs::create_dir_all(dest.parent().unwrap()).unwrap();
        fs::write(dest, data).unwrap();
    }
    for link in lines_of(&case.join("links")) {
        let (at, target) = link.split_once(" -> ").expect("links: PATH -> TARGET");
        let at = root.join(at);
        fs::create_dir_all(at.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(target, at).unwrap();
    }
}

/// Runs one command with a time limit; returns (exit code, stderr).
fn run(args: &[String], root: &Path) -> (Option<i32>, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_carebook"));
    cmd.args(args)
        .arg("--root")
        .arg(root)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("run carebook");
    let mut err = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = err.read_to_end(&mut s);
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > TIME_LIMIT {
            let _ = child.kill();
            panic!("carebook {args:?} ran longer than {TIME_LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let stderr = String::from_utf8_lossy(&reader.join().unwrap()).into_owned();
    (status.code(), stderr)
}

/// Peak resident memory of the largest child so far, in KiB.
fn peak_child_memory_kb() -> i64 {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage fills the struct it is given.
    let usage = unsafe {
        libc::getrusage(libc::RUSAGE_CHILDREN, usage.as_mut_ptr());
        usage.assume_init()
    };
    usage.ru_maxrss
}

fn run_case(case: &Path) -> String {
    let tmp = TempDir::new(&format!(
        "corpus-{}",
        case.file_name().unwrap().to_string_lossy()
    ));
    let root = tmp.path().join("book");
    prepare(case, &root);
    let mut commands = lines_of(&case.join("commands"));
    if commands.is_empty() {
        commands.push("check".into());
    }
    let mut out = String::new();
    for line in commands {
        out.push_str(&format!("$ carebook {line}\n"));
        if let Some(rel) = line.strip_prefix("truncate ") {
            fs::write(root.join(rel), b"").unwrap();
            continue;
        }
        let args: Vec<String> = line.split_whitespace().map(String::from).collect();
        let (code, stderr) = run(&args, &root);
        assert!(
            !stderr.contains("panicked"),
            "{}: carebook {line} panicked:\n{stderr}",
            case.display()
        );
        let shown = root.to_string_lossy().into_owned();
        out.push_str(&stderr.replace(&shown, "ROOT"));
        out.push_str(&format!(
            "exit: {}\n",
            code.map_or("signal".into(), |c| c.to_string())
        ));
    }
    out
}

#[test]
fn every_malformed_guidebook_gets_its_exact_diagnostics() {
    let dir = repo().join("tests/corpus");
    let mut cases: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir() && !p.file_name().unwrap().to_string_lossy().starts_with('_'))
        .collect();
    cases.sort();
    assert!(cases.len() >= 60, "only {} cases", cases.len());
    let bless = std::env::var_os("CAREBOOK_BLESS").is_some();
    let mut failures = Vec::new();
    for case in &cases {
        let got = run_case(case);
        let expected_path = case.join("expected.txt");
        if bless {
            fs::write(&expected_path, &got).unwrap();
        }
        let expected = fs::read_to_string(&expected_path).unwrap_or_default();
        if got != expected {
            failures.push(format!(
                "--- {} expected\n{expected}--- got\n{got}",
                case.display()
            ));
        }
    }
    let peak = peak_child_memory_kb();
    assert!(
        peak < MEMORY_LIMIT_KB,
        "a case used {peak} KiB of memory (limit {MEMORY_LIMIT_KB})"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
