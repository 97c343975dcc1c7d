//! `carebook import FILE`: open-data lists and spreadsheets → facility
//! records under `content/facilities/`.
//!
//! [`read`] decodes the file into rows, [`layout`] tells the format and what
//! each column means, [`map`] turns a row into record fields checked with
//! the model's rules, [`records`] matches rows to existing records, rewrites
//! only the imported keys' lines of those (comments and hand-written fields
//! stay as written) and writes each file atomically.

pub mod layout;
pub mod map;
pub mod read;
pub mod records;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Pos};
use crate::model::Config;
use layout::Format;

pub struct Options {
    pub root: PathBuf,
    pub file: PathBuf,
    pub format: Option<Format>,
    /// A type key for every row.
    pub kind: Option<String>,
    /// An area key for rows whose town names no area.
    pub area: Option<String>,
    pub dry_run: bool,
}

pub struct Outcome {
    /// Problems: of the file (nothing imported) or of single rows.
    pub diagnostics: Vec<Diagnostic>,
    /// What was (or, with --dry-run, would be) done.
    pub summary: String,
    pub added: usize,
    pub changed: usize,
    pub untouched: usize,
    pub failed: usize,
}

impl Outcome {
    fn failed(d: Diagnostic) -> Outcome {
        Outcome {
            diagnostics: vec![d],
            summary: String::new(),
            added: 0,
            changed: 0,
            untouched: 0,
            failed: 0,
        }
    }

    pub fn ok(&self) -> bool {
        !self
            .diagnostics
            .iter()
            .any(|d| d.severity == crate::diag::Severity::Error)
    }
}

fn config(root: &Path) -> Result<Config, Vec<Diagnostic>> {
    let (raw, src) = crate::load::config::load(root)?;
    Config::validate(raw, &src)
}

/// The service code of a `jigyosho_130.csv` file name.
fn file_code(path: &Path) -> Option<u16> {
    let stem = path.file_stem()?.to_string_lossy().to_string();
    let digits: String = stem
        .strip_prefix("jigyosho_")?
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

pub fn run(opts: &Options) -> Outcome {
    let cfg = match config(&opts.root) {
        Ok(c) => c,
        Err(ds) => {
            return Outcome {
                diagnostics: ds,
                ..Outcome::failed(Diagnostic::error(
                    opts.root.join(crate::load::config::FILE),
                    Pos::File,
                    "the guidebook settings have errors; nothing was imported",
                ))
            }
        }
    };
    let path = &opts.file;
    let pick = |key: &Option<String>,
                what: &str,
                keys: Vec<&str>|
     -> Result<Option<usize>, Diagnostic> {
        match key {
            None => Ok(None),
            Some(k) => match keys.iter().position(|x| x == k) {
                Some(i) => Ok(Some(i)),
                None => Err(Diagnostic::error(
                    opts.root.join(crate::load::config::FILE),
                    Pos::File,
                    format!("--{what} {k} is not defined in carebook.toml"),
                )
                .with_hint(crate::diag::suggest(k, &format!("{what} keys"), &keys))),
            },
        }
    };
    let kind = match pick(
        &opts.kind,
        "type",
        cfg.types.iter().map(|t| t.key.as_str()).collect(),
    ) {
        Ok(k) => k,
        Err(d) => return Outcome::failed(d),
    };
    let area = match pick(
        &opts.area,
        "area",
        cfg.areas.iter().map(|a| a.key.as_str()).collect(),
    ) {
        Ok(a) => a,
        Err(d) => return Outcome::failed(d),
    };
    let mut table = match read::read(path) {
        Ok(t) => t,
        Err(d) => return Outcome::failed(d),
    };
    let format = match opts
        .format
        .or_else(|| layout::detect(&table.header, read::is_spreadsheet(path)))
    {
        Some(f) => f,
        None => {
            return Outcome::failed(
                Diagnostic::error(
                    path,
                    Pos::At { line: 1, col: 1 },
                    format!(
                        "the columns ({}) match no format carebook imports",
                        table
                            .header
                            .iter()
                            .take(6)
                            .cloned()
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
                .with_hint(format!(
                    "the formats are {}; pass --format to choose one",
                    layout::FORMAT_NAMES
                )),
            )
        }
    };
    let columns: Vec<_> = table.header.iter().map(|h| layout::field(h)).collect();
    let unknown: Vec<&str> = table
        .header
        .iter()
        .zip(&columns)
        .filter(|(h, f)| f.is_none() && !h.is_empty())
        .map(|(h, _)| h.as_str())
        .collect();
    let mapper = map::Mapper {
        cfg: &cfg,
        format,
        columns,
        header: table.header.clone(),
        kind,
        area,
        file_code: file_code(path),
    };
    let mut diagnostics = Vec::new();
    let mut rows = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let total_rows = table.rows.len();
    // (Each row is dropped once mapped.)
    for row in std::mem::take(&mut table.rows) {
        let row = &row;
        match mapper.map(row) {
            Ok(imp) => {
                let key = imp
                    .code
                    .clone()
                    .unwrap_or_else(|| format!("{}\u{0}{}", imp.name, imp.place));
                if let Some(first) = seen.insert(key, row.line) {
                    diagnostics.push(
                        Diagnostic::error(
                            path,
                            row.pos(None),
                            format!("this row is the same facility as line {first}"),
                        )
                        .with_hint("remove one of the two rows (same official number, or same name and address)"),
                    );
                    continue;
                }
                rows.push(imp);
            }
            Err(errs) => {
                for e in errs {
                    diagnostics.push(
                        Diagnostic::error(path, row.pos(e.cell), e.message).with_hint(e.hint),
                    );
                }
            }
        }
    }
    let failed_rows = total_rows - rows.len();
    let plan = records::plan(&opts.root, &cfg, &rows, path);
    let mut plan = match plan {
        Ok(p) => p,
        Err(d) => {
            diagnostics.push(d);
            return Outcome {
                diagnostics,
                ..Outcome::failed(Diagnostic::error(path, Pos::File, "nothing was imported"))
            };
        }
    };
    diagnostics.append(&mut plan.warnings);
    if !opts.dry_run {
        diagnostics.extend(plan.write());
    }
    let mut s = String::new();
    let rel = |p: &Path| {
        p.strip_prefix(&opts.root)
            .unwrap_or(p)
            .display()
            .to_string()
            .replace('\\', "/")
    };
    let _ = writeln!(
        s,
        "{}: {} ({}), {} row{}",
        path.display(),
        format,
        table.encoding,
        total_rows,
        if total_rows == 1 { "" } else { "s" }
    );
    let _ = writeln!(s, "added {}", plan.added.len());
    for a in &plan.added {
        let _ = writeln!(s, "  + {} ({})", rel(&a.path), a.name);
    }
    let _ = writeln!(s, "changed {}", plan.changed.len());
    for c in &plan.changed {
        let _ = writeln!(s, "  ~ {} ({})", rel(&c.path), c.name);
        for (k, old, new) in &c.changes {
            let _ = writeln!(s, "      {k}: {old} → {new}");
        }
    }
    let _ = writeln!(s, "untouched {}", plan.untouched);
    if !plan.missing.is_empty() {
        let _ = writeln!(
            s,
            "not in this file {} (kept; decide whether each still exists):",
            plan.missing.len()
        );
        for (p, n) in &plan.missing {
            let _ = writeln!(s, "  ? {} ({n})", rel(p));
        }
    }
    if failed_rows > 0 {
        let _ = writeln!(s, "failed rows {failed_rows} (see the errors above)");
    }
    if !unknown.is_empty() {
        let _ = writeln!(
            s,
            "columns kept as internal notes (never published): {}",
            unknown.join(", ")
        );
    }
    if opts.dry_run {
        let _ = writeln!(s, "dry run: nothing was written");
    }
    Outcome {
        diagnostics,
        summary: s,
        added: plan.added.len(),
        changed: plan.changed.len(),
        untouched: plan.untouched,
        failed: failed_rows,
    }
}
