//! What templates see: the model's records flattened into display-ready
//! values (formatted address, hours as text, capability ○/－ over the whole
//! vocabulary), with URLs relative to the site root. The field names are
//! the theme's contract, documented in README.md.

use serde::Serialize;
use serde_json::{json, Value as Json};
use tera::{Map, Value};

use crate::kinds::RecordKind;
use crate::model::values::{date_ja, DAY_SCHEMA};
use crate::model::{
    Address, Capability, Config, Contact, Facility, Guidebook, Hours, Meeting, Offer, Window,
};
use crate::outputs::html::{json_in_html, safe_href};
use crate::outputs::markdown;

#[derive(Serialize)]
pub struct KeyName<'a> {
    pub key: &'a str,
    pub name: &'a str,
}

#[derive(Serialize)]
pub struct AddressView<'a> {
    pub postal: &'a str,
    pub city: &'a str,
    pub line: &'a str,
    pub building: &'a str,
    pub text: String,
}

impl<'a> AddressView<'a> {
    fn new(a: &'a Address) -> Self {
        AddressView {
            postal: &a.postal.0,
            city: &a.city,
            line: &a.line,
            building: a.building.as_deref().unwrap_or(""),
            text: a.text(),
        }
    }
}

#[derive(Serialize)]
pub struct HoursView {
    pub days: String,
    pub open: String,
    pub close: String,
}

#[derive(Serialize)]
pub struct CapView<'a> {
    pub key: &'a str,
    pub label: &'a str,
    pub short: &'a str,
    pub has: bool,
    /// The cell's class: "yes", "no" or "consult" (after consultation).
    pub state: &'static str,
    /// ○, － or the consult mark (as in the pamphlet), and its words for
    /// screen readers: あり, なし or the consult label.
    pub mark: &'a str,
    pub word: &'a str,
}

impl<'a> CapView<'a> {
    fn new(c: &'a Capability, offer: Offer, cfg: &'a Config) -> CapView<'a> {
        let (state, word) = match offer {
            Offer::Yes => ("yes", "あり"),
            Offer::No => ("no", "なし"),
            Offer::Consult => ("consult", cfg.pamphlet.consult_label.as_str()),
        };
        CapView {
            key: &c.key,
            label: &c.label,
            short: &c.short,
            has: offer == Offer::Yes,
            state,
            mark: offer.mark(&cfg.pamphlet.consult_mark),
            word,
        }
    }
}

#[derive(Serialize)]
pub struct LiaisonView<'a> {
    pub contact: &'a str,
    pub method: &'a str,
    pub hours: &'a str,
}

#[derive(Serialize)]
pub struct LocationView {
    pub lat: f64,
    pub lon: f64,
}

/// How to reach a facility or a window, as pages show it.
#[derive(Serialize)]
pub struct ContactView<'a> {
    pub phone: &'a str,
    pub phone_tel: String,
    pub fax: &'a str,
    pub email: &'a str,
    /// Only an address a browser may follow (see `outputs::html`).
    pub website: &'a str,
    pub hours: Vec<HoursView>,
    pub hours_text: String,
    pub hours_note: &'a str,
}

impl<'a> ContactView<'a> {
    pub fn new(c: &'a Contact) -> Self {
        ContactView {
            phone: &c.phone.0,
            phone_tel: tel(&c.phone),
            fax: c.fax.as_ref().map_or("", |p| p.0.as_str()),
            email: c.email.as_deref().unwrap_or(""),
            website: c.url.as_deref().and_then(safe_href).unwrap_or(""),
            hours: hours_views(&c.hours),
            hours_text: hours_text(&c.hours),
            hours_note: c.hours_note.as_deref().unwrap_or(""),
        }
    }
}

#[derive(Serialize)]
pub struct FacilityView<'a> {
    pub id: &'a str,
    pub url: String,
    pub name: &'a str,
    pub kana: &'a str,
    #[serde(rename = "type")]
    pub ftype: KeyName<'a>,
    pub area: KeyName<'a>,
    pub address: AddressView<'a>,
    pub location: Option<LocationView>,
    pub map_url: String,
    pub geo_url: String,
    #[serde(flatten)]
    pub contact: ContactView<'a>,
    pub departments: &'a [String],
    pub caps: Vec<CapView<'a>>,
    pub cap_labels: Vec<&'a str>,
    pub liaison: Option<LiaisonView<'a>>,
    pub verified: String,
    pub verified_ja: String,
    pub stale: bool,
    pub description_html: String,
}

/// Values that many list rows share, made once.
pub struct Shared {
    /// Per type: `{key, name}`.
    pub type_key_name: Vec<Value>,
    /// Per type: the whole type with its capabilities.
    pub type_full: Vec<Value>,
    /// Per area: `{key, name}`.
    pub area_key_name: Vec<Value>,
    /// Per type and capability: the cell for each [`Offer`], by its number.
    pub caps: Vec<Vec<[Value; 3]>>,
}

impl Shared {
    pub fn new(book: &Guidebook) -> Shared {
        let cfg = &book.config;
        Shared {
            type_key_name: cfg
                .types
                .iter()
                .map(|t| {
                    Value::from_serializable(&KeyName {
                        key: &t.key,
                        name: &t.name,
                    })
                })
                .collect(),
            type_full: cfg.types.iter().map(Value::from_serializable).collect(),
            area_key_name: cfg
                .areas
                .iter()
                .map(|a| {
                    Value::from_serializable(&KeyName {
                        key: &a.key,
                        name: &a.name,
                    })
                })
                .collect(),
            caps: cfg
                .types
                .iter()
                .map(|t| {
                    t.capabilities
                        .iter()
                        .map(|c| {
                            [Offer::Yes, Offer::No, Offer::Consult]
                                .map(|o| Value::from_serializable(&CapView::new(c, o, cfg)))
                        })
                        .collect()
                })
                .collect(),
        }
    }
}

/// A facility as a row of a list page: the fields of [`FacilityView`] that
/// lists show (`id url name kana type area address phone phone_tel fax
/// email website hours_text caps verified_ja stale`).
pub fn row_value(f: &Facility, shared: &Shared) -> Value {
    let mut m = Map::default();
    let s = |v: &str| Value::from(v);
    m.insert("id".into(), s(&f.id));
    m.insert("url".into(), Value::from(facility_url(&f.id)));
    m.insert("name".into(), s(&f.name));
    m.insert("kana".into(), s(&f.kana));
    m.insert("type".into(), shared.type_key_name[f.ftype].clone());
    m.insert("area".into(), shared.area_key_name[f.area].clone());
    let mut address = Map::default();
    address.insert("text".into(), Value::from(f.address.text()));
    m.insert("address".into(), Value::from(address));
    let c = ContactView::new(&f.contact);
    m.insert("phone".into(), s(c.phone));
    m.insert("phone_tel".into(), Value::from(c.phone_tel));
    m.insert("fax".into(), s(c.fax));
    m.insert("email".into(), s(c.email));
    m.insert("website".into(), s(c.website));
    m.insert("hours_text".into(), Value::from(c.hours_text));
    let caps: Vec<Value> = shared.caps[f.ftype]
        .iter()
        .enumerate()
        .map(|(i, cell)| cell[f.offers(i) as usize].clone())
        .collect();
    m.insert("caps".into(), Value::from(caps));
    m.insert("verified_ja".into(), Value::from(date_ja(f.verified)));
    m.insert("stale".into(), Value::from(f.stale));
    Value::from(m)
}

pub fn facility_url(id: &str) -> String {
    RecordKind::Facility.url(id)
}

pub fn hours_views(hours: &[Hours]) -> Vec<HoursView> {
    hours
        .iter()
        .map(|h| HoursView {
            days: h.days.label(),
            open: h.open.to_string(),
            close: h.close.to_string(),
        })
        .collect()
}

pub use crate::model::hours_text;

fn tel(p: &crate::model::values::Phone) -> String {
    format!("tel:{}", p.digits())
}

impl<'a> FacilityView<'a> {
    pub fn new(f: &'a Facility, book: &'a Guidebook) -> Self {
        let t = &book.config.types[f.ftype];
        let a = &book.config.areas[f.area];
        let (map_url, geo_url) = match f.location {
            Some(l) => (
                format!(
                    "https://www.openstreetmap.org/?mlat={0}&mlon={1}#map=17/{0}/{1}",
                    l.lat, l.lon
                ),
                format!("geo:{},{}", l.lat, l.lon),
            ),
            None => (String::new(), String::new()),
        };
        FacilityView {
            id: &f.id,
            url: facility_url(&f.id),
            name: &f.name,
            kana: &f.kana,
            ftype: KeyName {
                key: &t.key,
                name: &t.name,
            },
            area: KeyName {
                key: &a.key,
                name: &a.name,
            },
            address: AddressView::new(&f.address),
            location: f.location.map(|l| LocationView {
                lat: l.lat,
                lon: l.lon,
            }),
            map_url,
            geo_url,
            contact: ContactView::new(&f.contact),
            departments: &f.departments,
            caps: t
                .capabilities
                .iter()
                .enumerate()
                .map(|(i, c)| CapView::new(c, f.offers(i), &book.config))
                .collect(),
            cap_labels: book.capabilities_of(f).map(|c| c.label.as_str()).collect(),
            liaison: f.liaison.as_ref().map(|l| LiaisonView {
                contact: &l.contact,
                method: &l.method,
                hours: &l.hours,
            }),
            verified: f.verified.to_string(),
            verified_ja: date_ja(f.verified),
            stale: f.stale,
            description_html: f
                .description
                .as_deref()
                .map(|d| markdown::to_html(d, book.config.allow_html))
                .unwrap_or_default(),
        }
    }
}

#[derive(Serialize)]
pub struct StaffView<'a> {
    pub role: &'a str,
    pub employment: &'a str,
    pub qualifications: &'a [String],
    pub hours: &'a str,
}

#[derive(Serialize)]
pub struct WindowView<'a> {
    pub id: &'a str,
    pub url: String,
    pub name: &'a str,
    pub kana: &'a str,
    pub organization: &'a str,
    pub featured: bool,
    pub eligible: &'a str,
    pub topics: &'a [String],
    pub address: Option<AddressView<'a>>,
    #[serde(flatten)]
    pub contact: ContactView<'a>,
    pub staff: Vec<StaffView<'a>>,
    pub verified_ja: String,
}

pub fn window_url(id: &str) -> String {
    RecordKind::Window.url(id)
}

impl<'a> WindowView<'a> {
    pub fn new(w: &'a Window) -> Self {
        WindowView {
            id: &w.id,
            url: window_url(&w.id),
            name: &w.name,
            kana: &w.kana,
            organization: &w.organization,
            featured: w.featured,
            eligible: &w.eligible,
            topics: &w.topics,
            address: w.address.as_ref().map(AddressView::new),
            contact: ContactView::new(&w.contact),
            staff: w
                .staff
                .iter()
                .map(|s| StaffView {
                    role: &s.role,
                    employment: &s.employment,
                    qualifications: &s.qualifications,
                    hours: &s.hours,
                })
                .collect(),
            verified_ja: w.verified.map(date_ja).unwrap_or_default(),
        }
    }
}

#[derive(Serialize)]
pub struct LinkView<'a> {
    pub name: &'a str,
    pub url: String,
}

#[derive(Serialize)]
pub struct MeetingView<'a> {
    pub id: &'a str,
    pub url: String,
    pub name: &'a str,
    pub kana: &'a str,
    pub participants: &'a str,
    pub purpose: &'a str,
    pub frequency: &'a str,
    pub organizer: &'a str,
    pub members: Vec<LinkView<'a>>,
    pub window: Option<LinkView<'a>>,
}

pub fn meeting_url(id: &str) -> String {
    RecordKind::Meeting.url(id)
}

impl<'a> MeetingView<'a> {
    pub fn new(m: &'a Meeting, book: &'a Guidebook) -> Self {
        MeetingView {
            id: &m.id,
            url: meeting_url(&m.id),
            name: &m.name,
            kana: &m.kana,
            participants: &m.participants,
            purpose: &m.purpose,
            frequency: &m.frequency,
            organizer: m.organizer.as_deref().unwrap_or(""),
            members: book
                .members(m)
                .map(|f| LinkView {
                    name: &f.name,
                    url: facility_url(&f.id),
                })
                .collect(),
            window: m
                .window
                .as_ref()
                .and_then(|w| book.windows.get(w))
                .map(|w| LinkView {
                    name: &w.name,
                    url: window_url(&w.id),
                }),
        }
    }
}

fn opening_hours(hours: &[Hours]) -> Json {
    hours
        .iter()
        .map(|h| {
            let days: Vec<&str> = (0..8)
                .filter(|&i| h.days.contains(i))
                .map(|i| DAY_SCHEMA[i])
                .collect();
            json!({
                "@type": "OpeningHoursSpecification",
                "dayOfWeek": days,
                "opens": h.open.to_string(),
                "closes": h.close.to_string(),
            })
        })
        .collect()
}

fn postal_address(a: &Address) -> Json {
    let street = match &a.building {
        Some(b) => format!("{} {}", a.line, b),
        None => a.line.clone(),
    };
    json!({
        "@type": "PostalAddress",
        "postalCode": a.postal.0,
        "addressLocality": a.city,
        "streetAddress": street,
        "addressCountry": "JP",
    })
}

fn insert_opt(obj: &mut Json, key: &str, v: Option<&str>) {
    if let (Some(v), Some(map)) = (v, obj.as_object_mut()) {
        map.insert(key.to_string(), Json::String(v.to_string()));
    }
}

/// Phone, FAX (in the international form schema.org asks for; pages show
/// them hyphenated), e-mail and web address as schema.org properties.
fn contact_jsonld(c: &Contact, v: &mut Json) {
    insert_opt(v, "telephone", Some(&c.phone.international()));
    insert_opt(
        v,
        "faxNumber",
        c.fax.as_ref().map(|p| p.international()).as_deref(),
    );
    insert_opt(v, "email", c.email.as_deref());
}

/// The address of a record's page, which is its JSON-LD's `@id` (with a
/// fragment) and `mainEntityOfPage`.
fn page_url(book: &Guidebook, kind: RecordKind, id: &str) -> String {
    format!("{}{}", book.config.base_url, kind.url(id))
}

pub fn facility_jsonld(f: &Facility, book: &Guidebook) -> String {
    let t = &book.config.types[f.ftype];
    let page = page_url(book, RecordKind::Facility, &f.id);
    let mut v = json!({
        "@context": "https://schema.org",
        "@type": f.schema.as_deref().unwrap_or(&t.schema),
        "@id": format!("{page}#facility"),
        "mainEntityOfPage": page,
        "url": f.contact.url.as_deref().unwrap_or(&page),
        "name": f.name,
        "alternateName": f.kana,
        "address": postal_address(&f.address),
    });
    contact_jsonld(&f.contact, &mut v);
    if let Some(l) = f.location {
        v["geo"] = json!({"@type": "GeoCoordinates", "latitude": l.lat, "longitude": l.lon});
    }
    if !f.contact.hours.is_empty() {
        v["openingHoursSpecification"] = opening_hours(&f.contact.hours);
    }
    json_in_html(&v)
}

/// A window is a desk of an organisation: the organisation (its own
/// schema.org type, `Organization` unless the record says otherwise), with
/// the window as its contact point.
pub fn window_jsonld(w: &Window, book: &Guidebook) -> String {
    let page = page_url(book, RecordKind::Window, &w.id);
    let mut point = json!({
        "@type": "ContactPoint",
        "name": w.name,
        "contactType": w.name,
        "areaServed": book.config.municipality,
    });
    contact_jsonld(&w.contact, &mut point);
    if !w.contact.hours.is_empty() {
        point["hoursAvailable"] = opening_hours(&w.contact.hours);
    }
    let mut v = json!({
        "@context": "https://schema.org",
        "@type": w.schema.as_deref().unwrap_or("Organization"),
        "@id": format!("{page}#window"),
        "mainEntityOfPage": page,
        "url": w.contact.url.as_deref().unwrap_or(&page),
        "name": w.name,
        "parentOrganization": { "@type": "Organization", "name": w.organization },
        "contactPoint": point,
    });
    if let Some(a) = &w.address {
        v["address"] = postal_address(a);
    }
    json_in_html(&v)
}

/// A meeting as a schema.org Event (it recurs: its frequency is its
/// schedule's description), organised by its organiser.
pub fn meeting_jsonld(m: &Meeting, book: &Guidebook) -> String {
    let page = page_url(book, RecordKind::Meeting, &m.id);
    let mut v = json!({
        "@context": "https://schema.org",
        "@type": "Event",
        "@id": format!("{page}#meeting"),
        "mainEntityOfPage": page,
        "url": page,
        "name": m.name,
        "description": m.purpose,
        "eventSchedule": { "@type": "Schedule", "description": m.frequency },
        "audience": { "@type": "Audience", "audienceType": m.participants },
    });
    if let Some(o) = &m.organizer {
        v["organizer"] = json!({ "@type": "Organization", "name": o });
    }
    json_in_html(&v)
}
