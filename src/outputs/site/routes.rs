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

/// Splits `items` into pages of `size` (0: one page), at least one page.
/// A list longer than one page is split first into the sections `section`
/// names (runs of equal labels), each on pages of its own; the pages come
/// with the index of their section.
fn paginate<'a>(
    items: Vec<&'a Facility>,
    size: usize,
    section: impl Fn(&Facility) -> &'a str,
) -> (Vec<(usize, Vec<&'a Facility>)>, Vec<Section>) {
    if size == 0 || items.len() <= size {
        return (vec![(0, items)], Vec::new());
    }
    // Each label once (a serve edit lays out every list again).
    let labels: Vec<&str> = items.iter().map(|f| section(f)).collect();
    let mut pages = Vec::new();
    let mut sections: Vec<Section> = Vec::new();
    let mut start = 0;
    for run in labels.chunk_by(|a, b| a == b) {
        let s = sections.len();
        let first = pages.len() + 1;
        let members = &items[start..start + run.len()];
        pages.extend(members.chunks(size).map(|c| (s, c.to_vec())));
        sections.push(Section {
            label: run[0].to_string(),
            first,
            pages: pages.len() + 1 - first,
        });
        start += run.len();
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
        let mut by_type: Vec<Vec<&Facility>> = vec![Vec::new(); cfg.types.len()];
        let mut by_area: Vec<Vec<&Facility>> = vec![Vec::new(); cfg.areas.len()];
        let mut area_type_counts = vec![vec![0usize; cfg.types.len()]; cfg.areas.len()];
        for f in book.facilities.iter() {
            by_type[f.ftype].push(f);
            by_area[f.area].push(f);
            area_type_counts[f.area][f.ftype] += 1;
        }
        let type_counts = by_type.iter().map(Vec::len).collect();
        let area_counts = by_area.iter().map(Vec::len).collect();
        // Area pages group by type, in the configured type order.
        for list in &mut by_area {
            list.sort_by_key(|f| f.ftype);
        }
        let lists_of = by_type
            .into_iter()
            .enumerate()
            .map(|(i, l)| {
                let t = &cfg.types[i];
                (
                    ListOf::Type(i),
                    format!("types/{}", t.key),
                    t.name.clone(),
                    l,
                )
            })
            .chain(by_area.into_iter().enumerate().map(|(i, l)| {
                let a = &cfg.areas[i];
                (
                    ListOf::Area(i),
                    format!("areas/{}", a.key),
                    a.name.clone(),
                    l,
                )
            }));
        let mut lists = Vec::new();
        let mut sections = HashMap::new();
        for (of, base, title, items) in lists_of {
            let count = items.len();
            let (chunks, parts) = match of {
                ListOf::Type(_) => paginate(items, cfg.page_size, |f| {
                    crate::model::kana::row_of_key(&f.sort_key)
                }),
                ListOf::Area(_) => {
                    paginate(items, cfg.page_size, |f| cfg.types[f.ftype].name.as_str())
                }
            };
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

    /// Every route of the site but the static files, in a fixed order.
    pub fn routes(&self) -> Vec<Route> {
        let b = self.book;
        let mut r = vec![
            Route::Home,
            Route::Windows,
            Route::Meetings,
            Route::Search,
            Route::OpenData,
            Route::NotFound,
            Route::Sitemap,
            Route::Robots,
        ];
        r.extend(self.lists.iter().map(|l| Route::List {
            of: l.of,
            page: l.current,
        }));
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
