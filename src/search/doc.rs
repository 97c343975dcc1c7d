//! Records as search documents: the text each index analyses, the facets
//! it filters on and what a result shows. Both indexes are built from these,
//! so they agree on what a record says.

use serde::{Deserialize, Serialize};

use super::analyzer::{analyze, Mode, Token};
use crate::kinds::RecordKind;
use crate::model::{hours_text, Capability, Guidebook};

/// The `type` facet of a kind of record that has no facility type (its
/// `search_type` in the kinds table).
const fn search_type(kind: RecordKind) -> &'static str {
    match crate::kinds::KINDS[kind as usize].search_type {
        Some(t) => t,
        None => panic!("the kinds table gives this kind no search type"),
    }
}

/// The `type` facet of contact windows, meetings and free pages, beside
/// facility types.
pub const WINDOW_TYPE: &str = search_type(RecordKind::Window);
pub const MEETING_TYPE: &str = search_type(RecordKind::Meeting);
pub const PAGE_TYPE: &str = search_type(RecordKind::Page);

/// The kinds of record that search finds, each with the URL of a record's
/// page around its id (the browser index makes the URL from these).
pub fn kinds() -> [(&'static str, String, String); 4] {
    [
        ("facility", RecordKind::Facility),
        ("window", RecordKind::Window),
        ("meeting", RecordKind::Meeting),
        ("page", RecordKind::Page),
    ]
    .map(|(name, kind)| {
        let u = kind.url("\u{0}");
        let (before, after) = u.split_once('\u{0}').expect("the id is in the URL");
        (name, before.to_string(), after.to_string())
    })
}

/// What a search result shows.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Hash)]
pub struct Display {
    pub kind: String,
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub type_name: String,
    pub area: String,
    pub phone: String,
    pub address: String,
    /// Path of the record's page from the site root.
    pub url: String,
    /// Labels of the capabilities it has.
    pub caps: Vec<String>,
}

#[derive(Debug, Clone, Hash)]
pub struct SearchDoc {
    /// Position in the guidebook's order: the tie-break for equal scores.
    pub order: u64,
    /// Name and kana reading (boosted).
    pub name: String,
    /// Everything else that is public.
    pub text: String,
    pub type_key: String,
    pub area_key: Option<String>,
    pub caps: Vec<String>,
    pub display: Display,
}

fn join<'a>(parts: impl IntoIterator<Item = &'a str>) -> String {
    parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every searchable record, in guidebook order: facilities by type, then
/// area, then 五十音 (as the lists of the site and the pamphlet group them),
/// contact windows, meetings. Besides breaking ties, the order makes each
/// type and each area a few runs of document numbers, which the browser
/// index stores in a few bytes, and keeps the documents of one type near
/// each other in its document-ordered pages.
pub fn documents(book: &Guidebook) -> Vec<SearchDoc> {
    let cfg = &book.config;
    let mut docs = Vec::with_capacity(
        book.facilities.len() + book.windows.len() + book.meetings.len() + book.pages.len(),
    );
    let mut facilities: Vec<_> = book.facilities.iter().collect();
    // Stable: 五十音 within a type and area.
    facilities.sort_by_key(|f| (f.ftype, f.area));
    for f in facilities {
        let t = &cfg.types[f.ftype];
        let a = &cfg.areas[f.area];
        let has: Vec<&Capability> = book.capabilities_of(f).collect();
        let caps: Vec<&str> = has.iter().map(|c| c.label.as_str()).collect();
        let address = f.address.text();
        let hours = hours_text(&f.contact.hours);
        let mut text: Vec<&str> = vec![&t.name, &a.name, &address, &f.contact.phone.0];
        text.extend(f.contact.fax.as_ref().map(|p| p.0.as_str()));
        text.extend(caps.iter().copied());
        text.extend(f.departments.iter().map(String::as_str));
        text.push(&hours);
        text.extend(f.contact.hours_note.as_deref());
        if let Some(l) = &f.liaison {
            text.extend([l.contact.as_str(), l.method.as_str(), l.hours.as_str()]);
        }
        text.extend(f.description.as_deref());
        docs.push(SearchDoc {
            order: docs.len() as u64,
            name: join([f.name.as_str(), f.kana.as_str()]),
            text: join(text),
            type_key: t.key.clone(),
            area_key: Some(a.key.clone()),
            caps: has.iter().map(|c| c.key.clone()).collect(),
            display: Display {
                kind: "facility".into(),
                id: f.id.clone(),
                name: f.name.clone(),
                type_name: t.name.clone(),
                area: a.name.clone(),
                phone: f.contact.phone.0.clone(),
                address,
                url: RecordKind::Facility.url(&f.id),
                caps: caps.iter().map(|s| s.to_string()).collect(),
            },
        });
    }
    for w in book.windows.iter() {
        let address = w.address.as_ref().map(|a| a.text()).unwrap_or_default();
        let hours = hours_text(&w.contact.hours);
        let mut text: Vec<&str> = vec![
            "相談窓口",
            &w.organization,
            &w.eligible,
            &address,
            &w.contact.phone.0,
        ];
        text.extend(w.contact.fax.as_ref().map(|p| p.0.as_str()));
        text.extend(w.topics.iter().map(String::as_str));
        text.push(&hours);
        text.extend(w.contact.hours_note.as_deref());
        for s in &w.staff {
            text.extend([s.role.as_str(), s.employment.as_str(), s.hours.as_str()]);
            text.extend(s.qualifications.iter().map(String::as_str));
        }
        docs.push(SearchDoc {
            order: docs.len() as u64,
            name: join([w.name.as_str(), w.kana.as_str()]),
            text: join(text),
            type_key: WINDOW_TYPE.into(),
            area_key: None,
            caps: Vec::new(),
            display: Display {
                kind: "window".into(),
                id: w.id.clone(),
                name: w.name.clone(),
                type_name: "相談窓口".into(),
                area: String::new(),
                phone: w.contact.phone.0.clone(),
                address,
                url: RecordKind::Window.url(&w.id),
                caps: Vec::new(),
            },
        });
    }
    for m in book.meetings.iter() {
        let text = join([
            "会議体",
            m.participants.as_str(),
            m.purpose.as_str(),
            m.frequency.as_str(),
            m.organizer.as_deref().unwrap_or(""),
        ]);
        docs.push(SearchDoc {
            order: docs.len() as u64,
            name: join([m.name.as_str(), m.kana.as_str()]),
            text,
            type_key: MEETING_TYPE.into(),
            area_key: None,
            caps: Vec::new(),
            display: Display {
                kind: "meeting".into(),
                id: m.id.clone(),
                name: m.name.clone(),
                type_name: "会議体".into(),
                area: String::new(),
                phone: String::new(),
                address: String::new(),
                url: RecordKind::Meeting.url(&m.id),
                caps: Vec::new(),
            },
        });
    }
    for p in book.pages.iter() {
        docs.push(SearchDoc {
            order: docs.len() as u64,
            name: p.title.clone(),
            text: plain_text(&p.body),
            type_key: PAGE_TYPE.into(),
            area_key: None,
            caps: Vec::new(),
            display: Display {
                kind: "page".into(),
                id: p.slug.clone(),
                name: p.title.clone(),
                type_name: "案内ページ".into(),
                area: String::new(),
                phone: String::new(),
                address: String::new(),
                url: RecordKind::Page.url(&p.slug),
                caps: Vec::new(),
            },
        });
    }
    docs
}

/// The words of a Markdown page, one paragraph or item per line, without
/// its markup.
fn plain_text(markdown: &str) -> String {
    use pulldown_cmark::{Event, Parser, TagEnd};
    let mut out = String::new();
    for e in Parser::new(markdown) {
        match e {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableCell,
            ) => out.push('\n'),
            _ => {}
        }
    }
    out.trim().to_string()
}

/// A document's name and text through the analyzer, once for both indexes.
#[derive(Debug, Clone)]
pub struct Analyzed {
    pub name: Vec<Token>,
    pub text: Vec<Token>,
}

pub fn analyze_all(docs: &[SearchDoc]) -> Vec<Analyzed> {
    use rayon::prelude::*;
    docs.par_iter()
        .map(|d| Analyzed {
            name: analyze(&d.name, Mode::Index),
            text: analyze(&d.text, Mode::Index),
        })
        .collect()
}

/// A filter value and how it is shown.
#[derive(Debug, Clone, Serialize, Hash)]
pub struct FacetLabel {
    pub key: String,
    pub name: String,
    /// Records with this value (types only; 0 elsewhere).
    pub count: usize,
}

/// The search filters: every type (facility types, then windows and
/// meetings), every area, and every capability once per key even when
/// several types share it.
pub fn facet_labels(book: &Guidebook) -> [Vec<FacetLabel>; 3] {
    let cfg = &book.config;
    let label = |key: &str, name: &str, count| FacetLabel {
        key: key.into(),
        name: name.into(),
        count,
    };
    let mut types: Vec<FacetLabel> = cfg
        .types
        .iter()
        .enumerate()
        .map(|(i, t)| label(&t.key, &t.name, book.facilities_of_type(i).count()))
        .collect();
    types.push(label(WINDOW_TYPE, "相談窓口", book.windows.len()));
    types.push(label(MEETING_TYPE, "会議体", book.meetings.len()));
    types.push(label(PAGE_TYPE, "案内ページ", book.pages.len()));
    let areas = cfg
        .areas
        .iter()
        .map(|a| label(&a.key, &a.name, 0))
        .collect();
    let mut seen = std::collections::HashSet::new();
    let caps = cfg
        .types
        .iter()
        .flat_map(|t| &t.capabilities)
        .filter(|c| seen.insert(c.key.as_str()))
        .map(|c| label(&c.key, &c.label, 0))
        .collect();
    [types, areas, caps]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kind_and_an_id_make_the_url_of_the_record_page() {
        let of = [
            RecordKind::Facility,
            RecordKind::Window,
            RecordKind::Meeting,
            RecordKind::Page,
        ];
        for ((name, before, after), kind) in kinds().into_iter().zip(of) {
            assert_eq!(format!("{before}f0123{after}"), kind.url("f0123"), "{name}");
        }
    }
}
