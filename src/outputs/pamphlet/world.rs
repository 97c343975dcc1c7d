//! The typst `World` of one pamphlet: the theme's `pamphlet/` files as the
//! project, the model's data as a virtual `data.json`, and the fonts shipped
//! with the theme. Nothing is read from disk during compilation, so builds are
//! reproducible and the files typst may read are exactly the theme's.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use typst::diag::{FileError, FileResult, Severity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};

use crate::diag::{Diagnostic, Pos};
use crate::outputs::theme::{Origin, Theme};

/// The template typst starts from, inside the theme's `pamphlet/`.
pub const MAIN: &str = "pamphlet.typ";
/// The model's data, as the template reads it: `json("data.json")`.
pub const DATA: &str = "data.json";

/// Fonts of the theme, parsed once per build and shared by every edition.
pub struct Fonts {
    pub book: LazyHash<FontBook>,
    pub fonts: Vec<Font>,
}

impl Fonts {
    /// Every `.ttf`, `.otf` and `.ttc` file in the theme's `pamphlet/`.
    pub fn from_theme(theme: &Theme) -> Fonts {
        let mut fonts = Vec::new();
        for (rel, file) in &theme.pamphlet {
            let lower = rel.to_ascii_lowercase();
            if [".ttf", ".otf", ".ttc"].iter().any(|e| lower.ends_with(e)) {
                fonts.extend(Font::iter(bytes(&file.data)));
            }
        }
        Fonts {
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
        }
    }

    /// Whether some font can set Japanese text (kana and common kanji).
    pub fn has_japanese(&self) -> bool {
        self.fonts.iter().any(|font| {
            "あア東区"
                .chars()
                .all(|c| font.info().coverage.contains(c as u32))
        })
    }
}

pub struct PamphletWorld<'a> {
    library: &'a LazyHash<Library>,
    fonts: &'a Fonts,
    theme: &'a Theme,
    main: FileId,
    data: FileId,
    data_bytes: Bytes,
    /// Parsed sources, so a diagnostic can be placed after compilation.
    sources: std::sync::Mutex<HashMap<FileId, Source>>,
}

/// Built-in files are handed to typst without a copy (hence the `Cow`).
#[allow(clippy::ptr_arg)]
fn bytes(data: &Cow<'static, [u8]>) -> Bytes {
    match data {
        Cow::Borrowed(b) => Bytes::new(*b),
        Cow::Owned(v) => Bytes::new(v.clone()),
    }
}

fn file_id(path: &str) -> FileId {
    let vpath = VirtualPath::new(path).expect("carebook's own virtual paths are valid");
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

impl<'a> PamphletWorld<'a> {
    pub fn new(
        library: &'a LazyHash<Library>,
        fonts: &'a Fonts,
        theme: &'a Theme,
        data: Vec<u8>,
    ) -> Self {
        PamphletWorld {
            library,
            fonts,
            theme,
            main: file_id(MAIN),
            data: file_id(DATA),
            data_bytes: Bytes::new(data),
            sources: Default::default(),
        }
    }

    pub fn library() -> LazyHash<Library> {
        LazyHash::new(Library::builder().build())
    }

    /// The theme-relative path a file id stands for, if it is the project's.
    fn rel_path(id: FileId) -> Option<String> {
        match id.root() {
            VirtualRoot::Project => Some(
                id.vpath()
                    .get_with_slash()
                    .trim_start_matches('/')
                    .to_string(),
            ),
            VirtualRoot::Package(_) => None,
        }
    }

    /// Where a theme file came from, for diagnostics.
    pub fn origin_path(&self, rel: &str, root: &Path) -> PathBuf {
        match self.theme.pamphlet.get(rel).map(|f| &f.origin) {
            Some(Origin::Disk(p)) => p.clone(),
            _ => root.join("pamphlet").join(rel),
        }
    }

    /// The file and line of a raw span, for typst's timing trace.
    pub fn span_origin(&self, raw: std::num::NonZeroU64) -> (String, u32) {
        let span = typst::syntax::Span::from_raw(raw);
        let file = span.id().and_then(Self::rel_path).unwrap_or_default();
        let line = span
            .id()
            .and_then(|id| Some((self.range(span)?, self.source(id).ok()?)))
            .and_then(|(range, source)| source.lines().byte_to_line_column(range.start))
            .map_or(0, |(line, _)| line as u32 + 1);
        (file, line)
    }

    /// A typst error or warning as a carebook diagnostic at the template's
    /// file, line and column.
    pub fn diagnostic(&self, d: &SourceDiagnostic, root: &Path) -> Diagnostic {
        let mut file = self.origin_path(MAIN, root);
        let mut pos = Pos::File;
        if let Some(id) = d.span.id() {
            if let Some(rel) = Self::rel_path(id) {
                file = if id == self.data {
                    PathBuf::from(DATA)
                } else {
                    self.origin_path(&rel, root)
                };
            }
            if let (Some(range), Ok(source)) = (self.range(d.span), self.source(id)) {
                if let Some((line, col)) = source.lines().byte_to_line_column(range.start) {
                    pos = Pos::At {
                        line: line + 1,
                        col: col + 1,
                    };
                }
            }
        }
        let message = format!("pamphlet template: {}", d.message);
        let mut out = match d.severity {
            Severity::Error => Diagnostic::error(file, pos, message),
            Severity::Warning => Diagnostic::warning(file, pos, message),
        };
        // typst's hints speak of its command line (`--root`), which a
        // guidebook's keeper does not use.
        let hints: Vec<&str> = d
            .hints
            .iter()
            .map(|h| {
                if h.v.contains("--root") || h.v.contains("project root") {
                    "the pamphlet template can read only files in the theme's pamphlet/ folder (or the guidebook's pamphlet/ folder); copy the file there"
                } else {
                    h.v.as_str()
                }
            })
            .collect();
        if !hints.is_empty() {
            out = out.with_hint(hints.join("; "));
        }
        out
    }
}

impl World for PamphletWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.fonts.book
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if let Some(s) = self.sources.lock().unwrap().get(&id) {
            return Ok(s.clone());
        }
        let bytes = self.file(id)?;
        let text = std::str::from_utf8(bytes.as_slice()).map_err(|_| FileError::InvalidUtf8)?;
        let source = Source::new(id, text.to_string());
        self.sources.lock().unwrap().insert(id, source.clone());
        Ok(source)
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.data {
            return Ok(self.data_bytes.clone());
        }
        let rel = Self::rel_path(id).ok_or_else(|| {
            FileError::Other(Some(
                "packages are not available to the pamphlet; put the files into the theme's pamphlet/ folder".into(),
            ))
        })?;
        match self.theme.pamphlet.get(&rel) {
            Some(f) => Ok(bytes(&f.data)),
            None => Err(FileError::NotFound(PathBuf::from("pamphlet").join(rel))),
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        // The pamphlet is dated by the guidebook's `as_of`, never the clock.
        None
    }
}
