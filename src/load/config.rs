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
    pub theme: Spanned<String>,
    /// Where `carebook build` writes the tantivy index, from the root.
    #[serde(default = "default_search_index")]
    pub search_index: Spanned<String>,
    #[serde(default)]
    pub pamphlet: RawPamphlet,
    #[serde(default)]
    pub opendata: RawOpendata,
    #[serde(default)]
    pub search: RawSearch,
    /// Town (町) → postal code, for `carebook import` of lists whose
    /// addresses have none (the MHLW 介護サービス情報公表 files).
    #[serde(default)]
    pub postal_codes: std::collections::BTreeMap<String, Spanned<String>>,
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
    /// Facilities of a type in one 五十音 list ("kana") or by area ("area").
    pub group_by: Option<Spanned<String>>,
    /// Type size: "normal" (10.5 pt) or "large" (12 pt).
    pub size: Option<Spanned<String>>,
    /// Stale records: "mark" (※ and a footnote), "omit" or "show".
    pub stale: Option<Spanned<String>>,
    /// Each facility type starts a new page.
    #[serde(default)]
    pub new_page: bool,
    /// Readings (kana) of corporate prefixes the 五十音 order skips.
    pub sort_ignore_prefixes: Option<Vec<Spanned<String>>>,
    /// Printed in the colophon, e.g. "第3版".
    pub edition: Option<String>,
    /// The third mark of the capability columns: a capability a facility
    /// lists under `consult:` (e.g. "△" = "要相談").
    pub consult_mark: Option<Spanned<String>>,
    pub consult_label: Option<String>,
    /// "none" (CMYK colours, the default) or a PDF/A level: "a-2a", "a-2u", "a-2b".
    pub pdf_standard: Option<Spanned<String>>,
}

/// `[opendata]`: the lists published under the site's `opendata/`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOpendata {
    /// The licence's name, shown on the page and in the JSON.
    #[serde(default = "default_licence")]
    pub licence: String,
    /// Where the licence is explained.
    #[serde(default = "default_licence_url")]
    pub licence_url: Spanned<String>,
}

impl Default for RawOpendata {
    fn default() -> Self {
        RawOpendata {
            licence: default_licence(),
            licence_url: default_licence_url(),
        }
    }
}

fn default_licence() -> String {
    "CC BY 4.0".to_string()
}

fn default_licence_url() -> Spanned<String> {
    Spanned::new(
        0..0,
        "https://creativecommons.org/licenses/by/4.0/deed.ja".to_string(),
    )
}

impl Default for RawPamphlet {
    fn default() -> Self {
        RawPamphlet {
            enabled: true,
            file: default_pamphlet_file(),
            types: Vec::new(),
            areas: Vec::new(),
            per_area: false,
            group_by: None,
            size: None,
            stale: None,
            new_page: false,
            sort_ignore_prefixes: None,
            edition: None,
            consult_mark: None,
            consult_label: None,
            pdf_standard: None,
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

fn default_search_index() -> Spanned<String> {
    Spanned::new(0..0, "search-index".to_string())
}

fn default_theme() -> Spanned<String> {
    Spanned::new(0..0, "default".to_string())
}

/// `[search]`: how the site's search understands everyday words.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSearch {
    /// Everyday word = the word(s) the records use: `"訪看" = "訪問看護"`,
    /// `"ケアマネ" = ["居宅介護支援", "介護支援専門員"]`.
    #[serde(default)]
    pub synonyms: std::collections::BTreeMap<Spanned<String>, OneOrMany>,
    /// Examples shown in the search boxes (例：…); made from the guidebook
    /// when not given.
    #[serde(default)]
    pub examples: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(v) => v,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawArea {
    pub key: Spanned<String>,
    pub name: String,
    pub kana: Spanned<String>,
    /// The towns (町) the area covers, e.g. ["中道", "東小橋"].
    #[serde(default)]
    pub towns: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawType {
    pub key: Spanned<String>,
    pub name: String,
    /// Reading of the name in hiragana, so that search finds the type by it.
    pub kana: Option<Spanned<String>>,
    pub schema: Spanned<String>,
    /// A short explanation of the type, for residents (居宅介護支援事業所とは…).
    pub description: Option<String>,
    /// 医療機関の種類 / サービスの種類 names that `carebook import` maps to
    /// this type (the first is written back by the open-data export).
    #[serde(default)]
    pub import: Vec<Spanned<String>>,
    /// MHLW service codes (サービスコード, e.g. 430 居宅介護支援) mapped here.
    #[serde(default)]
    pub service_codes: Vec<Spanned<i64>>,
    #[serde(default)]
    pub capabilities: Vec<RawCapability>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCapability {
    pub key: Spanned<String>,
    pub label: String,
    pub short: Option<String>,
    /// Reading of the label in hiragana (看取り → みとり), for search.
    pub kana: Option<Spanned<String>>,
}

/// The config file's text, kept to turn byte spans into positions.
pub struct ConfigSource {
    pub path: PathBuf,
    pub text: String,
}

impl ConfigSource {
    /// The position of a span; an empty span at 0 is a default value,
    /// which stands nowhere in the file.
    pub fn pos(&self, span: std::ops::Range<usize>) -> Pos {
        if span == (0..0) {
            return Pos::File;
        }
        let (line, col) = super::text::line_col(&self.text, span.start);
        Pos::Read { line, col }
    }

    pub fn error<T>(&self, at: &Spanned<T>, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(&self.path, self.pos(at.span()), message)
    }
}

pub fn load(root: &Path) -> Result<(RawConfig, ConfigSource), Vec<Diagnostic>> {
    let path = root.join(FILE);
    let bytes = std::fs::read(&path).map_err(|e| {
        vec![Diagnostic::error(&path, Pos::File, format!("cannot read the guidebook settings: {e}"))
            .with_hint("run carebook in a guidebook directory, pass --root DIR, or make one with `carebook init DIR`")]
    })?;
    let text = super::text::decode(&path, bytes)?;
    let src = ConfigSource { path, text };
    match toml::from_str::<RawConfig>(&src.text) {
        Ok(raw) => Ok((raw, src)),
        Err(e) => {
            let pos = e.span().map_or(Pos::File, |s| src.pos(s));
            let message = e.message().trim().to_string();
            // toml names no key in its messages: the line's key goes first.
            let span = e.span().unwrap_or(0..0);
            let line_start = src.text[..span.start.min(src.text.len())]
                .rfind('\n')
                .map_or(0, |i| i + 1);
            let key = src.text[line_start..]
                .split_once('=')
                .map(|(k, _)| k.trim())
                .filter(|k| !k.is_empty() && !k.contains(['\n', '[', '{']));
            let value = src.text.get(span.clone()).unwrap_or("").trim();
            let is_date = value.len() >= 10
                && value.as_bytes()[..10].iter().enumerate().all(|(i, b)| {
                    if i == 4 || i == 7 {
                        *b == b'-'
                    } else {
                        b.is_ascii_digit()
                    }
                });
            let unknown = crate::diag::explain_unknown_field(&message);
            let explained = None
                .or_else(|| {
                    (is_date && message.contains("expected a string")).then(|| {
                        (
                            format!("the date {value} must be written in quotes"),
                            format!("write it as {} = \"{value}\"", key.unwrap_or("as_of")),
                        )
                    })
                })
                .or_else(|| crate::diag::explain_type_error(&message))
                .map(|(m, hint)| match key {
                    Some(k) if !m.starts_with(k) && !m.starts_with("the date") => {
                        (format!("{k}: {m}"), hint)
                    }
                    _ => (m, hint),
                })
                .or(unknown);
            let d = match explained {
                Some((m, hint)) => Diagnostic::error(&src.path, pos, m).with_hint(hint),
                None if message.starts_with("missing field") => {
                    Diagnostic::error(&src.path, pos, message)
                        .with_hint("see the carebook.toml example in README.md")
                }
                None if message.contains("duplicate key") => {
                    let key = src.text.get(e.span().unwrap_or(0..0)).unwrap_or("").trim();
                    Diagnostic::error(&src.path, pos, format!("`{key}` is set twice"))
                        .with_hint("keep one of the two lines; a setting may appear once per table")
                }
                None => Diagnostic::error(&src.path, pos, message),
            };
            Err(vec![d])
        }
    }
}
