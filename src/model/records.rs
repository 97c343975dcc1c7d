//! The records of a guidebook as the outputs read them: validated, typed,
//! with display text ready where several outputs share it.

use std::path::PathBuf;

use chrono::NaiveDate;

use super::table::Keyed;
use super::values::{Days, Phone, Postal, Time};

#[derive(Debug, Clone)]
pub struct Address {
    pub postal: Postal,
    pub city: String,
    pub line: String,
    pub building: Option<String>,
}

impl Address {
    /// 〒537-0025 大阪市東成区中道1-2-3 東成ビル2階
    pub fn text(&self) -> String {
        self.format(true)
    }

    /// 〒537-0025 中道1-2-3 東成ビル2階: the city is left out when it is the
    /// guidebook's own, as printed tables do.
    pub fn local_text(&self, municipality: &str) -> String {
        self.format(self.city != municipality)
    }

    fn format(&self, city: bool) -> String {
        let mut s = format!("〒{} ", self.postal.0);
        if city {
            s.push_str(&self.city);
        }
        s.push_str(&self.line);
        if let Some(b) = &self.building {
            s.push(' ');
            s.push_str(b);
        }
        s
    }
}

/// 月～金 9:00～12:00・17:00～19:30、土 9:00～12:00
pub fn hours_text(hours: &[Hours]) -> String {
    let mut parts: Vec<(Days, Vec<String>)> = Vec::new();
    for h in hours {
        let span = format!("{}～{}", h.open.short(), h.close.short());
        match parts.iter_mut().find(|(d, _)| *d == h.days) {
            Some((_, spans)) => spans.push(span),
            None => parts.push((h.days, vec![span])),
        }
    }
    parts
        .iter()
        .map(|(d, spans)| format!("{} {}", d.label(), spans.join("・")))
        .collect::<Vec<_>>()
        .join("、")
}

#[derive(Debug, Clone, Copy)]
pub struct Location {
    pub lat: f64,
    pub lon: f64,
}

#[derive(Debug, Clone)]
pub struct Hours {
    pub days: Days,
    pub open: Time,
    pub close: Time,
}

/// How to reach a facility or a contact window.
#[derive(Debug, Clone)]
pub struct Contact {
    pub phone: Phone,
    pub fax: Option<Phone>,
    pub email: Option<String>,
    pub url: Option<String>,
    pub hours: Vec<Hours>,
    pub hours_note: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Liaison {
    pub contact: String,
    pub method: String,
    pub hours: String,
}

#[derive(Debug, Clone)]
pub struct Facility {
    pub id: String,
    pub name: String,
    pub kana: String,
    pub sort_key: String,
    /// Its 五十音 row (`kana::row_of_key` of `sort_key`), which its type's
    /// list is cut by.
    pub row: &'static str,
    /// Its facility type: an index into `config.types`.
    pub ftype: usize,
    /// Index into `config.areas`.
    pub area: usize,
    pub address: Address,
    pub location: Option<Location>,
    pub contact: Contact,
    pub departments: Vec<String>,
    /// Bit i set: the type's capability i.
    pub capabilities: u64,
    /// Bit i set: capability i after consultation (要相談), from `consult:`.
    pub consult: u64,
    pub liaison: Option<Liaison>,
    /// A schema.org type set by the record, instead of its type's.
    pub schema: Option<String>,
    pub verified: NaiveDate,
    pub stale: bool,
    /// Official numbers: 医療機関コード, 介護保険事業所番号, 法人番号.
    pub medical_code: Option<String>,
    pub office_number: Option<String>,
    pub corporate_number: Option<String>,
    /// Markdown source of the description (`.md` records).
    pub description: Option<String>,
    pub source: PathBuf,
    /// A hash of the record's file (see `load::Loaded::hash`).
    pub hash: u64,
}

/// How a facility offers one capability of its type: the three marks of
/// the pamphlet and the website (○, the consult mark △, －).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Offer {
    Yes = 0,
    No = 1,
    /// After consultation (要相談), from `consult:`.
    Consult = 2,
}

impl Offer {
    /// Its mark, given the guidebook's consult mark (`[pamphlet]
    /// consult_mark`).
    pub fn mark(self, consult: &str) -> &str {
        match self {
            Offer::Yes => "○",
            Offer::No => "－",
            Offer::Consult => consult,
        }
    }
}

impl Facility {
    pub fn has(&self, capability: usize) -> bool {
        self.capabilities & (1 << capability) != 0
    }

    /// The validation keeps `capabilities` and `consult` apart.
    pub fn offers(&self, capability: usize) -> Offer {
        if self.has(capability) {
            Offer::Yes
        } else if self.consult & (1 << capability) != 0 {
            Offer::Consult
        } else {
            Offer::No
        }
    }
}

#[derive(Debug, Clone)]
pub struct Meeting {
    pub id: String,
    pub name: String,
    pub kana: String,
    pub sort_key: String,
    pub participants: String,
    /// Ids of member facilities (checked to exist when the model is
    /// complete).
    pub members: Vec<String>,
    pub purpose: String,
    pub frequency: String,
    pub organizer: Option<String>,
    /// Id of the contact window to ask.
    pub window: Option<String>,
    pub order: Option<i64>,
    pub source: PathBuf,
    pub hash: u64,
}

#[derive(Debug, Clone)]
pub struct Staff {
    pub role: String,
    pub employment: String,
    pub qualifications: Vec<String>,
    pub hours: String,
}

#[derive(Debug, Clone)]
pub struct Window {
    pub id: String,
    pub name: String,
    pub kana: String,
    pub sort_key: String,
    pub organization: String,
    pub featured: bool,
    pub order: Option<i64>,
    pub eligible: String,
    pub topics: Vec<String>,
    pub address: Option<Address>,
    pub contact: Contact,
    pub staff: Vec<Staff>,
    /// The schema.org type of the organisation behind the window.
    pub schema: Option<String>,
    pub verified: Option<NaiveDate>,
    pub source: PathBuf,
    pub hash: u64,
}

#[derive(Debug, Clone)]
pub struct Page {
    pub slug: String,
    pub title: String,
    pub order: i64,
    pub print: bool,
    /// Markdown source.
    pub body: String,
    pub source: PathBuf,
    pub hash: u64,
}

impl Keyed for Facility {
    fn id(&self) -> &str {
        &self.id
    }
    /// 五十音 of the reading.
    fn order_key(&self) -> impl Ord + '_ {
        self.sort_key.as_str()
    }
}

impl Keyed for Meeting {
    fn id(&self) -> &str {
        &self.id
    }
    /// By `order` where given, then 五十音.
    fn order_key(&self) -> impl Ord + '_ {
        (self.order.unwrap_or(i64::MAX), self.sort_key.as_str())
    }
}

impl Keyed for Window {
    fn id(&self) -> &str {
        &self.id
    }
    /// Featured first, then by `order` where given, then 五十音.
    fn order_key(&self) -> impl Ord + '_ {
        (
            !self.featured,
            self.order.unwrap_or(i64::MAX),
            self.sort_key.as_str(),
        )
    }
}

impl Keyed for Page {
    fn id(&self) -> &str {
        &self.slug
    }
    fn order_key(&self) -> impl Ord + '_ {
        self.order
    }
}
