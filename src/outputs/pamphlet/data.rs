//! The model as the pamphlet template reads it (`data.json`): one edition's
//! records, already in print order, with every value as display text.

use chrono::Datelike;
use serde::Serialize;

use crate::model::config::Stale;
use crate::model::kana;
use crate::model::values::{as_of_ja, as_of_wareki, Phone};
use crate::model::{hours_text, Facility, Guidebook, Window};
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
    /// as_of as [year, month, day]: the document's date.
    pub date: [u32; 3],
    pub sample: bool,
    /// The area of a per-area edition, e.g. 「北部」.
    pub edition: Option<&'a str>,
    /// 「第3版」 for the colophon; may be empty.
    pub edition_label: &'a str,
    /// Areas in this edition, for the how-to-use page.
    pub areas: Vec<&'a str>,
    /// The area key: each area with its towns.
    pub area_key: Vec<AreaData<'a>>,
    /// A map of the areas in the pamphlet folder (area-map.svg/png/jpg).
    pub area_map: Option<&'a str>,
    /// Facilities are listed by area inside each type.
    pub group_by_area: bool,
    /// 12 pt type.
    pub large: bool,
    /// Colours in CMYK (no PDF/A standard asked for, which would refuse them).
    pub cmyk: bool,
    /// Each type starts a new page.
    pub new_page: bool,
    /// Some row carries the stale mark ※ (then a footnote explains it).
    pub stale_marked: bool,
    /// stale_after_months, for the footnote.
    pub stale_months: u32,
    /// The third mark: (mark, label), e.g. △ 要相談.
    pub consult_mark: &'a str,
    pub consult_label: &'a str,
    /// The website (base_url) and its QR code as an SVG document.
    pub url: &'a str,
    pub qr: String,
    pub featured: Vec<WindowData<'a>>,
    pub types: Vec<TypeData<'a>>,
    pub meetings: Vec<MeetingData<'a>>,
    pub windows: Vec<WindowData<'a>>,
    pub pages: Vec<PageData<'a>>,
    /// Every record in this edition, in 五十音 order, one entry per name.
    pub index: Vec<IndexEntry<'a>>,
    /// Topics (free pages, windows' topics) with the anchors that treat them.
    pub topics: Vec<TopicEntry<'a>>,
}

#[derive(Serialize)]
pub struct AreaData<'a> {
    pub name: &'a str,
    /// 「東小橋・玉津・中道」; may be empty.
    pub towns: String,
}

#[derive(Serialize)]
pub struct Group<'a> {
    /// The area's name when the type is grouped by area, else empty.
    pub area: &'a str,
    pub towns: String,
    pub rows: Vec<Row<'a>>,
}

#[derive(Serialize)]
pub struct TopicEntry<'a> {
    pub name: &'a str,
    /// See `IndexEntry::em`.
    pub em: f32,
    pub ids: Vec<String>,
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
    /// What this type is, for residents; may be empty.
    pub description: &'a str,
    pub caps: Vec<CapData<'a>>,
    /// The key lists its capabilities in this many columns: 2, or 1 when a
    /// label would not fit half the line (the key has a fixed height, as it
    /// is repeated at the top of every page of the type).
    pub key_columns: usize,
    /// Some row has the consult mark / the stale mark: the key explains it.
    pub consult: bool,
    pub stale: bool,
    pub groups: Vec<Group<'a>>,
}

#[derive(Serialize)]
pub struct Row<'a> {
    /// Anchor for the index: "f:" + id.
    pub id: String,
    pub name: &'a str,
    pub area: &'a str,
    pub address: String,
    /// The building, printed whole (「東成ビル2階」 is not broken).
    pub building: &'a str,
    pub phone: &'a str,
    pub fax: &'a str,
    /// One mark per capability of the type, in the vocabulary's order:
    /// ○, － or the consult mark.
    pub marks: String,
    /// 受付時間, one part per set of days, each printed unbroken, every
    /// part but the last with the 、 that follows it:
    /// [「月～金 9:00～12:00・17:00～19:30、」, 「土 9:00～12:00」].
    pub hours: Vec<String>,
    /// The hours note (休診日 …); may be empty.
    pub note: &'a str,
    /// 診療科目, each printed unbroken, every one but the last with the ・
    /// that follows it; may be empty.
    pub departments: Vec<String>,
    /// 連携窓口: contact, method and hours (those given); may be empty.
    pub liaison: Vec<&'a str>,
    /// Not verified within stale_after_months (and marked so).
    pub stale: bool,
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
    /// Anchor: "p:" + slug.
    pub id: String,
    pub title: &'a str,
    /// typst markup, evaluated by the template.
    pub body: String,
}

#[derive(Serialize)]
pub struct IndexEntry<'a> {
    /// The anchors of the records of this name (see `Row::id`): a facility
    /// and a window of one name are one entry with both pages.
    pub ids: Vec<String>,
    pub name: &'a str,
    /// The name's width in em, estimated on the long side: the template
    /// keeps a name that may need two lines whole in its column.
    pub em: f32,
    /// 五十音 row heading: あ, か, …
    pub row: &'static str,
}

/// A text's width in em in the pamphlet's proportional font, estimated on
/// the long side: a full-width character (kana, kanji, ＡＢＣ) as 1 em,
/// which none exceeds in BIZ UD PGothic, and any other as 0.8 em, which only
/// wide capitals and signs (M, W, %, @) exceed there.
fn ems(text: &str) -> f32 {
    text.chars()
        .map(|c| if c.is_ascii() { 0.8 } else { 1.0 })
        .sum()
}

/// Which facilities an edition prints.
pub struct Scope<'a> {
    pub types: &'a [usize],
    pub areas: &'a [usize],
    /// The area of a per-area edition.
    pub edition: Option<usize>,
    /// The area map's file name in the pamphlet folder, if there is one.
    pub area_map: Option<&'a str>,
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
struct Index<'a> {
    entries: Vec<(String, IndexEntry<'a>)>,
    prefixes: &'a [String],
}

impl<'a> Index<'a> {
    /// Records a printed record and returns its anchor, e.g. "f:sakura".
    fn add(&mut self, kind: char, id: &str, name: &'a str, kana: &str) -> String {
        let anchor = format!("{kind}:{id}");
        let reading = strip_prefix(kana, self.prefixes);
        self.entries.push((
            kana::sort_key(&reading),
            IndexEntry {
                ids: vec![anchor.clone()],
                name,
                em: ems(name),
                row: kana::row(&reading),
            },
        ));
        anchor
    }
}

/// The reading (in hiragana) without a corporate prefix (医療法人 …) the
/// settings list.
fn strip_prefix(kana: &str, prefixes: &[String]) -> String {
    let hira = kana::to_hiragana(kana);
    for p in prefixes {
        if let Some(rest) = hira.strip_prefix(p.as_str()) {
            if !rest.is_empty() {
                return rest.to_string();
            }
        }
    }
    hira
}

/// The QR code of `url` as an SVG document (black modules, a quiet zone of
/// four modules), deterministic.
pub fn qr_svg(url: &str) -> String {
    let Ok(code) = qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M)
    else {
        return String::new();
    };
    let w = code.width();
    let size = w + 8;
    let mut path = String::new();
    for (i, c) in code.to_colors().iter().enumerate() {
        if *c == qrcode::Color::Dark {
            path.push_str(&format!("M{} {}h1v1h-1z", i % w + 4, i / w + 4));
        }
    }
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" shape-rendering=\"crispEdges\"><rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/><path fill=\"#000\" d=\"{path}\"/></svg>"
    )
}

/// The non-empty parts, each but the last followed by `sep`. A part is
/// printed unbroken together with the separator after it: the line may then
/// break after the separator, and a separator never starts a line. (One
/// piece of text per part rather than two is also less to typeset.)
fn with_separators<'s>(parts: impl Iterator<Item = &'s str>, sep: &str) -> Vec<String> {
    let mut out: Vec<String> = parts
        .filter(|s| !s.is_empty())
        .map(|s| format!("{s}{sep}"))
        .collect();
    if let Some(last) = out.last_mut() {
        last.truncate(last.len() - sep.len());
    }
    out
}

fn row<'a>(
    f: &'a Facility,
    book: &'a Guidebook,
    n_caps: usize,
    anchor: String,
    stale: bool,
) -> Row<'a> {
    let cfg = &book.config;
    let consult = cfg.pamphlet.consult_mark.as_str();
    Row {
        id: anchor,
        name: &f.name,
        area: &cfg.areas[f.area].name,
        address: {
            let a = &f.address;
            let city = if a.city == cfg.municipality {
                ""
            } else {
                &a.city
            };
            format!("〒{} {city}{}", a.postal.0, a.line)
        },
        building: f.address.building.as_deref().unwrap_or(""),
        phone: &f.contact.phone.0,
        fax: opt_phone(&f.contact.fax),
        marks: (0..n_caps).map(|i| f.offers(i).mark(consult)).collect(),
        hours: with_separators(hours_text(&f.contact.hours).split('、'), "、"),
        note: f.contact.hours_note.as_deref().unwrap_or(""),
        departments: with_separators(f.departments.iter().map(String::as_str), "・"),
        liaison: f.liaison.as_ref().map_or(Vec::new(), |l| {
            [&l.contact, &l.method, &l.hours]
                .into_iter()
                .filter(|s| !s.is_empty())
                .map(String::as_str)
                .collect()
        }),
        stale: stale && f.stale,
    }
}

pub fn data<'a>(book: &'a Guidebook, scope: &Scope<'a>) -> Data<'a> {
    let cfg = &book.config;
    let p = &cfg.pamphlet;
    let mut index = Index {
        entries: Vec::new(),
        prefixes: &p.sort_ignore_prefixes,
    };
    let mark_stale = p.stale == Stale::Mark;
    let mut types = Vec::new();
    for &t in scope.types {
        let ty = &cfg.types[t];
        // 五十音 of the reading without corporate prefixes; by area first
        // when grouped.
        let mut facilities: Vec<(usize, String, &Facility)> = book
            .facilities_of_type(t)
            .filter(|f| scope.areas.contains(&f.area))
            .filter(|f| !(f.stale && p.stale == Stale::Omit))
            .map(|f| {
                let area = if p.group_by_area { f.area } else { 0 };
                (
                    area,
                    kana::sort_key(&strip_prefix(&f.kana, &p.sort_ignore_prefixes)),
                    f,
                )
            })
            .collect();
        if facilities.is_empty() {
            continue;
        }
        facilities.sort_by(|a, b| (a.0, &a.1, &a.2.id).cmp(&(b.0, &b.1, &b.2.id)));
        let mut groups: Vec<Group> = Vec::new();
        for (area, _, f) in facilities {
            let anchor = index.add('f', &f.id, &f.name, &f.kana);
            let r = row(f, book, ty.capabilities.len(), anchor, mark_stale);
            match groups.last_mut() {
                Some(g) if !p.group_by_area || g.area == cfg.areas[area].name => g.rows.push(r),
                _ => groups.push(Group {
                    area: if p.group_by_area {
                        &cfg.areas[area].name
                    } else {
                        ""
                    },
                    towns: if p.group_by_area {
                        cfg.areas[area].towns.join("・")
                    } else {
                        String::new()
                    },
                    rows: vec![r],
                }),
            }
        }
        let rows = || groups.iter().flat_map(|g| g.rows.iter());
        let consult = rows().any(|r| r.marks.contains(p.consult_mark.as_str()));
        let stale = rows().any(|r| r.stale);
        // Full-width characters at the key's size (9 pt, or 10.5 pt large)
        // in half the text area, less the key's padding.
        let half = if p.large { 21 } else { 24 };
        let key_columns = if ty
            .capabilities
            .iter()
            .all(|c| c.short.chars().count() + 1 + c.label.chars().count() <= half)
        {
            2
        } else {
            1
        };
        types.push(TypeData {
            consult,
            stale,
            key_columns,
            key: &ty.key,
            name: &ty.name,
            description: &ty.description,
            caps: ty
                .capabilities
                .iter()
                .map(|c| CapData {
                    short: &c.short,
                    label: &c.label,
                })
                .collect(),
            groups,
        });
    }
    // Windows and meetings belong to the whole ward: every edition has them.
    let (featured, others): (Vec<&Window>, Vec<&Window>) =
        book.windows.iter().partition(|w| w.featured);
    let mut windows_of = |ws: Vec<&'a Window>| -> Vec<WindowData<'a>> {
        ws.into_iter()
            .map(|w| window(w, index.add('w', &w.id, &w.name, &w.kana)))
            .collect()
    };
    let featured = windows_of(featured);
    let windows = windows_of(others);
    let meetings = book
        .meetings
        .iter()
        .map(|m| MeetingData {
            id: index.add('m', &m.id, &m.name, &m.kana),
            name: &m.name,
            participants: &m.participants,
            purpose: &m.purpose,
            frequency: &m.frequency,
        })
        .collect();
    let pages: Vec<PageData> = book
        .pages
        .iter()
        .filter(|p| p.print)
        .map(|p| PageData {
            id: format!("p:{}", p.slug),
            title: &p.title,
            body: markdown::to_typst(&p.body),
        })
        .collect();
    // A window with a free page of its own (「…相談支援室について」) points
    // to that page too.
    for (_, e) in index.entries.iter_mut() {
        if e.ids[0].starts_with("w:") {
            if let Some(page) = pages.iter().find(|p| p.title.starts_with(e.name)) {
                e.ids.push(page.id.clone());
            }
        }
    }
    let mut entries = index.entries;
    entries.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.ids.cmp(&b.1.ids)));
    // One entry per name: a 地域包括支援センター is both a facility and a
    // window.
    let mut merged: Vec<IndexEntry> = Vec::with_capacity(entries.len());
    let mut seen: std::collections::HashMap<&str, usize> = Default::default();
    for (_, e) in entries {
        match seen.get(e.name) {
            Some(&i) => merged[i].ids.extend(e.ids),
            None => {
                seen.insert(e.name, merged.len());
                merged.push(e);
            }
        }
    }
    // Topics: the free pages, and what the windows take questions about.
    let mut topics: Vec<TopicEntry> = pages
        .iter()
        .map(|p| TopicEntry {
            name: p.title,
            em: ems(p.title),
            ids: vec![p.id.clone()],
        })
        .collect();
    for w in featured.iter().chain(&windows) {
        for t in w.topics {
            match topics.iter_mut().find(|e| e.name == t.as_str()) {
                Some(e) => e.ids.push(w.id.clone()),
                None => topics.push(TopicEntry {
                    name: t,
                    em: ems(t),
                    ids: vec![w.id.clone()],
                }),
            }
        }
    }
    let stale_marked = types.iter().any(|t| t.stale);
    Data {
        title: &cfg.title,
        publisher: &cfg.publisher,
        municipality: &cfg.municipality,
        as_of: as_of_wareki(cfg.as_of),
        as_of_year: as_of_ja(cfg.as_of),
        date: [cfg.as_of.year() as u32, cfg.as_of.month(), cfg.as_of.day()],
        sample: cfg.sample,
        edition: scope.edition.map(|a| cfg.areas[a].name.as_str()),
        edition_label: &p.edition,
        areas: scope
            .areas
            .iter()
            .map(|&a| cfg.areas[a].name.as_str())
            .collect(),
        area_key: scope
            .areas
            .iter()
            .map(|&a| AreaData {
                name: &cfg.areas[a].name,
                towns: cfg.areas[a].towns.join("・"),
            })
            .collect(),
        area_map: scope.area_map,
        group_by_area: p.group_by_area,
        large: p.large,
        cmyk: p.pdf_standard.is_none(),
        new_page: p.new_page,
        stale_marked,
        stale_months: cfg.stale_after_months,
        consult_mark: &p.consult_mark,
        consult_label: &p.consult_label,
        url: &cfg.base_url,
        qr: if cfg.base_url.starts_with("http") {
            qr_svg(&cfg.base_url)
        } else {
            String::new()
        },
        featured,
        types,
        meetings,
        windows,
        pages,
        index: merged,
        topics,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_are_skipped_longest_first() {
        let p = vec![
            "いりょうほうじんしゃだん".to_string(),
            "いりょうほうじん".to_string(),
        ];
        assert_eq!(strip_prefix("イリョウホウジンシャダンあおば", &p), "あおば");
        assert_eq!(strip_prefix("いりょうほうじんさくら", &p), "さくら");
        assert_eq!(strip_prefix("いりょうほうじん", &p), "いりょうほうじん");
        assert_eq!(strip_prefix("さくら", &p), "さくら");
    }

    #[test]
    fn qr_code_is_an_svg_of_square_modules() {
        let svg = qr_svg("https://example.org/guidebook/");
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        // Version 3 (29 modules) with the quiet zone.
        assert!(svg.contains("viewBox=\"0 0 37 37\""), "{svg}");
        assert_eq!(svg, qr_svg("https://example.org/guidebook/"));
    }
}
