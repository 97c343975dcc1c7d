//! The model as the pamphlet template reads it (`data.json`): one edition's
//! records, already in print order, with every value as display text.

use serde::Serialize;

use crate::model::kana;
use crate::model::values::{as_of_ja, as_of_wareki, Phone};
use crate::model::{hours_text, Guidebook, Window};
use crate::outputs::markdown;

#[derive(Serialize)]
pub struct Data<'a> {
    pub title: &'a str,
    pub publisher: &'a str,
    pub municipality: &'a str,
    /// 「令和8年10月現在」
    pub as_of: String,
    /// 「2026年10月現在」
    pub as_of_year: String,
    pub sample: bool,
    /// The area of a per-area edition, e.g. 「北部」.
    pub edition: Option<&'a str>,
    /// Areas in this edition, for the how-to-use page.
    pub areas: Vec<&'a str>,
    pub featured: Vec<WindowData<'a>>,
    pub types: Vec<TypeData<'a>>,
    pub meetings: Vec<MeetingData<'a>>,
    pub windows: Vec<WindowData<'a>>,
    pub pages: Vec<PageData<'a>>,
    /// Every record in this edition, in 五十音 order.
    pub index: Vec<IndexEntry<'a>>,
}

#[derive(Serialize)]
pub struct CapData<'a> {
    pub short: &'a str,
    pub label: &'a str,
}

#[derive(Serialize)]
pub struct TypeData<'a> {
    pub key: &'a str,
    pub name: &'a str,
    pub caps: Vec<CapData<'a>>,
    pub rows: Vec<Row<'a>>,
}

#[derive(Serialize)]
pub struct Row<'a> {
    /// Anchor for the index: "f:" + id.
    pub id: String,
    pub name: &'a str,
    pub area: &'a str,
    pub address: String,
    pub phone: &'a str,
    pub fax: &'a str,
    /// One flag per capability of the type, in the vocabulary's order.
    pub caps: Vec<bool>,
}

#[derive(Serialize)]
pub struct MeetingData<'a> {
    pub id: String,
    pub name: &'a str,
    pub participants: &'a str,
    pub purpose: &'a str,
    pub frequency: &'a str,
}

#[derive(Serialize)]
pub struct StaffData<'a> {
    pub role: &'a str,
    pub employment: &'a str,
    pub qualifications: String,
    pub hours: &'a str,
}

#[derive(Serialize)]
pub struct WindowData<'a> {
    pub id: String,
    pub name: &'a str,
    pub organization: &'a str,
    pub address: String,
    pub phone: &'a str,
    pub fax: &'a str,
    pub email: &'a str,
    pub url: &'a str,
    pub hours: String,
    pub hours_note: &'a str,
    pub eligible: &'a str,
    pub topics: &'a [String],
    pub staff: Vec<StaffData<'a>>,
}

#[derive(Serialize)]
pub struct PageData<'a> {
    pub title: &'a str,
    /// typst markup, evaluated by the template.
    pub body: String,
}

#[derive(Serialize)]
pub struct IndexEntry<'a> {
    /// The anchor of the record in the pamphlet (see `Row::id`).
    pub id: String,
    pub name: &'a str,
    /// 五十音 row heading: あ, か, …
    pub row: &'static str,
}

/// Which facilities an edition prints.
pub struct Scope<'a> {
    pub types: &'a [usize],
    pub areas: &'a [usize],
    /// The area of a per-area edition.
    pub edition: Option<usize>,
}

fn opt_phone(p: &Option<Phone>) -> &str {
    p.as_ref().map_or("", |p| p.0.as_str())
}

fn window(w: &Window, anchor: String) -> WindowData<'_> {
    WindowData {
        id: anchor,
        name: &w.name,
        organization: &w.organization,
        address: w.address.as_ref().map_or(String::new(), |a| a.text()),
        phone: &w.contact.phone.0,
        fax: opt_phone(&w.contact.fax),
        email: w.contact.email.as_deref().unwrap_or(""),
        url: w.contact.url.as_deref().unwrap_or(""),
        hours: hours_text(&w.contact.hours),
        hours_note: w.contact.hours_note.as_deref().unwrap_or(""),
        eligible: &w.eligible,
        topics: &w.topics,
        staff: w
            .staff
            .iter()
            .map(|s| StaffData {
                role: &s.role,
                employment: &s.employment,
                qualifications: s.qualifications.join("・"),
                hours: &s.hours,
            })
            .collect(),
    }
}

/// The index being collected: (sort key, entry) of every record printed.
#[derive(Default)]
struct Index<'a>(Vec<(&'a str, IndexEntry<'a>)>);

impl<'a> Index<'a> {
    /// Records a printed record and returns its anchor, e.g. "f:sakura".
    fn add(
        &mut self,
        kind: char,
        id: &str,
        name: &'a str,
        kana: &str,
        sort_key: &'a str,
    ) -> String {
        let anchor = format!("{kind}:{id}");
        self.0.push((
            sort_key,
            IndexEntry {
                id: anchor.clone(),
                name,
                row: kana::row(kana),
            },
        ));
        anchor
    }
}

pub fn data<'a>(book: &'a Guidebook, scope: &Scope) -> Data<'a> {
    let cfg = &book.config;
    let mut index = Index::default();
    let mut types = Vec::new();
    for &t in scope.types {
        let ty = &cfg.types[t];
        let rows: Vec<Row> = book
            .facilities
            .iter()
            .filter(|f| f.ftype == t && scope.areas.contains(&f.area))
            .map(|f| Row {
                id: index.add('f', &f.id, &f.name, &f.kana, &f.sort_key),
                name: &f.name,
                area: &cfg.areas[f.area].name,
                address: f.address.local_text(&cfg.municipality),
                phone: &f.contact.phone.0,
                fax: opt_phone(&f.contact.fax),
                caps: (0..ty.capabilities.len())
                    .map(|i| f.capabilities & (1 << i) != 0)
                    .collect(),
            })
            .collect();
        if rows.is_empty() {
            continue;
        }
        types.push(TypeData {
            key: &ty.key,
            name: &ty.name,
            caps: ty
                .capabilities
                .iter()
                .map(|c| CapData {
                    short: &c.short,
                    label: &c.label,
                })
                .collect(),
            rows,
        });
    }
    // Windows and meetings belong to the whole ward: every edition has them.
    let (featured, others): (Vec<&Window>, Vec<&Window>) =
        book.windows.iter().partition(|w| w.featured);
    let mut windows_of = |ws: Vec<&'a Window>| -> Vec<WindowData<'a>> {
        ws.into_iter()
            .map(|w| window(w, index.add('w', &w.id, &w.name, &w.kana, &w.sort_key)))
            .collect()
    };
    let featured = windows_of(featured);
    let windows = windows_of(others);
    let meetings = book
        .meetings
        .iter()
        .map(|m| MeetingData {
            id: index.add('m', &m.id, &m.name, &m.kana, &m.sort_key),
            name: &m.name,
            participants: &m.participants,
            purpose: &m.purpose,
            frequency: &m.frequency,
        })
        .collect();
    let mut index = index.0;
    index.sort_by(|a, b| a.0.cmp(b.0).then_with(|| a.1.id.cmp(&b.1.id)));
    Data {
        title: &cfg.title,
        publisher: &cfg.publisher,
        municipality: &cfg.municipality,
        as_of: as_of_wareki(cfg.as_of),
        as_of_year: as_of_ja(cfg.as_of),
        sample: cfg.sample,
        edition: scope.edition.map(|a| cfg.areas[a].name.as_str()),
        areas: scope
            .areas
            .iter()
            .map(|&a| cfg.areas[a].name.as_str())
            .collect(),
        featured,
        types,
        meetings,
        windows,
        pages: book
            .pages
            .iter()
            .filter(|p| p.print)
            .map(|p| PageData {
                title: &p.title,
                body: markdown::to_typst(&p.body),
            })
            .collect(),
        index: index.into_iter().map(|(_, e)| e).collect(),
    }
}
