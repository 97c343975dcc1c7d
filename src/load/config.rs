//! `carebook.toml` as written. Values that the model validates later keep
//! their byte span so their problems can be reported at `line:col`.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::diag::{Diagnostic, Pos};

pub const FILE: &str = "carebook.toml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    pub title: String,
    pub publisher: String,
    pub municipality: String,
    pub municipality_code: Spanned<String>,
    pub base_url: Spanned<String>,
    pub as_of: Spanned<String>,
    #[serde(default = "default_stale")]
    pub stale_after_months: u32,
    #[serde(default)]
    pub sample: bool,
    #[serde(default)]
    pub allow_html: bool,
    /// Rows per list page; 0 puts every row on one page.
    #[serde(default = "default_page_size")]
    pub page_size: usize,
    #[serde(default = "default_theme")]
    pub theme: String,
    /// Where `carebook build` writes the tantivy index, from the root.
    #[serde(default = "default_search_index")]
    pub search_index: String,
    #[serde(default)]
    pub pamphlet: RawPamphlet,
    pub areas: Vec<RawArea>,
    pub types: Vec<RawType>,
}

/// `[pamphlet]`: the printable PDF.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPamphlet {
    #[serde(default = "yes")]
    pub enabled: bool,
    /// File name inside the site output.
    #[serde(default = "default_pamphlet_file")]
    pub file: Spanned<String>,
    /// Facility types to print, in the configured order; empty = all.
    #[serde(default)]
    pub types: Vec<Spanned<String>>,
    /// Areas to print; empty = all.
    #[serde(default)]
    pub areas: Vec<Spanned<String>>,
    /// One PDF per area (`pamphlet-north.pdf`, …) instead of one for all.
    #[serde(default)]
    pub per_area: bool,
}

impl Default for RawPamphlet {
    fn default() -> Self {
        RawPamphlet {
            enabled: true,
            file: default_pamphlet_file(),
            types: Vec::new(),
            areas: Vec::new(),
            per_area: false,
        }
    }
}

fn yes() -> bool {
    true
}

fn default_pamphlet_file() -> Spanned<String> {
    Spanned::new(0..0, "pamphlet.pdf".to_string())
}

fn default_stale() -> u32 {
    12
}

fn default_page_size() -> usize {
    200
}

fn default_search_index() -> String {
    "search-index".to_string()
}

fn default_theme() -> String {
    "default".to_string()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawArea {
    pub key: Spanned<String>,
    pub name: String,
    pub kana: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawType {
    pub key: Spanned<String>,
    pub name: String,
    pub schema: Spanned<String>,
    #[serde(default)]
    pub capabilities: Vec<RawCapability>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCapability {
    pub key: Spanned<String>,
    pub label: String,
    pub short: Option<String>,
}

/// The config file's text, kept to turn byte spans into positions.
pub struct ConfigSource {
    pub path: PathBuf,
    pub text: String,
}

impl ConfigSource {
    pub fn pos(&self, span: std::ops::Range<usize>) -> Pos {
        let (line, col) = line_col(&self.text, span.start);
        Pos::At { line, col }
    }

    pub fn error<T>(&self, at: &Spanned<T>, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(&self.path, self.pos(at.span()), message)
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

pub fn load(root: &Path) -> Result<(RawConfig, ConfigSource), Diagnostic> {
    let path = root.join(FILE);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        Diagnostic::error(&path, Pos::File, format!("cannot read the guidebook settings: {e}"))
            .with_hint("run carebook in a guidebook directory, pass --root DIR, or make one with `carebook init DIR`")
    })?;
    let src = ConfigSource { path, text };
    match toml::from_str::<RawConfig>(&src.text) {
        Ok(raw) => Ok((raw, src)),
        Err(e) => {
            let pos = e.span().map_or(Pos::File, |s| src.pos(s));
            let message = e.message().trim().to_string();
            let d = match crate::diag::explain_unknown_field(&message) {
                Some((m, hint)) => Diagnostic::error(&src.path, pos, m).with_hint(hint),
                None if message.starts_with("missing field") => {
                    Diagnostic::error(&src.path, pos, message)
                        .with_hint("see the carebook.toml example in README.md")
                }
                None => Diagnostic::error(&src.path, pos, message),
            };
            Err(d)
        }
    }
}
