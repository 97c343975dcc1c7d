//! The kinds of record a guidebook holds, in one table that every stage
//! reads: where their files are, which extensions they take, what a record
//! is called in messages, and the URL of its page. Adding a kind starts
//! here.

use std::path::Path;

/// A kind of record. (A facility's *type*, such as clinic or pharmacy, is
/// something else: `model::FacilityType`.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RecordKind {
    Facility,
    Meeting,
    Window,
    Page,
    /// `content/_index.md`: the top page's introduction.
    Home,
}

pub struct KindInfo {
    pub kind: RecordKind,
    /// Folder under `content/` (the home page's file is `content/_index.md`).
    pub folder: &'static str,
    pub extensions: &'static [&'static str],
    /// Whether records may sit in sub-folders of the folder.
    pub nested: bool,
    /// What one is called in messages.
    pub name: &'static str,
    /// The folder of record pages in the site (`facilities/ID.html`), if
    /// each record has a page of its own.
    pub pages: Option<&'static str>,
    /// The `type` facet of records of this kind in search, besides
    /// facility types (facilities are filtered by their own type).
    pub search_type: Option<&'static str>,
}

pub const KINDS: [KindInfo; 5] = [
    KindInfo {
        kind: RecordKind::Facility,
        folder: "facilities",
        extensions: &["yaml", "yml", "md"],
        nested: true,
        name: "facility",
        pages: Some("facilities"),
        search_type: None,
    },
    KindInfo {
        kind: RecordKind::Meeting,
        folder: "meetings",
        extensions: &["yaml", "yml"],
        nested: false,
        name: "meeting",
        pages: Some("meetings"),
        search_type: Some("meeting"),
    },
    KindInfo {
        kind: RecordKind::Window,
        folder: "windows",
        extensions: &["yaml", "yml"],
        nested: false,
        name: "contact window",
        pages: Some("windows"),
        search_type: Some("window"),
    },
    KindInfo {
        kind: RecordKind::Page,
        folder: "pages",
        extensions: &["md"],
        nested: false,
        name: "page",
        pages: Some("pages"),
        search_type: Some("page"),
    },
    KindInfo {
        kind: RecordKind::Home,
        folder: "",
        extensions: &["md"],
        nested: false,
        name: "top page introduction",
        pages: None,
        search_type: None,
    },
];

/// The file of the top page's introduction, under `content/`.
pub const HOME_FILE: &str = "_index.md";

impl RecordKind {
    pub fn info(self) -> &'static KindInfo {
        &KINDS[self as usize]
    }

    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// The path of a record's page from the site root, e.g.
    /// `facilities/sakura.html`.
    pub fn url(self, id: &str) -> String {
        match self.info().pages {
            Some(folder) => format!("{folder}/{id}.html"),
            None => "index.html".to_string(),
        }
    }

    /// The kind of a file, from its path relative to `content/`; `None` for
    /// a file that is no record.
    pub fn of_path(rel: &Path) -> Option<RecordKind> {
        let parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        if parts.len() == 1 && parts[0] == HOME_FILE {
            return Some(RecordKind::Home);
        }
        let ext = rel.extension()?.to_string_lossy();
        KINDS
            .iter()
            .find(|k| {
                !k.folder.is_empty()
                    && parts.first().map(String::as_str) == Some(k.folder)
                    && (parts.len() == 2 || k.nested && parts.len() > 2)
                    && k.extensions.contains(&&*ext)
            })
            .map(|k| k.kind)
    }

    /// Where records of each kind go, for messages about files that are none.
    pub fn layout_hint() -> String {
        let parts: Vec<String> = KINDS
            .iter()
            .filter(|k| !k.folder.is_empty())
            .map(|k| {
                let exts = k
                    .extensions
                    .iter()
                    .map(|e| format!("*.{e}"))
                    .collect::<Vec<_>>()
                    .join("|");
                let sub = if k.nested { "**/" } else { "" };
                format!("content/{}/{sub}{exts}", k.folder)
            })
            .collect();
        format!("records are {}", parts.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_in_the_order_of_the_kinds() {
        for (i, k) in KINDS.iter().enumerate() {
            assert_eq!(k.kind as usize, i);
        }
    }

    #[test]
    fn paths_classify() {
        let k = |p: &str| RecordKind::of_path(Path::new(p));
        assert_eq!(k("facilities/a.yaml"), Some(RecordKind::Facility));
        assert_eq!(k("facilities/clinic/a.md"), Some(RecordKind::Facility));
        assert_eq!(k("meetings/a.yaml"), Some(RecordKind::Meeting));
        assert_eq!(k("meetings/x/a.yaml"), None);
        assert_eq!(k("windows/a.md"), None);
        assert_eq!(k("pages/acp.md"), Some(RecordKind::Page));
        assert_eq!(k("_index.md"), Some(RecordKind::Home));
        assert_eq!(k("notes.txt"), None);
        assert_eq!(RecordKind::Facility.url("x"), "facilities/x.html");
        assert_eq!(RecordKind::Page.url("acp"), "pages/acp.html");
    }
}
