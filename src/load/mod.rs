//! Stage 1, load: walk `content/`, read every record file, parse its YAML
//! (or Markdown front matter) into raw records. Problems become diagnostics;
//! nothing here knows the guidebook's vocabularies.

pub mod config;
pub mod raw;
pub mod spans;

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
}

#[derive(Debug, Default)]
pub struct Content {
    pub facilities: Vec<Loaded<raw::Facility>>,
    pub meetings: Vec<Loaded<raw::Meeting>>,
    pub windows: Vec<Loaded<raw::Window>>,
    pub pages: Vec<Loaded<raw::Page>>,
    /// `content/_index.md`: the top page's introduction.
    pub home: Option<Loaded<raw::Page>>,
    pub diagnostics: Vec<Diagnostic>,
}

#[derive(Clone, Copy)]
enum Kind {
    Facility,
    Meeting,
    Window,
    Page,
    Home,
}

/// Reads every record under `root/content`.
pub fn load_content(root: &Path) -> Content {
    let dir = root.join("content");
    let mut content = Content::default();
    if !dir.is_dir() {
        content.diagnostics.push(
            Diagnostic::error(&dir, Pos::File, "content directory not found").with_hint(
                "a guidebook keeps its records in content/; `carebook init DIR` makes one",
            ),
        );
        return content;
    }
    let mut files: Vec<(Kind, PathBuf)> = Vec::new();
    for entry in WalkDir::new(&dir).sort_by_file_name() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().unwrap_or(&dir).to_path_buf();
                content.diagnostics.push(Diagnostic::error(
                    path,
                    Pos::File,
                    format!("cannot read: {e}"),
                ));
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.into_path();
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if name.starts_with('.') {
            continue;
        }
        let rel = path.strip_prefix(&dir).unwrap_or(&path);
        let section = rel
            .components()
            .next()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .unwrap_or_default();
        let ext = path.extension().unwrap_or_default().to_string_lossy();
        let nested = rel.components().count() > 2;
        let kind = match (section.as_str(), &*ext) {
            ("_index.md", _) => Some(Kind::Home),
            ("facilities", "yaml" | "yml" | "md") => Some(Kind::Facility),
            ("meetings", "yaml" | "yml") if !nested => Some(Kind::Meeting),
            ("windows", "yaml" | "yml") if !nested => Some(Kind::Window),
            ("pages", "md") if !nested => Some(Kind::Page),
            _ => None,
        };
        match kind {
            Some(k) => files.push((k, path)),
            None => content.diagnostics.push(
                Diagnostic::warning(&path, Pos::File, "file ignored: not a record")
                    .with_hint("records are content/facilities/**/*.yaml|*.md, content/meetings/*.yaml, content/windows/*.yaml, content/pages/*.md"),
            ),
        }
    }

    enum Parsed {
        Facility(Loaded<raw::Facility>),
        Meeting(Loaded<raw::Meeting>),
        Window(Loaded<raw::Window>),
        Page(Loaded<raw::Page>),
        Home(Loaded<raw::Page>),
    }
    crate::progress::start("reading records", files.len());
    let done = std::sync::atomic::AtomicUsize::new(0);
    let parsed: Vec<Result<Parsed, Diagnostic>> = files
        .into_par_iter()
        .map(|(kind, path)| {
            crate::progress::tick(&done);
            let text = std::fs::read_to_string(&path).map_err(|e| {
                Diagnostic::error(&path, Pos::File, format!("cannot read: {e}"))
                    .with_hint("records must be UTF-8 text files")
            })?;
            Ok(match kind {
                Kind::Facility => Parsed::Facility(parse_record(path, &text)?),
                Kind::Meeting => Parsed::Meeting(parse_record(path, &text)?),
                Kind::Window => Parsed::Window(parse_record(path, &text)?),
                Kind::Page => Parsed::Page(parse_record(path, &text)?),
                Kind::Home => Parsed::Home(parse_record(path, &text)?),
            })
        })
        .collect();
    crate::progress::finish();
    for p in parsed {
        match p {
            Ok(Parsed::Facility(r)) => content.facilities.push(r),
            Ok(Parsed::Meeting(r)) => content.meetings.push(r),
            Ok(Parsed::Window(r)) => content.windows.push(r),
            Ok(Parsed::Page(r)) => content.pages.push(r),
            Ok(Parsed::Home(r)) => content.home = Some(r),
            Err(d) => content.diagnostics.push(d),
        }
    }
    content
}

fn is_markdown(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "md")
}

/// Splits a record file into its YAML and, for Markdown, the body.
pub fn split_front_matter<'a>(text: &'a str, path: &Path) -> (&'a str, Option<&'a str>) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if !is_markdown(path) {
        return (text, None);
    }
    let Some(rest) = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
    else {
        return ("", Some(text));
    };
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            return (&rest[..offset], Some(&rest[offset + line.len()..]));
        }
        offset += line.len();
    }
    (rest, Some(""))
}

fn parse_record<T: DeserializeOwned>(path: PathBuf, text: &str) -> Result<Loaded<T>, Diagnostic> {
    let markdown = is_markdown(&path);
    let (yaml, body) = split_front_matter(text, &path);
    let line_offset = usize::from(markdown);
    if markdown && !text.trim_start_matches('\u{feff}').starts_with("---") {
        return Err(Diagnostic::error(
            &path,
            Pos::At { line: 1, col: 1 },
            "expected front matter between `---` lines",
        )
        .with_hint("a Markdown record starts with a line `---`, its YAML fields, another `---`, then the text"));
    }
    if yaml.trim().is_empty() {
        return Err(Diagnostic::error(
            &path,
            Pos::At {
                line: 1 + line_offset,
                col: 1,
            },
            "the record is empty",
        )
        .with_hint(
            "write its fields as YAML, e.g. `name: ...`; `carebook new` writes a template",
        ));
    }
    match serde_yaml::from_str::<T>(yaml) {
        Ok(raw) => Ok(Loaded {
            source: Source { path, line_offset },
            raw,
            body: body.map(str::to_string),
        }),
        Err(e) => Err(yaml_error(&path, &e, line_offset)),
    }
}

/// serde_yaml's error, with its position, a readable message and a hint.
fn yaml_error(path: &Path, e: &serde_yaml::Error, line_offset: usize) -> Diagnostic {
    let full = e.to_string();
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
        Some(l) => Pos::At {
            line: l.line() + line_offset,
            col: l.column(),
        },
        None => Pos::At {
            line: 1 + line_offset,
            col: 1,
        },
    };
    let (message, hint) = explain_yaml_error(&message);
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
    if message.contains("invalid type") {
        let hint = if message.contains("expected a sequence") {
            "write a list, e.g. `[a, b]` or one `- item` per line"
        } else if message.contains("expected struct") || message.contains("expected a map") {
            "write the fields indented under this key, one `field: value` per line"
        } else {
            "check the value's type: text, number, list or nested fields"
        };
        return (message.to_string(), Some(hint.to_string()));
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
