//! Diagnostics: every problem a build finds, with `file:line:col`, a message
//! and a hint. Positions of problems found after parsing are stored as a
//! path into the YAML document and resolved only when reported, so a clean
//! build never pays for span bookkeeping.

use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// Where in a file a problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pos {
    /// Already known (from serde_yaml or toml).
    At { line: usize, col: usize },
    /// A path into the YAML document such as `hours[1].close`; resolved from
    /// the file on disk when reported. `line_offset` is the number of lines
    /// before the YAML starts (front matter in Markdown files).
    Yaml { path: String, line_offset: usize },
    /// A line and column in the file's text as read, in Unicode NFC (see
    /// `load::text`), turned into the file's own column when reported.
    Read { line: usize, col: usize },
    /// The file as a whole.
    File,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub file: PathBuf,
    pub pos: Pos,
    pub message: String,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(file: impl Into<PathBuf>, pos: Pos, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.into(),
            pos,
            message: message.into(),
            hint: None,
        }
    }

    pub fn warning(file: impl Into<PathBuf>, pos: Pos, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, pos, message)
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn line_col(&self) -> Option<(usize, usize)> {
        match self.pos {
            Pos::At { line, col } => Some((line, col)),
            _ => None,
        }
    }
}

/// Text on one line: a line break or other control character inside a
/// value quoted in a message is written as an escape, so that every problem
/// stays one `path:line:col: error:` line for editors.
fn one_line(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return text.into();
    }
    text.chars()
        .map(|c| match c {
            '\n' => "\\n".to_string(),
            '\r' => "\\r".to_string(),
            '\t' => "\\t".to_string(),
            c if c.is_control() => format!("\\u{{{:04x}}}", c as u32),
            c => c.to_string(),
        })
        .collect::<String>()
        .into()
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let file = self.file.display().to_string().replace('\\', "/");
        let message = one_line(&self.message);
        match self.line_col() {
            Some((line, col)) => write!(f, "{file}:{line}:{col}: {sev}: {message}")?,
            None => write!(f, "{file}: {sev}: {message}")?,
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {}", one_line(hint))?;
        }
        Ok(())
    }
}

/// All diagnostics of one build.
#[derive(Debug, Default)]
pub struct Diagnostics {
    pub items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(ds);
    }

    pub fn errors(&self) -> usize {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    pub fn warnings(&self) -> usize {
        self.items.len() - self.errors()
    }

    pub fn has_errors(&self) -> bool {
        self.errors() > 0
    }

    /// Places every diagnostic with `locate` (which turns positions that
    /// need the file into line and column: `load::locate`), makes file names
    /// relative to `root`, and sorts by position.
    pub fn resolve(&mut self, root: &Path, mut locate: impl FnMut(&Path, &Pos) -> Option<Pos>) {
        for d in &mut self.items {
            if let Some(pos) = locate(&d.file, &d.pos) {
                d.pos = pos;
            }
            if let Ok(rel) = d.file.strip_prefix(root) {
                d.file = rel.to_path_buf();
            }
        }
        self.items.sort_by(|a, b| {
            (&a.file, a.line_col(), a.severity, &a.message).cmp(&(
                &b.file,
                b.line_col(),
                b.severity,
                &b.message,
            ))
        });
        self.items.dedup();
    }
}

/// The closest candidate to `word`, if close enough to be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// A hint naming the closest candidate, or listing them all when none is close.
pub fn suggest(word: &str, what: &str, candidates: &[&str]) -> String {
    match did_you_mean(word, candidates.iter().copied()) {
        Some(c) => format!("did you mean `{c}`? ({what}: {})", candidates.join(", ")),
        None => format!("{what}: {}", candidates.join(", ")),
    }
}

/// serde's "unknown field `x`, expected one of `a`, `b`" (from serde_yaml
/// and toml alike) as a short message and a did-you-mean hint.
pub fn explain_unknown_field(message: &str) -> Option<(String, String)> {
    let rest = message.split_once("unknown field `")?.1;
    let (field, expected) = rest.split_once('`')?;
    let allowed: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    let hint = match did_you_mean(field, allowed.iter().copied()) {
        Some(s) => format!("did you mean `{s}`? (allowed here: {})", allowed.join(", ")),
        None => format!("allowed here: {}", allowed.join(", ")),
    };
    Some((format!("unknown field `{field}`"), hint))
}

/// serde's "invalid type: X, expected Y" and "invalid value: X, expected Y"
/// (from serde_yaml and toml alike) in plain words, without Rust's type
/// names, with a hint on how to write the value.
pub fn explain_type_error(message: &str) -> Option<(String, String)> {
    let (prefix, rest) = ["invalid type: ", "invalid value: "]
        .iter()
        .find_map(|m| message.split_once(m))?;
    let (found, expected) = rest.rsplit_once(", expected ")?;
    let number = |s: &str| s.split('`').nth(1).unwrap_or(s).to_string();
    let found = match found.split_once(' ').map_or((found, ""), |(a, b)| (a, b)) {
        ("string", s) => format!("the text {s}"),
        ("integer", n) | ("floating", n) => format!("the number {}", number(n)),
        ("boolean", b) => number(b),
        ("map", _) => "fields under it".to_string(),
        ("sequence", _) => "a list".to_string(),
        ("unit", _) => "nothing (an empty value)".to_string(),
        ("local" | "offset", _) => "a date without quotes".to_string(),
        _ => found.to_string(),
    };
    let expected = expected.trim();
    let (want, hint) = match expected {
        "a string" | "a borrowed string" | "a character" => (
            "text",
            if found.starts_with("a date") {
                "write the date in quotes, e.g. as_of = \"2026-10-01\""
            } else {
                "write the value as text; quote it if it looks like a number or a date"
            },
        ),
        "a sequence" => (
            "a list",
            "write a list, e.g. `[a, b]` or one `- item` per line",
        ),
        "a boolean" => ("true or false", "write true or false, without quotes"),
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => (
            "a whole number",
            "write a whole number without quotes, e.g. 3",
        ),
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => (
            "a whole number of 0 or more",
            "write a whole number without quotes, e.g. 12",
        ),
        "f32" | "f64" => (
            "a number",
            "write a decimal number without quotes, e.g. 34.67",
        ),
        e if e.starts_with("struct ") || e == "a map" || e == "map" => (
            "fields under this key",
            "write the fields indented under this key, one `field: value` per line",
        ),
        _ => return None,
    };
    let message = format!("{prefix}expected {want}, found {found}");
    Some((message, hint.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_errors_in_plain_words() {
        let (m, h) = explain_type_error(
            "hours: invalid type: string \"月～金 9時から\", expected a sequence",
        )
        .unwrap();
        assert_eq!(
            m,
            "hours: expected a list, found the text \"月～金 9時から\""
        );
        assert!(h.contains("list"));
        let (m, _) = explain_type_error("invalid value: integer `-3`, expected u32").unwrap();
        assert_eq!(
            m,
            "expected a whole number of 0 or more, found the number -3"
        );
        let (m, h) = explain_type_error("invalid type: local date, expected a string").unwrap();
        assert_eq!(m, "expected text, found a date without quotes");
        assert!(h.contains("in quotes"));
        let (m, _) = explain_type_error("address: invalid type: map, expected a string").unwrap();
        assert_eq!(m, "address: expected text, found fields under it");
        for m in ["i64", "u32", "usize", "f64", "invalid type"] {
            let (text, _) = explain_type_error(&format!("x: invalid type: map, expected {m}"))
                .unwrap_or_default();
            assert!(
                !text.contains(m) || m == "invalid type" && text.is_empty(),
                "{text}"
            );
        }
    }
}
