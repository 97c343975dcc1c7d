//! The theme's templates, static files and pamphlet files. A file is taken
//! from the first place that has it, as in Zola: the guidebook's own
//! `templates/`, `static/` or `pamphlet/`, then its `themes/NAME/`, then the
//! built-in default theme.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diag::{Diagnostic, Pos};

include!(concat!(env!("OUT_DIR"), "/theme.rs"));

/// Where a theme file came from: a path on disk, or built in.
#[derive(Debug, Clone)]
pub enum Origin {
    Disk(PathBuf),
    BuiltIn,
}

#[derive(Debug, Clone)]
pub struct ThemeFile {
    /// Built-in files are borrowed: the pamphlet's fonts are megabytes.
    pub data: Cow<'static, [u8]>,
    pub origin: Origin,
}

#[derive(Debug, Default)]
pub struct Theme {
    /// Template name (path under `templates/`) to file.
    pub templates: BTreeMap<String, ThemeFile>,
    /// Path under `static/` to file.
    pub statics: BTreeMap<String, ThemeFile>,
    /// Path under `pamphlet/` to file (the typst template, its fonts).
    pub pamphlet: BTreeMap<String, ThemeFile>,
}

impl Theme {
    pub fn load(root: &Path, name: &str) -> Result<Theme, Diagnostic> {
        let mut theme = Theme::default();
        if name == "default" {
            for (rel, data) in DEFAULT_THEME {
                theme.insert(rel, Cow::Borrowed(*data), Origin::BuiltIn);
            }
        }
        let dir = root.join("themes").join(name);
        if dir.is_dir() {
            theme.overlay(&dir)?;
        } else if name != "default" {
            return Err(Diagnostic::error(
                root.join(crate::load::config::FILE),
                Pos::File,
                format!("theme \"{name}\" not found in themes/{name}/"),
            )
            .with_hint(
                "set theme = \"default\" or put the theme's templates/ and static/ in themes/NAME/",
            ));
        }
        theme.overlay(root)?;
        Ok(theme)
    }

    fn insert(&mut self, rel: &str, data: Cow<'static, [u8]>, origin: Origin) {
        let file = ThemeFile { data, origin };
        if let Some(t) = rel.strip_prefix("templates/") {
            self.templates.insert(t.to_string(), file);
        } else if let Some(s) = rel.strip_prefix("static/") {
            self.statics.insert(s.to_string(), file);
        } else if let Some(p) = rel.strip_prefix("pamphlet/") {
            self.pamphlet.insert(p.to_string(), file);
        }
    }

    /// Replaces or adds the files found in `dir/templates` and `dir/static`.
    fn overlay(&mut self, dir: &Path) -> Result<(), Diagnostic> {
        for sub in ["templates", "static", "pamphlet"] {
            let base = dir.join(sub);
            if !base.is_dir() {
                continue;
            }
            for entry in WalkDir::new(&base).sort_by_file_name() {
                let entry = entry.map_err(|e| {
                    Diagnostic::error(&base, Pos::File, format!("cannot read theme files: {e}"))
                })?;
                if !entry.file_type().is_file()
                    || entry.file_name().to_string_lossy().starts_with('.')
                {
                    continue;
                }
                let path = entry.path();
                let data = std::fs::read(path)
                    .map_err(|e| Diagnostic::error(path, Pos::File, format!("cannot read: {e}")))?;
                let rel = path
                    .strip_prefix(dir)
                    .unwrap_or(path)
                    .to_string_lossy()
                    .replace('\\', "/");
                self.insert(&rel, Cow::Owned(data), Origin::Disk(path.to_path_buf()));
            }
        }
        Ok(())
    }
}
