//! Embeds the default theme so that a guidebook made with `carebook init`
//! builds without a copy of it.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn main() {
    // A position-independent executable carries typst's tables as relative
    // relocations that the loader applies on every start, a measurable
    // part of each `carebook search` (BENCHMARKS.md). A fixed-address
    // executable has none; only the final link changes.
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
    // Read at run time: the build script binary may be reused from another
    // checkout of the same sources (a shared or copied target directory).
    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap();
    let theme = Path::new(&manifest).join("themes/default");
    println!("cargo:rerun-if-changed={}", theme.display());
    let mut files = Vec::new();
    walk(&theme, &mut files);
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("theme.rs");
    let mut f = fs::File::create(out).unwrap();
    writeln!(f, "pub static DEFAULT_THEME: &[(&str, &[u8])] = &[").unwrap();
    for p in files {
        println!("cargo:rerun-if-changed={}", p.display());
        let rel = p
            .strip_prefix(&theme)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        writeln!(
            f,
            "    ({rel:?}, include_bytes!({:?})),",
            p.display().to_string()
        )
        .unwrap();
    }
    writeln!(f, "];").unwrap();
}
