//! Diagnostics: every problem a build finds, with `file:line:col`, a message
//! and a hint. Positions of problems found after parsing are stored as a
//! path into the YAML document and resolved only when reported, so a clean
//! build never pays for span bookkeeping.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::load::spans::SpanIndex;

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

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let file = self.file.display().to_string().replace('\\', "/");
        match self.line_col() {
            Some((line, col)) => write!(f, "{file}:{line}:{col}: {sev}: {}", self.message)?,
            None => write!(f, "{file}: {sev}: {}", self.message)?,
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
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

    /// Turns YAML paths into line and column by reading each concerned file
    /// once, makes file names relative to `root`, and sorts by position.
    pub fn resolve(&mut self, root: &Path) {
        let mut by_file: BTreeMap<PathBuf, Option<SpanIndex>> = BTreeMap::new();
        for d in &mut self.items {
            if let Pos::Yaml { path, line_offset } = &d.pos {
                let index = by_file.entry(d.file.clone()).or_insert_with(|| {
                    let text = std::fs::read_to_string(&d.file).ok()?;
                    let (yaml, _) = crate::load::split_front_matter(&text, &d.file);
                    Some(SpanIndex::build(yaml))
                });
                d.pos = match index.as_ref().and_then(|ix| ix.find(path)) {
                    Some((line, col)) => Pos::At {
                        line: line + line_offset,
                        col,
                    },
                    None => Pos::At {
                        line: 1 + line_offset,
                        col: 1,
                    },
                };
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
