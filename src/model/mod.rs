//! Stage 2, model: typed, validated, cross-linked records. Every output reads
//! only this. Validation collects every problem of every record.
//!
//! [`Model`] is the model kept up to date: it knows which file gave which
//! record, so that one changed, added or removed file updates it without
//! reading the others again (`carebook serve`); a build makes one and
//! reads its [`Guidebook`].

pub mod config;
pub mod kana;
pub mod records;
pub mod table;
mod validate;
pub mod values;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diag::{suggest, Diagnostic, Pos};
use crate::kinds::RecordKind;
use crate::load::{self, Content, Record};
pub use config::{Area, Capability, Config, FacilityType};
pub use records::*;
pub use table::{Keyed, Table};

/// The whole guidebook. Tables iterate in display order: facilities by
/// 五十音 of their kana, windows featured first, meetings and windows by
/// `order` where given, then 五十音, pages by `order`.
#[derive(Debug, Clone)]
pub struct Guidebook {
    pub root: PathBuf,
    pub config: Config,
    pub facilities: Table<Facility>,
    pub meetings: Table<Meeting>,
    pub windows: Table<Window>,
    pub pages: Table<Page>,
    pub home: Option<Page>,
}

impl Guidebook {
    pub fn facilities_of_type(&self, ftype: usize) -> impl Iterator<Item = &Facility> {
        self.facilities.iter().filter(move |f| f.ftype == ftype)
    }

    pub fn facilities_in_area(&self, area: usize) -> impl Iterator<Item = &Facility> {
        self.facilities.iter().filter(move |f| f.area == area)
    }

    pub fn record_count(&self) -> usize {
        self.facilities.len() + self.meetings.len() + self.windows.len() + self.pages.len()
    }

    /// The capabilities a facility has, in its type's order: what every
    /// output that lists them reads.
    pub fn capabilities_of<'a>(&'a self, f: &'a Facility) -> impl Iterator<Item = &'a Capability> {
        self.config.types[f.ftype]
            .capabilities
            .iter()
            .enumerate()
            .filter(|(i, _)| f.has(*i))
            .map(|(_, c)| c)
    }

    /// A meeting's member facilities that exist, in the meeting's order.
    pub fn members<'a>(&'a self, m: &'a Meeting) -> impl Iterator<Item = &'a Facility> {
        m.members.iter().filter_map(|id| self.facilities.get(id))
    }
}

/// A validated record of any kind.
enum Valid {
    Facility(Facility),
    Meeting(Meeting),
    Window(Window),
    Page(Page),
    Home(Page),
}

impl Valid {
    fn id(&self) -> &str {
        match self {
            Valid::Facility(r) => &r.id,
            Valid::Meeting(r) => &r.id,
            Valid::Window(r) => &r.id,
            Valid::Page(r) | Valid::Home(r) => &r.slug,
        }
    }
}

/// What the model knows of one record file.
#[derive(Debug)]
struct FileState {
    kind: RecordKind,
    /// The id the file claims, whether or not it is valid.
    id: String,
    valid: bool,
    /// The file's own problems (and warnings).
    diagnostics: Vec<Diagnostic>,
}

/// The result of reading and validating one file.
struct Checked {
    path: PathBuf,
    state: FileState,
    record: Option<Valid>,
}

fn check_file(kind: RecordKind, path: PathBuf, cfg: &Config) -> Checked {
    let read = load::read(kind, path.clone());
    check_read(kind, path, read, cfg)
}

/// Validates a file as read.
fn check_read(
    kind: RecordKind,
    path: PathBuf,
    read: Result<Record, load::Unreadable>,
    cfg: &Config,
) -> Checked {
    let (id, record, mut diagnostics) = match read {
        Err(u) => (u.id, None, u.diagnostics),
        Ok(r) => {
            // The id a file claims, valid or not (a reference to it is then
            // to a record with errors, not to nothing).
            let declared = match &r {
                Record::Facility(l) => l.raw.id.clone(),
                Record::Meeting(l) => l.raw.id.clone(),
                Record::Window(l) => l.raw.id.clone(),
                Record::Page(_) | Record::Home(_) => None,
            };
            let (record, diagnostics) = match r {
                Record::Facility(l) => wrap(validate::facility(l, cfg), Valid::Facility),
                Record::Meeting(l) => wrap(validate::meeting(l), Valid::Meeting),
                Record::Window(l) => wrap(validate::window(l, cfg), Valid::Window),
                Record::Page(l) => wrap(validate::page(l), Valid::Page),
                Record::Home(l) => wrap(validate::page(l), Valid::Home),
            };
            let id = match (&record, declared) {
                (Some(r), _) => r.id().to_string(),
                (None, Some(id)) => id,
                (None, None) => path
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            };
            (id, record, diagnostics)
        }
    };
    // Placed at their line and column now, once: a preview that lists
    // every problem after each change reads no file for it.
    let mut locate = load::locator();
    for d in &mut diagnostics {
        if let Some(pos) = locate(&d.file, &d.pos) {
            d.pos = pos;
        }
    }
    Checked {
        path,
        state: FileState {
            kind,
            id,
            valid: record.is_some(),
            diagnostics,
        },
        record,
    }
}

fn wrap<R>(
    (r, d): (Option<R>, Vec<Diagnostic>),
    f: impl FnOnce(R) -> Valid,
) -> (Option<Valid>, Vec<Diagnostic>) {
    (r.map(f), d)
}

/// The guidebook's records, kept up to date file by file.
pub struct Model {
    pub book: Guidebook,
    files: BTreeMap<PathBuf, FileState>,
    /// The files claiming each id, by kind.
    claims: HashMap<(RecordKind, String), BTreeSet<PathBuf>>,
    /// Ids claimed by more than one file.
    duplicates: BTreeSet<(RecordKind, String)>,
    /// Files under content/ that are no records, and problems of the walk.
    other: BTreeMap<PathBuf, Diagnostic>,
    walk_problems: Vec<Diagnostic>,
    /// Problems between records (duplicate ids, references), made again
    /// after every change.
    links: Vec<Diagnostic>,
}

/// What an update changed, for those who redo work that depends on it.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Changed {
    /// Records added, replaced or removed, by kind and id.
    pub records: BTreeSet<(RecordKind, String)>,
}

impl Model {
    /// Reads and validates every record of the guidebook at `root`.
    pub fn load(root: &Path, config: Config) -> Model {
        let (files, walk_problems) = load::walk(root);
        crate::progress::start("reading records", files.len());
        let done = std::sync::atomic::AtomicUsize::new(0);
        let checked: Vec<Checked> = files
            .into_par_iter()
            .map(|(kind, path)| {
                crate::progress::tick(&done);
                check_file(kind, path, &config)
            })
            .collect();
        crate::progress::finish();
        Model::assemble(root, config, checked, walk_problems)
    }

    /// A model of records already read (in any order).
    pub fn from_content(root: &Path, config: Config, content: Content) -> Model {
        let mut read: Vec<(RecordKind, PathBuf, Result<Record, load::Unreadable>)> = Vec::new();
        let mut add = |kind, path: &PathBuf, r| read.push((kind, path.clone(), r));
        for l in content.facilities {
            add(
                RecordKind::Facility,
                &l.source.path.clone(),
                Ok(Record::Facility(l)),
            );
        }
        for l in content.meetings {
            add(
                RecordKind::Meeting,
                &l.source.path.clone(),
                Ok(Record::Meeting(l)),
            );
        }
        for l in content.windows {
            add(
                RecordKind::Window,
                &l.source.path.clone(),
                Ok(Record::Window(l)),
            );
        }
        for l in content.pages {
            add(
                RecordKind::Page,
                &l.source.path.clone(),
                Ok(Record::Page(l)),
            );
        }
        if let Some(l) = content.home {
            add(
                RecordKind::Home,
                &l.source.path.clone(),
                Ok(Record::Home(l)),
            );
        }
        for (kind, id, path) in content.unreadable {
            add(
                kind,
                &path,
                Err(load::Unreadable {
                    kind,
                    id,
                    path: path.clone(),
                    diagnostics: Vec::new(),
                }),
            );
        }
        read.sort_by(|a, b| a.1.cmp(&b.1));
        let checked = read
            .into_par_iter()
            .map(|(kind, path, r)| check_read(kind, path, r, &config))
            .collect();
        Model::assemble(root, config, checked, content.diagnostics)
    }

    /// A model of checked files, which come in path order.
    fn assemble(
        root: &Path,
        config: Config,
        checked: Vec<Checked>,
        walk_problems: Vec<Diagnostic>,
    ) -> Model {
        let mut model = Model::empty(root, config);
        model.walk_problems = walk_problems;
        let mut facilities = Vec::new();
        let mut meetings = Vec::new();
        let mut windows = Vec::new();
        let mut pages = Vec::new();
        // Files come in path order: of files claiming one id, the first
        // holds it.
        for c in checked {
            let kind = c.state.kind;
            let first = model.claim(kind, &c.state.id, &c.path);
            if first {
                match c.record {
                    Some(Valid::Facility(r)) => facilities.push(r),
                    Some(Valid::Meeting(r)) => meetings.push(r),
                    Some(Valid::Window(r)) => windows.push(r),
                    Some(Valid::Page(r)) => pages.push(r),
                    Some(Valid::Home(r)) => model.book.home = Some(r),
                    None => {}
                }
            }
            model.files.insert(c.path, c.state);
        }
        model.book.facilities = Table::from_records(facilities);
        model.book.meetings = Table::from_records(meetings);
        model.book.windows = Table::from_records(windows);
        model.book.pages = Table::from_records(pages);
        model.links = model.check_links();
        model
    }

    fn empty(root: &Path, config: Config) -> Model {
        Model {
            book: Guidebook {
                root: root.to_path_buf(),
                config,
                facilities: Table::default(),
                meetings: Table::default(),
                windows: Table::default(),
                pages: Table::default(),
                home: None,
            },
            files: BTreeMap::new(),
            claims: HashMap::new(),
            duplicates: BTreeSet::new(),
            other: BTreeMap::new(),
            walk_problems: Vec::new(),
            links: Vec::new(),
        }
    }

    /// Records that `path` claims `id`; whether it is the first to.
    fn claim(&mut self, kind: RecordKind, id: &str, path: &Path) -> bool {
        let set = self.claims.entry((kind, id.to_string())).or_default();
        set.insert(path.to_path_buf());
        if set.len() > 1 {
            self.duplicates.insert((kind, id.to_string()));
        }
        set.first().map(PathBuf::as_path) == Some(path)
    }

    fn unclaim(&mut self, kind: RecordKind, id: &str, path: &Path) {
        let key = (kind, id.to_string());
        if let Some(set) = self.claims.get_mut(&key) {
            set.remove(path);
            if set.len() < 2 {
                self.duplicates.remove(&key);
            }
            if set.is_empty() {
                self.claims.remove(&key);
            }
        }
    }

    /// The record of `kind` and `id` in the book, if any: its source file.
    fn holder(&self, kind: RecordKind, id: &str) -> Option<&Path> {
        let b = &self.book;
        match kind {
            RecordKind::Facility => b.facilities.get(id).map(|r| r.source.as_path()),
            RecordKind::Meeting => b.meetings.get(id).map(|r| r.source.as_path()),
            RecordKind::Window => b.windows.get(id).map(|r| r.source.as_path()),
            RecordKind::Page => b.pages.get(id).map(|r| r.source.as_path()),
            RecordKind::Home => b.home.as_ref().map(|r| r.source.as_path()),
        }
    }

    fn take(&mut self, kind: RecordKind, id: &str) {
        let b = &mut self.book;
        match kind {
            RecordKind::Facility => drop(b.facilities.remove(id)),
            RecordKind::Meeting => drop(b.meetings.remove(id)),
            RecordKind::Window => drop(b.windows.remove(id)),
            RecordKind::Page => drop(b.pages.remove(id)),
            RecordKind::Home => b.home = None,
        }
    }

    fn put(&mut self, record: Valid) {
        let b = &mut self.book;
        match record {
            Valid::Facility(r) => drop(b.facilities.insert(r)),
            Valid::Meeting(r) => drop(b.meetings.insert(r)),
            Valid::Window(r) => drop(b.windows.insert(r)),
            Valid::Page(r) => drop(b.pages.insert(r)),
            Valid::Home(r) => b.home = Some(r),
        }
    }

    /// Reads `paths` again (files changed, added or removed under
    /// `content/`) and updates the model; the settings are unchanged.
    pub fn update(&mut self, paths: &[PathBuf]) -> Changed {
        let mut changed = Changed::default();
        let root = self.book.root.clone();
        let mut vacated: Vec<(RecordKind, String)> = Vec::new();
        for path in paths {
            self.other.remove(path);
            if let Some(old) = self.files.remove(path) {
                self.unclaim(old.kind, &old.id, path);
                if self.holder(old.kind, &old.id) == Some(path.as_path()) {
                    self.take(old.kind, &old.id);
                    changed.records.insert((old.kind, old.id.clone()));
                    vacated.push((old.kind, old.id));
                }
            }
            if !path.is_file() {
                continue;
            }
            let kind = match load::classify(&root, path) {
                Some(Ok(kind)) => kind,
                Some(Err(d)) => {
                    self.other.insert(path.clone(), d);
                    continue;
                }
                None => continue,
            };
            let c = check_file(kind, path.clone(), &self.book.config);
            let first = self.claim(kind, &c.state.id, path);
            let id = c.state.id.clone();
            // The first claim holds the id; a later duplicate stays out.
            if let (true, Some(record)) = (first, c.record) {
                self.put(record);
                changed.records.insert((kind, id.clone()));
            } else if first {
                vacated.push((kind, id.clone()));
            }
            self.files.insert(c.path, c.state);
        }
        // An id given up by its holder passes to the next file claiming it.
        for (kind, id) in vacated {
            if self.holder(kind, &id).is_some() {
                continue;
            }
            let next = self
                .claims
                .get(&(kind, id.clone()))
                .and_then(|s| {
                    s.iter()
                        .find(|p| self.files.get(*p).is_some_and(|f| f.valid))
                })
                .cloned();
            if let Some(next) = next {
                let c = check_file(kind, next, &self.book.config);
                if let Some(record) = c.record {
                    self.put(record);
                    changed.records.insert((kind, id));
                }
                self.files.insert(c.path, c.state);
            }
        }
        self.links = self.check_links();
        changed
    }

    /// The files the model knows (records, and files that are none) at
    /// `path` or under it.
    pub fn known_under(&self, path: &Path) -> Vec<PathBuf> {
        let under = |k: &&PathBuf| k.starts_with(path);
        let from = path.to_path_buf();
        self.files
            .range(from.clone()..)
            .map(|(k, _)| k)
            .take_while(under)
            .chain(self.other.range(from..).map(|(k, _)| k).take_while(under))
            .cloned()
            .collect()
    }

    /// Duplicate ids and references between records.
    fn check_links(&self) -> Vec<Diagnostic> {
        let root = &self.book.root;
        let mut out = Vec::new();
        let at_id = |path: &Path| Pos::Yaml {
            path: "id".into(),
            line_offset: usize::from(path.extension().is_some_and(|e| e == "md")),
        };
        for (kind, id) in &self.duplicates {
            let files: Vec<&PathBuf> = self.claims[&(*kind, id.clone())].iter().collect();
            let first = files[0];
            for path in &files[1..] {
                out.push(
                    Diagnostic::error(
                        *path,
                        at_id(path),
                        format!("duplicate {} id \"{id}\"", kind.name()),
                    )
                    .with_hint(format!(
                        "first defined in {}; rename one file or set a different `id:`",
                        first.strip_prefix(root).unwrap_or(first).display()
                    )),
                );
            }
        }
        let b = &self.book;
        // (the ids to suggest from are gathered only when one is missing)
        let facility_ids = || -> Vec<&str> { b.facilities.iter().map(|f| f.id.as_str()).collect() };
        let window_ids: Vec<&str> = b.windows.iter().map(|w| w.id.as_str()).collect();
        // A reference to a record with errors of its own is a warning: its
        // errors already stop the build and say what to fix.
        let with_errors = |source: &Path, at: &str, kind: RecordKind, id: &str| {
            let file = self.claims.get(&(kind, id.to_string()))?.first()?.clone();
            Some(
                Diagnostic::warning(
                    source,
                    yaml_at(source, at),
                    format!(
                        "the {} \"{id}\" has errors of its own, so this link is not checked",
                        kind.name()
                    ),
                )
                .with_hint(format!(
                    "fix {} first; this link is checked again then",
                    file.strip_prefix(root).unwrap_or(&file).display()
                )),
            )
        };
        for m in b.meetings.iter() {
            for (i, id) in m.members.iter().enumerate() {
                if b.facilities.contains(id) {
                    continue;
                }
                let at = format!("members[{i}]");
                out.push(
                    with_errors(&m.source, &at, RecordKind::Facility, id).unwrap_or_else(|| {
                        Diagnostic::error(&m.source, yaml_at(&m.source, &at), format!("no facility has the id \"{id}\""))
                            .with_hint(match crate::diag::did_you_mean(id, facility_ids()) {
                                Some(s) => format!("did you mean `{s}`? (a facility's id is its file name without .yaml)"),
                                None => "a facility's id is its file name without .yaml".into(),
                            })
                    }),
                );
            }
            if let Some(w) = &m.window {
                if !b.windows.contains(w) {
                    out.push(
                        with_errors(&m.source, "window", RecordKind::Window, w).unwrap_or_else(
                            || {
                                Diagnostic::error(
                                    &m.source,
                                    yaml_at(&m.source, "window"),
                                    format!("no contact window has the id \"{w}\""),
                                )
                                .with_hint(suggest(
                                    w,
                                    "windows",
                                    &window_ids,
                                ))
                            },
                        ),
                    );
                }
            }
        }
        out
    }

    /// Every problem of the guidebook, unsorted and unresolved.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        let mut out: Vec<Diagnostic> = self.walk_problems.clone();
        out.extend(self.other.values().cloned());
        out.extend(
            self.files
                .values()
                .flat_map(|f| f.diagnostics.iter().cloned()),
        );
        out.extend(self.links.iter().cloned());
        out
    }
}

fn yaml_at(source: &Path, path: &str) -> Pos {
    Pos::Yaml {
        path: path.to_string(),
        line_offset: usize::from(source.extension().is_some_and(|e| e == "md")),
    }
}

/// Builds the model from loaded content (for tools that hold a
/// [`Content`]); returns it even when records had errors (those records are
/// left out) so that a checker can report everything.
pub fn build(root: &Path, config: Config, content: Content) -> (Guidebook, Vec<Diagnostic>) {
    let model = Model::from_content(root, config, content);
    let diagnostics = model.diagnostics();
    (model.book, diagnostics)
}
