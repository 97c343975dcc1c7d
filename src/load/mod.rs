//! Stage 1, load: walk `content/`, read every record file, parse its YAML
//! (or Markdown front matter) into raw records. Problems become diagnostics;
//! nothing here knows the guidebook's vocabularies.

pub mod config;
pub mod raw;
pub mod spans;
pub mod text;

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::de::DeserializeOwned;
use walkdir::WalkDir;

use crate::diag::{Diagnostic, Pos};

/// Where a record came from.
#[derive(Debug, Clone)]
pub struct Source {
    pub path: PathBuf,
    /// Lines before the YAML starts (1 for Markdown front matter).
    pub line_offset: usize,
}

impl Source {
    /// A diagnostic at a YAML path of this record, resolved when reported.
    pub fn error_at(&self, path: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(&self.path, self.pos(path), message)
    }

    pub fn warning_at(&self, path: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::warning(&self.path, self.pos(path), message)
    }

    fn pos(&self, path: &str) -> Pos {
        Pos::Yaml {
            path: path.to_string(),
            line_offset: self.line_offset,
        }
    }

    /// The record id implied by the file name.
    pub fn stem(&self) -> String {
        self.path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    }
}

/// One parsed record file.
#[derive(Debug)]
pub struct Loaded<T> {
    pub source: Source,
    pub raw: T,
    /// Markdown body of a `.md` file.
    pub body: Option<String>,
    /// A hash of the file's text: what the record's pages are made from
    /// changes exactly when it does (with the settings).
    pub hash: u64,
}

#[derive(Debug, Default)]
pub struct Content {
    pub facilities: Vec<Loaded<raw::Facility>>,
    pub meetings: Vec<Loaded<raw::Meeting>>,
    pub windows: Vec<Loaded<raw::Window>>,
    pub pages: Vec<Loaded<raw::Page>>,
    /// `content/_index.md`: the top page's introduction.
    pub home: Option<Loaded<raw::Page>>,
    /// Records that could not be read, by kind: their id (as far as it can
    /// be told) and file, so that a reference to one is not reported as a
    /// reference to nothing.
    pub unreadable: Vec<(RecordKind, String, PathBuf)>,
    pub diagnostics: Vec<Diagnostic>,
}

pub use crate::kinds::RecordKind;

/// One record file as read, of any kind.
#[derive(Debug)]
pub enum Record {
    Facility(Loaded<raw::Facility>),
    Meeting(Loaded<raw::Meeting>),
    Window(Loaded<raw::Window>),
    Page(Loaded<raw::Page>),
    Home(Loaded<raw::Page>),
}

/// A record file that could not be read or parsed.
#[derive(Debug)]
pub struct Unreadable {
    pub kind: RecordKind,
    /// The id it claims, as far as it can be told (else its file name).
    pub id: String,
    pub path: PathBuf,
    pub diagnostics: Vec<Diagnostic>,
}

/// Every record file under `root/content`, with its kind, in path order;
/// and the files that are no records, or links that are not followed.
pub fn walk(root: &Path) -> (Vec<(RecordKind, PathBuf)>, Vec<Diagnostic>) {
    let dir = root.join("content");
    if !dir.is_dir() {
        let d = Diagnostic::error(&dir, Pos::File, "content directory not found")
            .with_hint("a guidebook keeps its records in content/; `carebook init DIR` makes one");
        return (Vec::new(), vec![d]);
    }
    walk_dir(root, &dir)
}

/// [`walk`] for one folder under `root/content`.
pub fn walk_dir(root: &Path, dir: &Path) -> (Vec<(RecordKind, PathBuf)>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut diagnostics = Vec::new();
    for entry in WalkDir::new(dir).sort_by_file_name() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().unwrap_or(dir).to_path_buf();
                diagnostics.push(Diagnostic::error(
                    path,
                    Pos::File,
                    format!("cannot read: {e}"),
                ));
                continue;
            }
        };
        // The folder walked may itself be a link (content/ kept on a shared
        // drive, say): the keeper chose where it is, and it is read.
        if entry.depth() > 0 && entry.path_is_symlink() {
            if let Some(d) = symlink_problem(root, entry.path()) {
                diagnostics.push(d);
                continue;
            }
        } else if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.into_path();
        match classify(root, &path) {
            Some(Ok(kind)) => files.push((kind, path)),
            Some(Err(d)) => diagnostics.push(d),
            None => {}
        }
    }
    (files, diagnostics)
}

/// What a file under `root/content` is: a record of some kind, a file that
/// is none (a warning), or nothing to say (hidden files, editors' backups).
pub fn classify(root: &Path, path: &Path) -> Option<Result<RecordKind, Diagnostic>> {
    let name = path.file_name()?.to_string_lossy();
    if name.starts_with('.') || name.ends_with('~') || name.starts_with('#') {
        return None;
    }
    let rel = path.strip_prefix(root.join("content")).ok()?;
    Some(RecordKind::of_path(rel).ok_or_else(|| {
        Diagnostic::warning(path, Pos::File, "file ignored: not a record")
            .with_hint(RecordKind::layout_hint())
    }))
}

/// Reads and parses one record file.
pub fn read(kind: RecordKind, path: PathBuf) -> Result<Record, Unreadable> {
    let text = match text::read(&path) {
        Ok(t) => t,
        Err(diagnostics) => {
            return Err(Unreadable {
                kind,
                id: stem(&path),
                path,
                diagnostics,
            })
        }
    };
    let parsed = match kind {
        RecordKind::Facility => parse_record(path, &text).map(Record::Facility),
        RecordKind::Meeting => parse_record(path, &text).map(Record::Meeting),
        RecordKind::Window => parse_record(path, &text).map(Record::Window),
        RecordKind::Page => parse_record(path, &text).map(Record::Page),
        RecordKind::Home => parse_record(path, &text).map(Record::Home),
    };
    parsed.map_err(|(path, diagnostics)| Unreadable {
        kind,
        id: declared_id(&text, &path).unwrap_or_else(|| stem(&path)),
        path,
        diagnostics,
    })
}

/// Reads every record under `root/content`.
pub fn load_content(root: &Path) -> Content {
    let (files, diagnostics) = walk(root);
    let mut content = Content {
        diagnostics,
        ..Content::default()
    };
    crate::progress::start("reading records", files.len());
    let done = std::sync::atomic::AtomicUsize::new(0);
    let parsed: Vec<Result<Record, Unreadable>> = files
        .into_par_iter()
        .map(|(kind, path)| {
            crate::progress::tick(&done);
            read(kind, path)
        })
        .collect();
    crate::progress::finish();
    for p in parsed {
        match p {
            Ok(Record::Facility(r)) => content.facilities.push(r),
            Ok(Record::Meeting(r)) => content.meetings.push(r),
            Ok(Record::Window(r)) => content.windows.push(r),
            Ok(Record::Page(r)) => content.pages.push(r),
            Ok(Record::Home(r)) => content.home = Some(r),
            Err(u) => {
                content.unreadable.push((u.kind, u.id, u.path));
                content.diagnostics.extend(u.diagnostics);
            }
        }
    }
    content
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The `id:` a record file sets, if its YAML can be read that far.
fn declared_id(text: &str, path: &Path) -> Option<String> {
    let split = split_front_matter(text, path);
    let v: serde_yaml::Value = serde_yaml::from_str(split.yaml).ok()?;
    v.get("id")?.as_str().map(str::to_string)
}

/// A symbolic link in `content/`: `None` when it is a file inside the
/// guidebook, which is read as if it were there; else why it is skipped.
fn symlink_problem(root: &Path, link: &Path) -> Option<Diagnostic> {
    let warn =
        |m: String, hint: &str| Some(Diagnostic::warning(link, Pos::File, m).with_hint(hint));
    let target = std::fs::read_link(link)
        .map(|t| t.display().to_string())
        .unwrap_or_default();
    match std::fs::canonicalize(link) {
        Err(e) if e.raw_os_error() == Some(40) => warn(
            format!("symbolic link {target} goes round in a loop; skipped"),
            "replace the link with the file itself",
        ),
        Err(_) => warn(
            format!("symbolic link to {target}, which does not exist; skipped"),
            "remove the link, or restore the file it points to",
        ),
        Ok(real) => {
            let inside = root.canonicalize().is_ok_and(|r| real.starts_with(r));
            if !inside {
                warn(
                    format!(
                        "symbolic link to {}, outside the guidebook; skipped",
                        real.display()
                    ),
                    "copy the file into content/: a guidebook reads only its own files",
                )
            } else if real.is_dir() {
                warn(
                    format!("symbolic link to the folder {target}; skipped"),
                    "move or copy the records into content/ instead of linking a folder",
                )
            } else {
                None
            }
        }
    }
}

fn is_markdown(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "md")
}

/// A record file split into its YAML and, for Markdown, the body.
pub struct Split<'a> {
    pub yaml: &'a str,
    pub body: Option<&'a str>,
    /// Markdown: whether the front matter opens with `---`, and whether a
    /// `---` line closes it.
    pub opened: bool,
    pub closed: bool,
}

/// Splits a record file into its YAML and, for Markdown, the body.
pub fn split_front_matter<'a>(text: &'a str, path: &Path) -> Split<'a> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if !is_markdown(path) {
        return Split {
            yaml: text,
            body: None,
            opened: true,
            closed: true,
        };
    }
    let Some(rest) = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
        .or_else(|| (text.trim_end() == "---").then_some(""))
    else {
        return Split {
            yaml: "",
            body: Some(text),
            opened: false,
            closed: false,
        };
    };
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            return Split {
                yaml: &rest[..offset],
                body: Some(&rest[offset + line.len()..]),
                opened: true,
                closed: true,
            };
        }
        offset += line.len();
    }
    Split {
        yaml: rest,
        body: Some(""),
        opened: true,
        closed: false,
    }
}

/// Turns the positions of diagnostics that need their file's text (YAML
/// paths, positions in the NFC text) into the file's own line and column.
/// Each file is read once, and only if one of its problems needs it.
pub fn locator() -> impl FnMut(&Path, &Pos) -> Option<Pos> {
    type Cached = (String, Option<spans::SpanIndex>);
    let mut files: std::collections::HashMap<PathBuf, Option<Cached>> = Default::default();
    move |file, pos| {
        if !matches!(pos, Pos::Yaml { .. } | Pos::Read { .. }) {
            return None;
        }
        let cached = files.entry(file.to_path_buf()).or_insert_with(|| {
            let bytes = std::fs::read(file).ok()?;
            Some((String::from_utf8_lossy(&bytes).into_owned(), None))
        });
        let (line, col) = match (pos, cached.as_mut()) {
            (Pos::Read { line, col }, _) => (*line, *col),
            (Pos::Yaml { path, line_offset }, Some((original, index))) => {
                let index = index.get_or_insert_with(|| {
                    use unicode_normalization::UnicodeNormalization;
                    let nfc: String = original.nfc().collect();
                    spans::SpanIndex::build(split_front_matter(&nfc, file).yaml)
                });
                index
                    .find(path)
                    .map_or((1 + line_offset, 1), |(l, c)| (l + line_offset, c))
            }
            (Pos::Yaml { line_offset, .. }, None) => (1 + line_offset, 1),
            _ => return None,
        };
        let col = cached
            .as_ref()
            .and_then(|(original, _)| original.lines().nth(line - 1))
            .map_or(col, |l| text::original_col(l, col));
        Some(Pos::At { line, col })
    }
}

/// Whether YAML holds nothing but comments, blank lines and document markers.
fn is_blank_yaml(yaml: &str) -> bool {
    yaml.lines().all(|l| {
        let l = l.trim();
        l.is_empty() || l.starts_with('#') || l == "---" || l == "..."
    })
}

/// Parses one record file's text; on failure, every problem found.
pub fn parse_record<T: DeserializeOwned>(
    path: PathBuf,
    text: &str,
) -> Result<Loaded<T>, (PathBuf, Vec<Diagnostic>)> {
    let markdown = is_markdown(&path);
    let split = split_front_matter(text, &path);
    let line_offset = usize::from(markdown);
    let at = |line| Pos::At { line, col: 1 };
    let fail = |d: Diagnostic| Err((path.clone(), vec![d]));
    if markdown && !split.opened {
        return fail(Diagnostic::error(&path, at(1), "expected front matter between `---` lines")
        .with_hint("a Markdown record starts with a line `---`, its YAML fields, another `---`, then the text"));
    }
    if markdown && !split.closed && !is_blank_yaml(split.yaml) {
        return fail(
            Diagnostic::error(
                &path,
                at(1),
                "the front matter opened here has no closing `---` line",
            )
            .with_hint("end the record's fields with a line `---`; the text goes below it"),
        );
    }
    if is_blank_yaml(split.yaml) {
        return fail(
            Diagnostic::error(&path, at(1 + line_offset), "the record is empty").with_hint(
                "write its fields as YAML, e.g. `name: ...`; `carebook new` writes a template",
            ),
        );
    }
    match serde_yaml::from_str::<T>(split.yaml) {
        Ok(raw) => Ok(Loaded {
            hash: {
                use std::hash::{Hash, Hasher};
                let mut h = std::hash::DefaultHasher::new();
                text.hash(&mut h);
                h.finish()
            },
            source: Source { path, line_offset },
            raw,
            body: split.body.map(str::to_string),
        }),
        Err(e) => {
            let d = yaml_error(&path, split.yaml, &e, line_offset);
            Err((path, vec![d]))
        }
    }
}

/// serde_yaml's error, with its position, a readable message and a hint.
fn yaml_error(path: &Path, yaml: &str, e: &serde_yaml::Error, line_offset: usize) -> Diagnostic {
    let full = e.to_string();
    if full.contains("more than one document") {
        // The line that starts the second document.
        let second = yaml
            .lines()
            .enumerate()
            .filter(|(_, l)| l.trim_end() == "---")
            .map(|(i, _)| i + 1)
            .find(|&line| {
                !is_blank_yaml(&yaml.lines().take(line - 1).collect::<Vec<_>>().join("\n"))
            })
            .unwrap_or(1);
        return Diagnostic::error(
            path,
            Pos::Read { line: second + line_offset, col: 1 },
            "a second YAML document starts here: a record file holds one record",
        )
        .with_hint(if line_offset > 0 {
            "the front matter ends at its second `---` line; the text goes below it, without another `---`"
        } else {
            "remove this `---` line, or move the second record into a file of its own"
        });
    }
    // serde_yaml writes " at line L column C" into its messages, sometimes
    // twice; the position goes in front instead.
    let mut message = full.clone();
    while let Some(i) = message.find(" at line ") {
        let rest = &message[i + 9..];
        let end = rest
            .find(" column ")
            .map(|c| {
                c + 8
                    + rest[c + 8..]
                        .find(|ch: char| !ch.is_ascii_digit())
                        .unwrap_or(rest.len() - c - 8)
            })
            .unwrap_or(rest.len());
        message = format!("{}{}", &message[..i], &rest[end..]);
    }
    let pos = match e.location() {
        Some(l) => Pos::Read {
            line: l.line() + line_offset,
            col: l.column(),
        },
        None => Pos::Read {
            line: 1 + line_offset,
            col: 1,
        },
    };
    let (message, mut hint) = explain_yaml_error(&message);
    // A tab in a line's indentation is what YAML stumbles on there.
    let line = e.location().map_or(1, |l| l.line());
    let indent_tab = yaml.lines().nth(line.saturating_sub(1)).is_some_and(|l| {
        l.chars()
            .take_while(|c| c.is_whitespace())
            .any(|c| c == '\t')
    });
    if indent_tab {
        hint = Some("indent with spaces, not tabs (this line starts with a tab)".to_string());
    }
    let d = Diagnostic::error(path, pos, message);
    match hint {
        Some(h) => d.with_hint(h),
        None => d,
    }
}

fn explain_yaml_error(message: &str) -> (String, Option<String>) {
    if let Some((m, hint)) = crate::diag::explain_unknown_field(message) {
        return (m, Some(hint));
    }
    if let Some((m, hint)) = crate::diag::explain_type_error(message) {
        return (m, Some(hint));
    }
    if message.contains("invalid type") || message.contains("invalid value") {
        return (
            message.to_string(),
            Some("check the value's type: text, number, list or nested fields".to_string()),
        );
    }
    if message.contains("tab character") {
        return (
            format!("YAML syntax: {message}"),
            Some("indent with spaces, not tabs".to_string()),
        );
    }
    if message.contains("did not find expected")
        || message.contains("mapping values are not allowed")
        || message.contains("found character that cannot start")
        || message.contains("could not find expected")
    {
        return (
            format!("YAML syntax: {message}"),
            Some("check indentation and colons; quote values that contain `: ` or start with `@`, `*`, `&`, `{`, `[`".to_string()),
        );
    }
    (message.to_string(), None)
}
