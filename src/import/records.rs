//! Imported rows against the records already in `content/facilities/`:
//! which are new, which changed (field by field), which the file no longer
//! lists. A changed record is rewritten line by line: only the lines of the
//! imported top-level keys are replaced, so comments and what a coordinator
//! wrote by hand (capabilities, liaison, descriptions, `verified`,
//! `internal`) stay as written. Files are written to a temporary file and
//! renamed into place.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde_yaml::Value;

use super::map::Imported;
use crate::diag::{Diagnostic, Pos};
use crate::model::Config;

pub struct Added {
    pub path: PathBuf,
    pub name: String,
    text: String,
}

pub struct Changed {
    pub path: PathBuf,
    pub name: String,
    /// (key, old, new), as shown in the summary.
    pub changes: Vec<(String, String, String)>,
    text: String,
}

pub struct Plan {
    pub added: Vec<Added>,
    pub changed: Vec<Changed>,
    pub untouched: usize,
    /// Records of the imported types that the file does not list.
    pub missing: Vec<(PathBuf, String)>,
    /// Records that could not be read to compare.
    pub warnings: Vec<Diagnostic>,
}

/// The suffix of the temporary files an import writes before renaming.
const TMP: &str = ".carebook-import.tmp";

/// A record file already in the guidebook.
struct Existing {
    path: PathBuf,
    text: String,
    /// The first line of the YAML (1 in Markdown files) and the line after it.
    yaml_lines: (usize, usize),
    map: serde_yaml::Mapping,
}

impl Existing {
    fn str(&self, key: &str) -> Option<&str> {
        self.map.get(key).and_then(Value::as_str)
    }

    fn place(&self) -> Option<String> {
        let a = self.map.get("address")?;
        Some(format!(
            "{}{}",
            a.get("city")?.as_str()?.trim(),
            a.get("line")?.as_str()?.trim()
        ))
    }

    fn name(&self) -> String {
        self.str("name").unwrap_or("").to_string()
    }
}

fn scan(dir: &Path) -> (Vec<Existing>, Vec<Diagnostic>) {
    use rayon::prelude::*;
    if !dir.exists() {
        return (Vec::new(), Vec::new());
    }
    let mut paths = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let Ok(entry) = entry else { continue };
        let path = entry.path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        if name.ends_with(TMP) {
            // Left by an interrupted import: the record beside it is whole.
            let _ = std::fs::remove_file(path);
            continue;
        }
        let ext = path.extension().map(|e| e.to_string_lossy().to_string());
        if entry.file_type().is_file()
            && matches!(ext.as_deref(), Some("yaml" | "yml" | "md"))
            && !name.starts_with('.')
        {
            paths.push(path.to_path_buf());
        }
    }
    // Read and parsed in parallel, kept in file-name order.
    let read: Vec<Result<Existing, Diagnostic>> = paths
        .into_par_iter()
        .filter_map(|path| {
            let text = std::fs::read_to_string(&path).ok()?;
            let split = crate::load::split_front_matter(&text, &path);
            let offset = usize::from(path.extension().is_some_and(|e| e == "md"));
            let yaml_end = offset + split.yaml.lines().count();
            Some(match serde_yaml::from_str::<Value>(split.yaml) {
                Ok(Value::Mapping(map)) => Ok(Existing {
                    yaml_lines: (offset, yaml_end),
                    text: text.clone(),
                    map,
                    path,
                }),
                _ => Err(Diagnostic::warning(
                    &path,
                    Pos::File,
                    "this record cannot be read; it was not compared with the imported rows",
                )
                .with_hint("run `carebook check` and fix it, then import again")),
            })
        })
        .collect();
    let mut found = Vec::new();
    let mut diags = Vec::new();
    for r in read {
        match r {
            Ok(e) => found.push(e),
            Err(d) => diags.push(d),
        }
    }
    (found, diags)
}

/// A scalar as YAML: plain where that reads back as the same string,
/// else double-quoted (JSON's quoting is YAML's).
fn scalar(s: &str) -> String {
    let plain = serde_yaml::to_string(s).unwrap_or_default();
    let safe = plain.trim_end_matches('\n') == s
        && !s.is_empty()
        && !s.contains([
            ',', '[', ']', '{', '}', '#', ':', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`',
        ])
        && !s.starts_with(['-', '?', ' '])
        && !s.ends_with(' ');
    if safe {
        s.to_string()
    } else {
        serde_json::to_string(s).unwrap_or_default()
    }
}

fn inline(v: &Value) -> String {
    match v {
        Value::String(s) => scalar(s),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".into(),
        Value::Sequence(items) => format!(
            "[{}]",
            items.iter().map(inline).collect::<Vec<_>>().join(", ")
        ),
        Value::Mapping(m) => format!(
            "{{ {} }}",
            m.iter()
                .map(|(k, v)| format!("{}: {}", inline(k), inline(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Value::Tagged(t) => inline(&t.value),
    }
}

/// The lines of one top-level key, as a record is written by hand.
fn block(key: &str, v: &Value) -> String {
    match (key, v) {
        ("address", Value::Mapping(m)) => {
            let mut s = format!("{key}:\n");
            for (k, v) in m {
                s.push_str(&format!("  {}: {}\n", inline(k), inline(v)));
            }
            s
        }
        ("hours", Value::Sequence(items)) => {
            let mut s = format!("{key}:\n");
            for i in items {
                s.push_str(&format!("  - {}\n", inline(i)));
            }
            s
        }
        _ => format!("{key}: {}\n", inline(v)),
    }
}

/// A value for the summary: text as it is, the rest inline.
fn show(v: Option<&Value>) -> String {
    match v {
        None => "(none)".into(),
        Some(Value::String(s)) => s.clone(),
        Some(v) => inline(v),
    }
}

/// The top-level keys of a YAML mapping and the (0-based) line each starts on.
fn top_keys(yaml: &str) -> Option<Vec<(String, usize)>> {
    use yaml_rust2::parser::{Event, Parser};
    let mut p = Parser::new_from_str(yaml);
    let mut depth = 0usize;
    let mut is_key = true;
    let mut out = Vec::new();
    loop {
        let (ev, mark) = p.next_token().ok()?;
        match ev {
            Event::StreamEnd => break,
            Event::MappingStart(..) | Event::SequenceStart(..) => depth += 1,
            Event::MappingEnd | Event::SequenceEnd => {
                depth -= 1;
                if depth == 1 {
                    is_key = !is_key;
                }
            }
            Event::Scalar(s, ..) if depth == 1 => {
                if is_key {
                    out.push((s, mark.line().saturating_sub(1)));
                }
                is_key = !is_key;
            }
            Event::Alias(_) if depth == 1 => is_key = !is_key,
            _ => {}
        }
    }
    Some(out)
}

/// The record with the imported keys' lines replaced by `blocks` (keys it
/// lacked are added before the hand-kept ones); every other line as it was.
fn rewrite(e: &Existing, blocks: &[(&str, String)]) -> Option<String> {
    let crlf = e.text.contains("\r\n");
    let mut lines: Vec<String> = e.text.lines().map(str::to_string).collect();
    let (y0, y1) = e.yaml_lines;
    let yaml = lines[y0..y1.min(lines.len())].join("\n");
    let keys = top_keys(&yaml)?;
    // Each key's lines: to the next key, less trailing blank and comment lines.
    let mut spans: HashMap<&str, (usize, usize)> = HashMap::new();
    for (i, (k, start)) in keys.iter().enumerate() {
        let mut end = keys.get(i + 1).map_or(y1 - y0, |(_, s)| *s);
        while end > start + 1 {
            let l = lines[y0 + end - 1].trim();
            if l.is_empty() || l.starts_with('#') {
                end -= 1;
            } else {
                break;
            }
        }
        spans.insert(k.as_str(), (y0 + start, y0 + end));
    }
    let hand_kept = ["capabilities", "liaison", "verified", "internal"];
    // New keys go after the last key before the hand-kept ones (above any
    // comment that introduces those).
    let first_kept = keys
        .iter()
        .position(|(k, _)| hand_kept.contains(&k.as_str()))
        .unwrap_or(keys.len());
    let insert_at = match first_kept.checked_sub(1) {
        Some(i) => spans[keys[i].0.as_str()].1,
        None => keys.first().map_or(y1, |(_, s)| y0 + s),
    };
    let mut edits: Vec<(usize, usize, Vec<String>)> = Vec::new();
    let mut appended = Vec::new();
    for (k, text) in blocks {
        let new: Vec<String> = text.lines().map(str::to_string).collect();
        match spans.get(k) {
            Some(&(s, end)) => edits.push((s, end, new)),
            None => appended.extend(new),
        }
    }
    edits.push((insert_at, insert_at, appended));
    edits.sort_by_key(|(s, _, _)| std::cmp::Reverse(*s));
    for (s, end, new) in edits {
        lines.splice(s..end, new);
    }
    let nl = if crlf { "\r\n" } else { "\n" };
    let mut out = lines.join(nl);
    out.push_str(nl);
    Some(out)
}

pub fn plan(
    root: &Path,
    cfg: &Config,
    rows: &[Imported],
    source: &Path,
) -> Result<Plan, Diagnostic> {
    let dir = root.join("content/facilities");
    let (existing, warnings) = scan(&dir);
    let mut by_code: HashMap<&str, usize> = HashMap::new();
    let mut by_place: HashMap<(String, String), usize> = HashMap::new();
    let mut ids: HashSet<String> = HashSet::new();
    for (i, e) in existing.iter().enumerate() {
        for k in ["medical_code", "office_number"] {
            if let Some(c) = e.str(k) {
                by_code.insert(c, i);
            }
        }
        if let Some(p) = e.place() {
            by_place.insert((e.name(), p), i);
        }
        ids.insert(e.str("id").map(str::to_string).unwrap_or_else(|| {
            e.path
                .file_stem()
                .unwrap_or_default()
                .to_string_lossy()
                .to_string()
        }));
    }
    let source_name = source
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let mut plan = Plan {
        added: Vec::new(),
        changed: Vec::new(),
        untouched: 0,
        missing: Vec::new(),
        warnings,
    };
    let mut matched: HashSet<usize> = HashSet::new();
    let mut kinds: HashSet<String> = HashSet::new();
    for r in rows {
        kinds.insert(cfg.types[r.kind].key.clone());
        let found = r
            .code
            .as_deref()
            .and_then(|c| by_code.get(c))
            .or_else(|| by_place.get(&(r.name.clone(), r.place.clone())))
            .copied();
        let blocks: Vec<(&str, String)> = r.fields.iter().map(|(k, v)| (*k, block(k, v))).collect();
        match found {
            Some(i) if matched.insert(i) => {
                let e = &existing[i];
                let mut changes = Vec::new();
                let mut changed_blocks = Vec::new();
                for (k, text) in &blocks {
                    // Compared as YAML reads them, so layout does not count.
                    let new = serde_yaml::from_str::<serde_yaml::Mapping>(text)
                        .ok()
                        .and_then(|m| m.get(*k).cloned());
                    let old = e.map.get(*k);
                    if new.as_ref() != old {
                        changes.push((k.to_string(), show(old), show(new.as_ref())));
                        changed_blocks.push((*k, text.clone()));
                    }
                }
                if changes.is_empty() {
                    plan.untouched += 1;
                    continue;
                }
                let text = rewrite(e, &changed_blocks).ok_or_else(|| {
                    Diagnostic::error(
                        &e.path,
                        Pos::File,
                        "this record's YAML cannot be read to update it",
                    )
                    .with_hint("run `carebook check`, fix the record, then import again")
                })?;
                plan.changed.push(Changed {
                    path: e.path.clone(),
                    name: r.name.clone(),
                    changes,
                    text,
                });
            }
            Some(_) | None => {
                let key = &cfg.types[r.kind].key;
                let base = match &r.code {
                    Some(c) => format!("{key}-{c}"),
                    None => format!("{key}-{}", r.line),
                };
                let mut id = base.clone();
                let mut n = 2;
                while ids.contains(&id) {
                    id = format!("{base}-{n}");
                    n += 1;
                }
                ids.insert(id.clone());
                let mut text = format!(
                    "# carebook import: {source_name} line {}. Check it, add capabilities and liaison,\n# and set verified to the date the facility confirmed it.\n",
                    r.line
                );
                for (_, b) in &blocks {
                    text.push_str(b);
                }
                text.push_str(&format!("verified: {}\n", cfg.as_of));
                if !r.internal.is_empty() {
                    text.push_str("internal:\n  imported:\n");
                    for (k, v) in &r.internal {
                        text.push_str(&format!("    {}: {}\n", scalar(k), scalar(v)));
                    }
                }
                plan.added.push(Added {
                    path: dir.join(key).join(format!("{id}.yaml")),
                    name: r.name.clone(),
                    text,
                });
            }
        }
    }
    for (i, e) in existing.iter().enumerate() {
        let kind = e.str("type").unwrap_or("");
        if !matched.contains(&i) && kinds.contains(kind) {
            plan.missing.push((e.path.clone(), e.name()));
        }
    }
    Ok(plan)
}

/// Writes `text` to `path` through a temporary file beside it, so that an
/// interrupted import leaves the old file or the new one, never half of it.
/// (No fsync: rename is atomic for a killed process; ext4 and most file
/// systems also order the data before a replacing rename.)
pub fn write_atomic(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let tmp = path.with_file_name(format!(".{name}{TMP}"));
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(text.as_bytes())?;
    drop(f);
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

impl Plan {
    pub fn write(&self) -> Vec<Diagnostic> {
        use rayon::prelude::*;
        let all: Vec<(&PathBuf, &String)> = self
            .added
            .iter()
            .map(|a| (&a.path, &a.text))
            .chain(self.changed.iter().map(|c| (&c.path, &c.text)))
            .collect();
        all.par_iter()
            .filter_map(|(path, text)| {
                write_atomic(path, text).err().map(|e| {
                    Diagnostic::error(*path, Pos::File, format!("cannot write the record: {e}"))
                        .with_hint("check that content/facilities/ is writable, then import again (records already written are matched, not doubled)")
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_their_lines() {
        let y = "# c\nname: a\naddress:\n  postal: 537-0025\n\n# note\nhours:\n  - { days: 月 }\nverified: 2026-01-01\n";
        let k = top_keys(y).unwrap();
        let names: Vec<(&str, usize)> = k.iter().map(|(k, l)| (k.as_str(), *l)).collect();
        assert_eq!(
            names,
            [("name", 1), ("address", 2), ("hours", 6), ("verified", 8)]
        );
    }

    #[test]
    fn scalars_read_back() {
        for s in [
            "06-0000-1234",
            "09:00",
            "2771500013",
            "a, b",
            "-x",
            "中道1-2-3",
            "true",
            "a\nb",
        ] {
            let y = format!("k: {}\n", scalar(s));
            let m: serde_yaml::Mapping = serde_yaml::from_str(&y).unwrap();
            assert_eq!(m.get("k").and_then(Value::as_str), Some(s), "{y}");
        }
    }
}
