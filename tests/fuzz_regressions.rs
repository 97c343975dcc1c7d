//! The fuzz targets' entry points (`fuzz/src/lib.rs`, the same code that
//! `cargo fuzz run` calls) on the inputs kept in the repository: the seeds
//! (`fuzz/seeds/<target>/`) and the inputs that once crashed or broke an
//! invariant (`tests/fuzz-regressions/<target>/`). No fuzzer is needed; see
//! README.md, "Fuzzing", to run one.

#[path = "../fuzz/src/lib.rs"]
mod entry;

use std::path::Path;

fn run(target: &str, dirs: &[&str], f: fn(&[u8])) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut ran = 0;
    let mut failed = Vec::new();
    for dir in dirs {
        for (path, bytes) in entry::inputs(&root.join(dir).join(target)) {
            if std::panic::catch_unwind(|| f(&bytes)).is_err() {
                failed.push(path.display().to_string());
            }
            ran += 1;
        }
    }
    assert!(ran > 0, "{target}: no inputs found");
    assert!(
        failed.is_empty(),
        "{target} fails on:\n{}",
        failed.join("\n")
    );
}

/// One test for both targets, so that the guidebook folder the entry
/// points write to can be removed after them.
#[test]
fn seeds_and_regressions() {
    let dirs = ["fuzz/seeds", "tests/fuzz-regressions"];
    let load = std::panic::catch_unwind(|| run("load_record", &dirs, entry::load_record));
    let markdown = std::panic::catch_unwind(|| run("markdown", &dirs, entry::markdown));
    entry::remove_setup();
    for result in [load, markdown] {
        if let Err(e) = result {
            std::panic::resume_unwind(e);
        }
    }
}
