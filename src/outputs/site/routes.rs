//! The site as a list of routes: each page's path and what it is made from.
//! A [`Layout`] is what the routes of one state of the model share (the
//! order of lists, their pages, the counts); the fingerprint of a route
//! hashes exactly what its page is made from, so that a rebuild renders only
//! the routes whose fingerprint changed.

use std::collections::{BTreeMap, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};

use crate::kinds::RecordKind;
use crate::model::{Facility, Guidebook};

/// Which list a list page belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ListOf {
    /// A facility type (index into the configured types).
    Type(usize),
    /// An area (index into the configured areas).
    Area(usize),
}

/// One page of the site.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Route {
    Home,
    /// Page `page` (from 1) of a type's or an area's list.
    List {
        of: ListOf,
        page: usize,
    },
    Facility(String),
    Windows,
    Window(String),
    Meetings,
    Meeting(String),
    Page(String),
    Search,
    /// The open-data page (its files are the open-data output's).
    OpenData,
    NotFound,
    Sitemap,
    Robots,
    /// A theme's static file, under `static/`.
    Static(String),
    /// The theme's `static/favicon.ico` also at the site's root, where
    /// browsers ask for it by themselves.
    Favicon,
}

impl Route {
    /// The page made from one record alone (and what every page shares):
    /// a facility's, a window's, a free page's. A meeting's page also
    /// names facilities, so it is not one.
    pub fn own(kind: RecordKind, id: &str) -> Option<Route> {
        match kind {
            RecordKind::Facility => Some(Route::Facility(id.to_string())),
            RecordKind::Window => Some(Route::Window(id.to_string())),
            RecordKind::Page => Some(Route::Page(id.to_string())),
            _ => None,
        }
    }

    /// Whether this is a record's [`own`](Route::own) page.
    pub fn is_own(&self) -> bool {
        matches!(self, Route::Facility(_) | Route::Window(_) | Route::Page(_))
    }
}

/// One page of a paginated list: `base.html`, then `base/2.html`, …
pub struct ListPage<'a> {
    pub of: ListOf,
    pub base: String,
    pub title: String,
    pub current: usize,
    pub total: usize,
    /// The facilities on this page, in display order (area pages: grouped
    /// by type).
    pub items: Vec<&'a Facility>,
    /// Facilities in the whole list.
    pub count: usize,
    /// The section this page is in, an index into [`Layout::sections`]
    /// (none when the list fits on one page).
    pub section: usize,
}

/// A part of a long list that starts a page of its own: a 五十音 row of a
/// type's list, a type of an area's list. Readers jump to it by its label;
/// and a record that moves in 五十音 order shifts only the pages of the
/// sections it leaves and enters, not every page between.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Section {
    /// 「あ」…「わ」,「他」, or a type's name.
    pub label: String,
    /// Its first page's number in the list.
    pub first: usize,
    /// How many pages it has.
    pub pages: usize,
}

impl ListPage<'_> {
    pub fn url(&self, n: usize) -> String {
        page_url(&self.base, n)
    }

    pub fn path(&self) -> String {
        self.url(self.current)
    }
}

pub fn page_url(base: &str, n: usize) -> String {
    match n {
        1 => format!("{base}.html"),
        n => format!("{base}/{n}.html"),
    }
}

/// What the routes of one state of the model share.
pub struct Layout<'a> {
    pub book: &'a Guidebook,
    pub lists: Vec<ListPage<'a>>,
    list_at: HashMap<(ListOf, usize), usize>,
    /// The sections of each list that does not fit on one page.
    pub sections: HashMap<ListOf, Vec<Section>>,
    /// Facilities per type, per area, and per area and type.
    pub type_counts: Vec<usize>,
    pub area_counts: Vec<usize>,
    pub area_type_counts: Vec<Vec<usize>>,
    /// What every page shows: the settings, the navigation (free pages'
    /// titles), the pamphlets.
    pub global: u64,
    /// The size of each pamphlet PDF, by file, once made: the top page's
    /// links state it (only the top page's, as with counts: the PDF
    /// changes with every record).
    pub pamphlet_bytes: BTreeMap<String, u64>,
}

/// A list's facilities in display order, in runs that each start a
/// section when the list is cut into pages: a type's list by 五十音 row,
/// an area's by type.
type Runs<'a> = Vec<(&'a str, Vec<&'a Facility>)>;

/// Splits a list into pages of `size` (0: one page), at least one page. A
/// list longer than one page starts each run (section) on a page of its
/// own; the pages come with the index of their section.
fn paginate<'a>(runs: Runs<'a>, size: usize) -> (Vec<(usize, Vec<&'a Facility>)>, Vec<Section>) {
    let count: usize = runs.iter().map(|(_, items)| items.len()).sum();
    if size == 0 || count <= size {
        let all = runs.into_iter().flat_map(|(_, items)| items).collect();
        return (vec![(0, all)], Vec::new());
    }
    let mut pages = Vec::new();
    let mut sections: Vec<Section> = Vec::new();
    for (label, members) in runs {
        let s = sections.len();
        let first = pages.len() + 1;
        pages.extend(members.chunks(size).map(|c| (s, c.to_vec())));
        sections.push(Section {
            label: label.to_string(),
            first,
            pages: pages.len() + 1 - first,
        });
    }
    (pages, sections)
}

fn hash_of(v: impl Hash) -> u64 {
    let mut h = DefaultHasher::new();
    v.hash(&mut h);
    h.finish()
}

impl<'a> Layout<'a> {
    pub fn new(book: &'a Guidebook) -> Layout<'a> {
        let cfg = &book.config;
        // One pass in display order sorts every list (serve lays out the
        // whole site again after each edit).
        let mut by_type: Vec<Runs> = vec![Vec::new(); cfg.types.len()];
        let mut by_area_type = vec![vec![Vec::new(); cfg.types.len()]; cfg.areas.len()];
        for f in book.facilities.iter() {
            let runs = &mut by_type[f.ftype];
            match runs.last_mut() {
                Some((row, items)) if *row == f.row => items.push(f),
                _ => runs.push((f.row, vec![f])),
            }
            by_area_type[f.area][f.ftype].push(f);
        }
        let type_counts = by_type
            .iter()
            .map(|runs| runs.iter().map(|(_, items)| items.len()).sum())
            .collect();
        let area_type_counts: Vec<Vec<usize>> = by_area_type
            .iter()
            .map(|types| types.iter().map(Vec::len).collect())
            .collect();
        let area_counts = area_type_counts.iter().map(|c| c.iter().sum()).collect();
        let lists_of = by_type
            .into_iter()
            .enumerate()
            .map(|(i, runs)| {
                let t = &cfg.types[i];
                (
                    ListOf::Type(i),
                    format!("types/{}", t.key),
                    t.name.clone(),
                    runs,
                )
            })
            .chain(by_area_type.into_iter().enumerate().map(|(i, types)| {
                let a = &cfg.areas[i];
                // Area pages group by type, in the configured type order.
                let runs: Runs = types
                    .into_iter()
                    .enumerate()
                    .filter(|(_, items)| !items.is_empty())
                    .map(|(t, items)| (cfg.types[t].name.as_str(), items))
                    .collect();
                (
                    ListOf::Area(i),
                    format!("areas/{}", a.key),
                    a.name.clone(),
                    runs,
                )
            }));
        let mut lists = Vec::new();
        let mut sections = HashMap::new();
        for (of, base, title, runs) in lists_of {
            let count: usize = runs.iter().map(|(_, items)| items.len()).sum();
            let (chunks, parts) = paginate(runs, cfg.page_size);
            let total = chunks.len();
            for (n, (section, items)) in chunks.into_iter().enumerate() {
                lists.push(ListPage {
                    of,
                    base: base.clone(),
                    title: title.clone(),
                    current: n + 1,
                    total,
                    items,
                    count,
                    section,
                });
            }
            if !parts.is_empty() {
                sections.insert(of, parts);
            }
        }
        let list_at = lists
            .iter()
            .enumerate()
            .map(|(i, l)| ((l.of, l.current), i))
            .collect();
        let pages: Vec<(&str, &str)> = book
            .pages
            .iter()
            .map(|p| (p.slug.as_str(), p.title.as_str()))
            .collect();
        Layout {
            book,
            lists,
            list_at,
            sections,
            type_counts,
            area_counts,
            area_type_counts,
            global: hash_of((cfg.hash, pages)),
            pamphlet_bytes: BTreeMap::new(),
        }
    }

    /// The layout with the sizes of the pamphlet PDFs made.
    pub fn with_pamphlet_bytes(mut self, bytes: BTreeMap<String, u64>) -> Layout<'a> {
        self.pamphlet_bytes = bytes;
        self
    }

    pub fn list(&self, of: ListOf, page: usize) -> Option<&ListPage<'a>> {
        self.list_at.get(&(of, page)).map(|&i| &self.lists[i])
    }

    /// Every route but the static files and records' [own](Route::own)
    /// pages: those an edit of one record may change besides its own.
    pub fn shared_routes(&self) -> Vec<Route> {
        let mut r: Vec<Route> = self.routes_but_own().collect();
        r.extend(
            self.book
                .meetings
                .iter()
                .map(|m| Route::Meeting(m.id.clone())),
        );
        r
    }

    /// Whether the guidebook has the record a route is the own page of.
    pub fn has_own(&self, route: &Route) -> bool {
        let b = self.book;
        match route {
            Route::Facility(id) => b.facilities.contains(id),
            Route::Window(id) => b.windows.contains(id),
            Route::Page(slug) => b.pages.contains(slug),
            _ => false,
        }
    }

    fn routes_but_own(&self) -> impl Iterator<Item = Route> + '_ {
        [
            Route::Home,
            Route::Windows,
            Route::Meetings,
            Route::Search,
            Route::OpenData,
            Route::NotFound,
            Route::Sitemap,
            Route::Robots,
        ]
        .into_iter()
        .chain(self.lists.iter().map(|l| Route::List {
            of: l.of,
            page: l.current,
        }))
    }

    /// Every route of the site but the static files, in a fixed order.
    pub fn routes(&self) -> Vec<Route> {
        let b = self.book;
        let mut r: Vec<Route> = self.routes_but_own().collect();
        r.extend(b.facilities.iter().map(|f| Route::Facility(f.id.clone())));
        r.extend(b.windows.iter().map(|w| Route::Window(w.id.clone())));
        r.extend(b.meetings.iter().map(|m| Route::Meeting(m.id.clone())));
        r.extend(b.pages.iter().map(|p| Route::Page(p.slug.clone())));
        r
    }

    /// The path of a route's file from the site root.
    pub fn path(&self, route: &Route) -> String {
        match route {
            Route::Home => "index.html".into(),
            Route::List { of, page } => {
                let cfg = &self.book.config;
                let base = match of {
                    ListOf::Type(t) => format!("types/{}", cfg.types[*t].key),
                    ListOf::Area(a) => format!("areas/{}", cfg.areas[*a].key),
                };
                page_url(&base, *page)
            }
            Route::Facility(id) => RecordKind::Facility.url(id),
            Route::Window(id) => RecordKind::Window.url(id),
            Route::Meeting(id) => RecordKind::Meeting.url(id),
            Route::Page(slug) => RecordKind::Page.url(slug),
            Route::Windows => "windows.html".into(),
            Route::Meetings => "meetings.html".into(),
            Route::Search => "search.html".into(),
            Route::OpenData => "opendata/index.html".into(),
            Route::NotFound => "404.html".into(),
            Route::Sitemap => "sitemap.xml".into(),
            Route::Robots => "robots.txt".into(),
            Route::Static(rel) => format!("static/{rel}"),
            Route::Favicon => "favicon.ico".into(),
        }
    }

    /// A hash of what the route's page is made from, besides its template
    /// (which the renderer adds): equal fingerprints, equal pages.
    pub fn inputs(&self, route: &Route) -> u64 {
        let b = self.book;
        let mut h = rustc_hash::FxHasher::default();
        route.hash(&mut h);
        self.global.hash(&mut h);
        let member_hashes =
            |m: &crate::model::Meeting| -> Vec<u64> { b.members(m).map(|f| f.hash).collect() };
        match route {
            Route::Facility(id) => b.facilities.get(id).map(|f| f.hash).hash(&mut h),
            Route::Window(id) => b.windows.get(id).map(|w| w.hash).hash(&mut h),
            Route::Page(slug) => b.pages.get(slug).map(|p| p.hash).hash(&mut h),
            Route::Meeting(id) => {
                if let Some(m) = b.meetings.get(id) {
                    m.hash.hash(&mut h);
                    member_hashes(m).hash(&mut h);
                    let w = m.window.as_ref().and_then(|w| b.windows.get(w));
                    w.map(|w| w.hash).hash(&mut h);
                }
            }
            Route::Meetings => {
                for m in b.meetings.iter() {
                    m.hash.hash(&mut h);
                    member_hashes(m).hash(&mut h);
                }
                for w in b.windows.iter() {
                    w.hash.hash(&mut h);
                }
            }
            Route::Windows => {
                for w in b.windows.iter() {
                    w.hash.hash(&mut h);
                }
            }
            Route::Home => {
                for w in b.windows.iter() {
                    w.hash.hash(&mut h);
                }
                b.home.as_ref().map(|p| p.hash).hash(&mut h);
                (&self.type_counts, &self.area_counts).hash(&mut h);
                (b.facilities.len(), b.meetings.len(), b.windows.len()).hash(&mut h);
                self.pamphlet_bytes.hash(&mut h);
            }
            Route::List { of, page } => {
                if let Some(l) = self.list(*of, *page) {
                    (l.count, l.total, l.section).hash(&mut h);
                    self.sections.get(of).hash(&mut h);
                    for f in &l.items {
                        (&f.id, f.hash).hash(&mut h);
                    }
                    if let ListOf::Area(a) = of {
                        self.area_type_counts[*a].hash(&mut h);
                    }
                }
            }
            Route::Search => {
                (&self.type_counts, b.windows.len(), b.meetings.len()).hash(&mut h);
            }
            Route::OpenData => {
                (&self.type_counts, b.record_count()).hash(&mut h);
            }
            Route::Sitemap => {
                for f in b.facilities.iter() {
                    (&f.id, f.verified).hash(&mut h);
                }
                for w in b.windows.iter() {
                    (&w.id, w.verified).hash(&mut h);
                }
                for m in b.meetings.iter() {
                    m.id.hash(&mut h);
                }
            }
            Route::NotFound | Route::Robots | Route::Static(_) | Route::Favicon => {}
        }
        h.finish()
    }
}
