//! Stage 2, model: typed, validated, cross-linked records. Every output reads
//! only this. Validation collects every problem of every record.

pub mod config;
pub mod kana;
pub mod values;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::diag::{suggest, Diagnostic};
use crate::load::raw::{self, Scalar, ScalarKind};
use crate::load::{Content, Kind, Loaded, Source};
pub use config::{Area, Capability, Config, FacilityType};
use values::{check_kana, months_between, parse_date, Days, Phone, Postal, Problem, Time};

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
    /// Index into `config.types`.
    pub kind: usize,
    /// Index into `config.areas`.
    pub area: usize,
    pub address: Address,
    pub location: Option<Location>,
    pub phone: Phone,
    pub fax: Option<Phone>,
    pub email: Option<String>,
    pub url: Option<String>,
    pub hours: Vec<Hours>,
    pub hours_note: Option<String>,
    pub departments: Vec<String>,
    /// Bit i set: the type's capability i.
    pub capabilities: u64,
    /// Bit i set: capability i after consultation (要相談), from `consult:`.
    pub consult: u64,
    pub liaison: Option<Liaison>,
    pub verified: NaiveDate,
    pub stale: bool,
    /// Markdown source of the description (`.md` records).
    pub description: Option<String>,
    pub source: PathBuf,
}

impl Facility {
    pub fn has(&self, capability: usize) -> bool {
        self.capabilities & (1 << capability) != 0
    }
}

#[derive(Debug, Clone)]
pub struct Meeting {
    pub id: String,
    pub name: String,
    pub kana: String,
    pub sort_key: String,
    pub participants: String,
    /// Indices into `Guidebook::facilities`.
    pub members: Vec<usize>,
    pub purpose: String,
    pub frequency: String,
    pub organizer: Option<String>,
    /// Index into `Guidebook::windows`.
    pub window: Option<usize>,
    pub order: Option<i64>,
    pub source: PathBuf,
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
    pub phone: Phone,
    pub fax: Option<Phone>,
    pub email: Option<String>,
    pub url: Option<String>,
    pub hours: Vec<Hours>,
    pub hours_note: Option<String>,
    pub staff: Vec<Staff>,
    pub verified: Option<NaiveDate>,
    pub source: PathBuf,
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
}

/// The whole guidebook. Lists are in display order: facilities, meetings
/// and windows by 五十音 of their kana (windows featured first, meetings
/// and windows by `order` where given), pages by `order`.
#[derive(Debug)]
pub struct Guidebook {
    pub root: PathBuf,
    pub config: Config,
    pub facilities: Vec<Facility>,
    pub meetings: Vec<Meeting>,
    pub windows: Vec<Window>,
    pub pages: Vec<Page>,
    pub home: Option<Page>,
}

impl Guidebook {
    pub fn facilities_of_type(&self, kind: usize) -> impl Iterator<Item = &Facility> {
        self.facilities.iter().filter(move |f| f.kind == kind)
    }

    pub fn facilities_in_area(&self, area: usize) -> impl Iterator<Item = &Facility> {
        self.facilities.iter().filter(move |f| f.area == area)
    }

    pub fn record_count(&self) -> usize {
        self.facilities.len() + self.meetings.len() + self.windows.len() + self.pages.len()
    }
}

/// Collects the problems of one record.
struct Check<'a> {
    source: &'a Source,
    diags: Vec<Diagnostic>,
}

impl<'a> Check<'a> {
    fn new(source: &'a Source) -> Self {
        Check {
            source,
            diags: Vec::new(),
        }
    }

    fn error(&mut self, path: &str, message: impl Into<String>, hint: impl Into<String>) {
        self.diags
            .push(self.source.error_at(path, message).with_hint(hint));
    }

    fn problem(&mut self, path: &str, p: Problem) {
        self.error(path, p.message, p.hint);
    }

    /// Text that is printed on one line (a name, a phone contact): no line
    /// break or tab, which YAML lets in unseen with `|` or `"\n"`.
    fn one_line(&mut self, path: &str, s: &str) {
        if let Some(c) = s.chars().find(|c| matches!(c, '\n' | '\t')) {
            let what = if c == '\n' { "a line break" } else { "a tab" };
            self.error(
                path,
                format!("`{}` contains {what}", leaf(path)),
                "write it on one line: it is shown on one line in lists and in print",
            );
        }
    }

    /// A required text field; `multi_line` allows line breaks.
    fn required_text(
        &mut self,
        path: &str,
        v: Option<String>,
        example: &str,
        multi_line: bool,
    ) -> String {
        let s = self.required(path, v, example);
        if !multi_line {
            self.one_line(path, &s);
        }
        s
    }

    /// An optional text field on one line.
    fn line(&mut self, path: &str, v: Option<String>) -> Option<String> {
        let s = Check::optional(v)?;
        self.one_line(path, &s);
        Some(s)
    }

    /// A list of texts on one line each.
    fn lines(&mut self, path: &str, v: Option<Vec<String>>) -> Vec<String> {
        let items: Vec<String> = v.unwrap_or_default();
        for (i, s) in items.iter().enumerate() {
            self.one_line(&format!("{path}[{i}]"), s);
        }
        items
    }

    /// `order`: where a record stands in its list.
    fn order(&mut self, v: Option<Scalar>) -> Option<i64> {
        let s = v?;
        match s.text.parse::<i64>() {
            Ok(n) if s.kind == ScalarKind::Number && (0..=MAX_ORDER).contains(&n) => Some(n),
            _ => {
                self.error(
                    "order",
                    format!("order must be a whole number from 0 to {MAX_ORDER}"),
                    "order sets the position in the list: smaller numbers come first; write it without quotes, e.g. order: 2",
                );
                None
            }
        }
    }

    /// A yes-or-no field (`featured`, `print`).
    fn flag(&mut self, path: &str, v: Option<Scalar>) -> Option<bool> {
        let s = v?;
        if s.kind == ScalarKind::Bool {
            return Some(s.text == "true");
        }
        self.error(
            path,
            format!("`{path}` must be true or false, not \"{}\"", s.text),
            format!("write {path}: true or {path}: false, without quotes"),
        );
        None
    }

    /// A record's name: required, on one line, and of a length that fits a
    /// list row.
    fn name(&mut self, v: Option<String>, example: &str) -> String {
        let name = self.required_text("name", v, example, false);
        let n = name.chars().count();
        if n > MAX_NAME {
            self.diags.push(
                self.source
                    .warning_at("name", format!("the name is {n} characters long"))
                    .with_hint(format!("a name of more than {MAX_NAME} characters breaks lists and print; shorten it and put the rest in the description")),
            );
        }
        name
    }

    /// A required text field.
    fn required(&mut self, path: &str, v: Option<String>, example: &str) -> String {
        match v.map(|s| s.trim().to_string()) {
            Some(s) if !s.is_empty() => s,
            Some(_) => {
                self.error(
                    path,
                    format!("`{}` is empty", leaf(path)),
                    format!("write e.g. {example}"),
                );
                String::new()
            }
            None => {
                self.error(
                    path,
                    format!("missing required field `{}`", leaf(path)),
                    format!("add e.g. {example}"),
                );
                String::new()
            }
        }
    }

    fn optional(v: Option<String>) -> Option<String> {
        v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
    }

    fn kana(&mut self, v: Option<String>) -> (String, String) {
        let kana = self.required(
            "kana",
            v,
            "kana: ひがしなりくりにっく (the reading of the name)",
        );
        if !kana.is_empty() {
            if let Err(p) = check_kana(&kana) {
                self.problem("kana", p);
            }
        }
        let key = kana::sort_key(&kana);
        (kana, key)
    }

    fn id(&mut self, given: Option<String>) -> String {
        let id = given.clone().unwrap_or_else(|| self.source.stem());
        let ok = !id.is_empty()
            && id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
        if !ok {
            let bad = id.chars().enumerate().find(|(_, c)| {
                !(c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_'))
            });
            // Name the first character that cannot be in an id, and where:
            // an invisible one by its code, since it cannot be seen.
            let which = match bad {
                Some((i, c)) if c.is_ascii_uppercase() => {
                    format!(": capital letter 「{c}」 at character {}", i + 1)
                }
                Some((i, c))
                    if c.is_whitespace()
                        || c.is_control()
                        || crate::load::text::forbidden(c).is_some() =>
                {
                    format!(
                        ": invisible {} at character {}",
                        crate::load::text::describe(c),
                        i + 1
                    )
                }
                Some((i, c)) => format!(": 「{c}」 at character {}", i + 1),
                None => ": it is empty".to_string(),
            };
            let hint = "ids become URLs: use lower-case ASCII letters, digits, `-` and `_`, e.g. sakura-clinic (rename the file or set `id:`)";
            if given.is_some() {
                self.error("id", format!("id \"{id}\" is not a valid id{which}"), hint);
            } else {
                let at = crate::diag::Pos::At { line: 1, col: 1 };
                self.diags.push(
                    Diagnostic::error(
                        &self.source.path,
                        at,
                        format!("file name \"{id}\" (the record's id) is not a valid id{which}"),
                    )
                    .with_hint(hint),
                );
            }
        }
        id
    }

    fn phone(&mut self, path: &str, v: Option<Scalar>, required: bool) -> Option<Phone> {
        match v {
            Some(s) => match Phone::parse(&s, path) {
                Ok(p) => Some(p),
                Err(p) => {
                    self.problem(path, p);
                    None
                }
            },
            None => {
                if required {
                    self.error(
                        path,
                        format!("missing required field `{path}`"),
                        format!("add e.g. {path}: 06-6975-1234"),
                    );
                }
                None
            }
        }
    }

    fn address(&mut self, path: &str, v: Option<raw::Address>, required: bool) -> Option<Address> {
        let Some(a) = v else {
            if required {
                self.error(
                    path,
                    format!("missing required field `{path}`"),
                    "add address: { postal: 537-0025, city: 大阪市東成区, line: 中道1-2-3 }",
                );
            }
            return None;
        };
        let postal = match a.postal {
            Some(p) => Postal::parse(&p)
                .map_err(|p| self.problem(&format!("{path}.postal"), p))
                .ok(),
            None => {
                self.error(
                    &format!("{path}.postal"),
                    "missing required field `postal`",
                    "add e.g. postal: 537-0025",
                );
                None
            }
        };
        let city = self.required_text(&format!("{path}.city"), a.city, "city: 大阪市東成区", false);
        let line = self.required_text(&format!("{path}.line"), a.line, "line: 中道1-2-3", false);
        Some(Address {
            postal: postal?,
            city,
            line,
            building: self.line(&format!("{path}.building"), a.building),
        })
    }

    fn hours(&mut self, v: Option<Vec<raw::Hours>>) -> Vec<Hours> {
        let mut out = Vec::new();
        for (i, h) in v.unwrap_or_default().into_iter().enumerate() {
            let p = |f: &str| format!("hours[{i}].{f}");
            let days = self.parsed(&p("days"), h.days, Days::parse, "days: 月～金");
            let open = self.parsed(&p("open"), h.open, Time::parse, "open: \"09:00\"");
            let close = self.parsed(&p("close"), h.close, Time::parse, "close: \"17:00\"");
            if let (Some(o), Some(c)) = (open, close) {
                if c <= o {
                    self.error(
                        &p("close"),
                        format!("closing time {c} is not after opening time {o}"),
                        "write open before close; split hours that pass midnight at 24:00",
                    );
                }
            }
            if let (Some(days), Some(open), Some(close)) = (days, open, close) {
                out.push(Hours { days, open, close });
            }
        }
        out
    }

    fn parsed<T>(
        &mut self,
        path: &str,
        v: Option<Scalar>,
        parse: impl Fn(&Scalar) -> Result<T, Problem>,
        example: &str,
    ) -> Option<T> {
        match v {
            Some(s) => parse(&s).map_err(|p| self.problem(path, p)).ok(),
            None => {
                self.error(
                    path,
                    format!("missing required field `{}`", leaf(path)),
                    format!("add e.g. {example}"),
                );
                None
            }
        }
    }

    fn email(&mut self, v: Option<String>) -> Option<String> {
        let e = Check::optional(v)?;
        let ok = e.split_once('@').is_some_and(|(u, d)| {
            !u.is_empty()
                && d.contains('.')
                && !d.starts_with('.')
                && !d.ends_with('.')
                && !d.contains('@')
        }) && !e
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "\"<>()[]\\,;:`".contains(c));
        if !ok {
            self.error(
                "email",
                format!("email \"{e}\" is not an e-mail address"),
                "write e.g. info@example.jp",
            );
        }
        Some(e)
    }

    fn url(&mut self, v: Option<String>) -> Option<String> {
        let u = Check::optional(v)?;
        let host = u
            .strip_prefix("https://")
            .or_else(|| u.strip_prefix("http://"))
            .map(|rest| rest.split(['/', '?', '#']).next().unwrap_or(""));
        let clean = !u
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "\"<>`{}|\\^".contains(c));
        if !clean || host.is_none_or(|h| h.is_empty() || h.starts_with('.')) {
            self.error(
                "url",
                format!("url \"{u}\" is not a web address"),
                "write the full address, e.g. https://example.jp/",
            );
        }
        Some(u)
    }

    fn verified(
        &mut self,
        v: Option<Scalar>,
        as_of: NaiveDate,
        months: u32,
        required: bool,
    ) -> Option<(NaiveDate, bool)> {
        let d = match v {
            Some(s) => parse_date(&s)
                .map_err(|p| self.problem("verified", p))
                .ok()?,
            None => {
                if required {
                    self.error(
                        "verified",
                        "missing required field `verified`",
                        "add the date the record was last confirmed, e.g. verified: 2026-09-15",
                    );
                }
                return None;
            }
        };
        if d > as_of {
            self.diags.push(
                self.source
                    .warning_at("verified", format!("verified {d} is after the guidebook's as_of date {as_of}"))
                    .with_hint("check the date; if the guidebook is newer, move as_of forward in carebook.toml"),
            );
        }
        let age = months_between(d, as_of);
        let stale = age > i64::from(months);
        if stale {
            self.diags.push(
                self.source
                    .warning_at("verified", format!("last verified {d}, {age} months before the guidebook's as_of date {as_of}"))
                    .with_hint(format!("confirm the record with the facility and update `verified` (stale after {months} months)")),
            );
        }
        Some((d, stale))
    }
}

/// The largest `order` a record may give itself.
const MAX_ORDER: i64 = 99_999;
/// Names longer than this are warned about.
const MAX_NAME: usize = 200;

fn leaf(path: &str) -> &str {
    path.rsplit(['.', ']']).next().unwrap_or(path)
}

fn facility(l: Loaded<raw::Facility>, cfg: &Config) -> (Option<Facility>, Vec<Diagnostic>) {
    let mut c = Check::new(&l.source);
    let r = l.raw;
    let id = c.id(r.id);
    let name = c.name(r.name, "name: ひがしなり内科クリニック");
    let (kana, sort_key) = c.kana(r.kana);
    let type_names: Vec<&str> = cfg.types.iter().map(|t| t.key.as_str()).collect();
    let kind = match r.kind {
        Some(k) => match cfg.facility_type(&k) {
            Some(i) => Some(i),
            None => {
                c.error(
                    "type",
                    format!("unknown facility type \"{k}\""),
                    suggest(&k, "types in carebook.toml", &type_names),
                );
                None
            }
        },
        None => {
            c.error(
                "type",
                "missing required field `type`",
                suggest("", "types in carebook.toml", &type_names),
            );
            None
        }
    };
    let area_names: Vec<&str> = cfg.areas.iter().map(|a| a.key.as_str()).collect();
    let area = match r.area {
        Some(a) => match cfg.area(&a) {
            Some(i) => Some(i),
            None => {
                c.error(
                    "area",
                    format!("unknown area \"{a}\""),
                    suggest(&a, "areas in carebook.toml", &area_names),
                );
                None
            }
        },
        None => {
            c.error(
                "area",
                "missing required field `area`",
                suggest("", "areas in carebook.toml", &area_names),
            );
            None
        }
    };
    let address = c.address("address", r.address, true);
    let location = r.location.and_then(|loc| {
        let in_japan = |lat: f64, lon: f64| (20.0..=46.0).contains(&lat) && (122.0..=154.0).contains(&lon);
        if in_japan(loc.lat, loc.lon) {
            Some(Location { lat: loc.lat, lon: loc.lon })
        } else {
            let hint = if in_japan(loc.lon, loc.lat) {
                "lat and lon look swapped: lat is about 34.7 and lon about 135.5 in Osaka"
            } else {
                "lat is north latitude (20 to 46), lon east longitude (122 to 154), in decimal degrees"
            };
            c.error("location", format!("location {}, {} is not in Japan", loc.lat, loc.lon), hint);
            None
        }
    });
    let phone = c.phone("phone", r.phone, true);
    let fax = c.phone("fax", r.fax, false);
    let email = c.email(r.email);
    let url = c.url(r.url);
    let hours = c.hours(r.hours);
    let mut capabilities = 0u64;
    let mut consult = 0u64;
    if let Some(t) = kind.map(|k| &cfg.types[k]) {
        let known: Vec<&str> = t.capabilities.iter().map(|c| c.key.as_str()).collect();
        let lists = [("capabilities", r.capabilities), ("consult", r.consult)];
        for (field, cap, i) in lists.into_iter().flat_map(|(field, list)| {
            let list = list.unwrap_or_default();
            list.into_iter()
                .enumerate()
                .map(move |(i, c)| (field, c, i))
        }) {
            let cap = &cap;
            match t.capability_index(cap) {
                Some(bit) => {
                    if (capabilities | consult) & (1 << bit) != 0 {
                        c.error(
                            &format!("{field}[{i}]"),
                            format!("capability \"{cap}\" is listed twice"),
                            "remove the repeated entry",
                        );
                    }
                    if field == "consult" {
                        consult |= 1 << bit;
                    } else {
                        capabilities |= 1 << bit;
                    }
                }
                None => c.error(
                    &format!("{field}[{i}]"),
                    format!("unknown capability \"{cap}\" for type \"{}\"", t.key),
                    suggest(cap, &format!("capabilities of {}", t.key), &known),
                ),
            }
        }
    }
    let liaison = r.liaison.map(|li| Liaison {
        contact: c.line("liaison.contact", li.contact).unwrap_or_default(),
        method: c.line("liaison.method", li.method).unwrap_or_default(),
        hours: c.line("liaison.hours", li.hours).unwrap_or_default(),
    });
    let departments = c.lines("departments", r.departments);
    let hours_note = Check::optional(r.hours_note);
    let verified = c.verified(r.verified, cfg.as_of, cfg.stale_after_months, true);
    let description = l.body.filter(|b| !b.trim().is_empty());
    let ok = !c
        .diags
        .iter()
        .any(|d| d.severity == crate::diag::Severity::Error);
    let f = match (ok, kind, area, address, phone, verified) {
        (true, Some(kind), Some(area), Some(address), Some(phone), Some((verified, stale))) => {
            Some(Facility {
                id,
                name,
                kana,
                sort_key,
                kind,
                area,
                address,
                location,
                phone,
                fax,
                email,
                url,
                hours,
                hours_note,
                departments,
                capabilities,
                consult,
                liaison,
                verified,
                stale,
                description,
                source: l.source.path.clone(),
            })
        }
        _ => None,
    };
    (f, c.diags)
}

fn window(l: Loaded<raw::Window>, cfg: &Config) -> (Option<Window>, Vec<Diagnostic>) {
    let mut c = Check::new(&l.source);
    let r = l.raw;
    let id = c.id(r.id);
    let name = c.name(r.name, "name: 在宅医療・介護連携相談支援室");
    let (kana, sort_key) = c.kana(r.kana);
    let organization = c.required_text(
        "organization",
        r.organization,
        "organization: 一般社団法人東成区医師会",
        false,
    );
    let address = c.address("address", r.address, false);
    let phone = c.phone("phone", r.phone, true);
    let fax = c.phone("fax", r.fax, false);
    let email = c.email(r.email);
    let url = c.url(r.url);
    let hours = c.hours(r.hours);
    let verified = c.verified(r.verified, cfg.as_of, cfg.stale_after_months, false);
    let staff = r
        .staff
        .unwrap_or_default()
        .into_iter()
        .enumerate()
        .map(|(i, s)| Staff {
            role: c.required_text(
                &format!("staff[{i}].role"),
                s.role,
                "role: コーディネーター",
                false,
            ),
            employment: c
                .line(&format!("staff[{i}].employment"), s.employment)
                .unwrap_or_default(),
            qualifications: c.lines(&format!("staff[{i}].qualifications"), s.qualifications),
            hours: c
                .line(&format!("staff[{i}].hours"), s.hours)
                .unwrap_or_default(),
        })
        .collect();
    let featured = c.flag("featured", r.featured).unwrap_or(false);
    let order = c.order(r.order);
    let topics = c.lines("topics", r.topics);
    let hours_note = Check::optional(r.hours_note);
    let ok = !c
        .diags
        .iter()
        .any(|d| d.severity == crate::diag::Severity::Error);
    let w = match (ok, phone) {
        (true, Some(phone)) => Some(Window {
            id,
            name,
            kana,
            sort_key,
            organization,
            featured,
            order,
            eligible: Check::optional(r.eligible).unwrap_or_default(),
            topics,
            address,
            phone,
            fax,
            email,
            url,
            hours,
            hours_note,
            staff,
            verified: verified.map(|v| v.0),
            source: l.source.path.clone(),
        }),
        _ => None,
    };
    (w, c.diags)
}

/// A meeting before its references are resolved.
struct MeetingDraft {
    meeting: Meeting,
    members: Vec<String>,
    window: Option<String>,
    source: Source,
}

fn meeting(l: Loaded<raw::Meeting>) -> (Option<MeetingDraft>, Vec<Diagnostic>) {
    let mut c = Check::new(&l.source);
    let r = l.raw;
    let id = c.id(r.id);
    let name = c.name(r.name, "name: 病院連絡会");
    let (kana, sort_key) = c.kana(r.kana);
    let participants = c.required_text(
        "participants",
        r.participants,
        "participants: 区内8病院",
        false,
    );
    let purpose = c.required(
        "purpose",
        r.purpose,
        "purpose: 病院間や地域の開業医との連携を図る",
    );
    let frequency = c.required_text("frequency", r.frequency, "frequency: 年4回", false);
    let organizer = c.line("organizer", r.organizer);
    let order = c.order(r.order);
    let ok = !c
        .diags
        .iter()
        .any(|d| d.severity == crate::diag::Severity::Error);
    let draft = ok.then(|| MeetingDraft {
        meeting: Meeting {
            id,
            name,
            kana,
            sort_key,
            participants,
            members: Vec::new(),
            purpose,
            frequency,
            organizer,
            window: None,
            order,
            source: l.source.path.clone(),
        },
        members: r.members.unwrap_or_default(),
        window: Check::optional(r.window),
        source: l.source.clone(),
    });
    (draft, c.diags)
}

fn page(l: Loaded<raw::Page>) -> (Option<Page>, Vec<Diagnostic>) {
    let mut c = Check::new(&l.source);
    let slug = c.id(None);
    let title = c.required_text("title", l.raw.title, "title: ガイドブックの使い方", false);
    let order = c.order(l.raw.order);
    let print = c.flag("print", l.raw.print);
    let ok = c.diags.is_empty();
    let p = ok.then(|| Page {
        slug,
        title,
        order: order.unwrap_or(i64::MAX),
        print: print.unwrap_or(false),
        body: l.body.unwrap_or_default(),
        source: l.source.path.clone(),
    });
    (p, c.diags)
}

/// A reference to a record that has errors of its own: a warning, as those
/// errors already stop the build and say what to fix.
fn with_errors(
    source: &Source,
    at: &str,
    what: &str,
    id: &str,
    file: &Path,
    root: &Path,
) -> Diagnostic {
    source
        .warning_at(
            at,
            format!("the {what} \"{id}\" has errors of its own, so this link is not checked"),
        )
        .with_hint(format!(
            "fix {} first; this link is checked again then",
            file.strip_prefix(root).unwrap_or(file).display()
        ))
}

/// Reports ids used twice within one kind of record.
fn duplicate_ids<'a>(
    items: impl Iterator<Item = (&'a str, &'a Path, Diagnostic)>,
    kind: &str,
    root: &Path,
    diags: &mut Vec<Diagnostic>,
) {
    let mut seen: HashMap<&str, &Path> = HashMap::new();
    for (id, path, at) in items {
        if let Some(first) = seen.get(id) {
            diags.push(
                Diagnostic {
                    message: format!("duplicate {kind} id \"{id}\""),
                    ..at
                }
                .with_hint(format!(
                    "first defined in {}; rename one file or set a different `id:`",
                    first.strip_prefix(root).unwrap_or(first).display()
                )),
            );
        } else {
            seen.insert(id, path);
        }
    }
}

fn validate_all<T: Send, R: Send>(
    items: Vec<Loaded<T>>,
    f: impl Fn(Loaded<T>) -> (Option<R>, Vec<Diagnostic>) + Sync + Send,
    diags: &mut Vec<Diagnostic>,
) -> Vec<R> {
    let results: Vec<(Option<R>, Vec<Diagnostic>)> = items.into_par_iter().map(f).collect();
    let mut out = Vec::with_capacity(results.len());
    for (r, d) in results {
        diags.extend(d);
        out.extend(r);
    }
    out
}

/// Builds the model from loaded content. Returns it even when records had
/// errors (those records are left out) so a checker can report everything.
pub fn build(root: &Path, config: Config, content: Content) -> (Guidebook, Vec<Diagnostic>) {
    let mut diags = content.diagnostics;
    // Every file that claims an id, read or not: a reference to a record
    // with errors of its own is not a reference to nothing.
    let mut claimed: HashMap<(Kind, String), PathBuf> = content
        .unreadable
        .into_iter()
        .map(|(kind, id, path)| ((kind, id), path))
        .collect();
    fn claims<'a, T, F: Fn(&'a T) -> Option<&'a String> + 'a>(
        kind: Kind,
        items: &'a [Loaded<T>],
        id: F,
    ) -> impl Iterator<Item = ((Kind, String), PathBuf)> + 'a {
        items.iter().map(move |l| {
            let claimed = id(&l.raw).cloned().unwrap_or_else(|| l.source.stem());
            ((kind, claimed), l.source.path.clone())
        })
    }
    claimed.extend(claims(Kind::Facility, &content.facilities, |r| {
        r.id.as_ref()
    }));
    claimed.extend(claims(Kind::Window, &content.windows, |r| r.id.as_ref()));
    let mut facilities = validate_all(content.facilities, |l| facility(l, &config), &mut diags);
    let mut windows = validate_all(content.windows, |l| window(l, &config), &mut diags);
    let drafts = validate_all(content.meetings, meeting, &mut diags);
    let mut pages = validate_all(content.pages, page, &mut diags);
    let home = content.home.and_then(|h| {
        let (p, d) = page(h);
        diags.extend(d);
        p
    });

    facilities.par_sort_by(|a, b| (&a.sort_key, &a.id).cmp(&(&b.sort_key, &b.id)));
    windows.sort_by(|a, b| {
        (!a.featured, a.order.unwrap_or(i64::MAX), &a.sort_key, &a.id).cmp(&(
            !b.featured,
            b.order.unwrap_or(i64::MAX),
            &b.sort_key,
            &b.id,
        ))
    });
    pages.sort_by(|a, b| (a.order, &a.slug).cmp(&(b.order, &b.slug)));

    let at_id = |path: &Path| {
        Diagnostic::error(
            path,
            crate::diag::Pos::Yaml {
                path: "id".into(),
                line_offset: usize::from(path.extension().is_some_and(|e| e == "md")),
            },
            "",
        )
    };
    duplicate_ids(
        facilities
            .iter()
            .map(|f| (f.id.as_str(), f.source.as_path(), at_id(&f.source))),
        "facility",
        root,
        &mut diags,
    );
    duplicate_ids(
        windows
            .iter()
            .map(|w| (w.id.as_str(), w.source.as_path(), at_id(&w.source))),
        "window",
        root,
        &mut diags,
    );
    duplicate_ids(
        drafts.iter().map(|m| {
            (
                m.meeting.id.as_str(),
                m.meeting.source.as_path(),
                at_id(&m.meeting.source),
            )
        }),
        "meeting",
        root,
        &mut diags,
    );
    duplicate_ids(
        pages
            .iter()
            .map(|p| (p.slug.as_str(), p.source.as_path(), at_id(&p.source))),
        "page",
        root,
        &mut diags,
    );

    // Cross-links: meeting members and windows by id.
    let facility_ix: HashMap<&str, usize> = facilities
        .iter()
        .enumerate()
        .map(|(i, f)| (f.id.as_str(), i))
        .collect();
    let window_ix: HashMap<&str, usize> = windows
        .iter()
        .enumerate()
        .map(|(i, w)| (w.id.as_str(), i))
        .collect();
    let facility_ids: Vec<&str> = facilities.iter().map(|f| f.id.as_str()).collect();
    let window_ids: Vec<&str> = windows.iter().map(|w| w.id.as_str()).collect();
    let mut meetings = Vec::with_capacity(drafts.len());
    for d in drafts {
        let mut m = d.meeting;
        for (i, id) in d.members.iter().enumerate() {
            match facility_ix.get(id.as_str()) {
                Some(&ix) => m.members.push(ix),
                None if claimed.contains_key(&(Kind::Facility, id.clone())) => diags.push(
                    with_errors(&d.source, &format!("members[{i}]"), "facility", id, &claimed[&(Kind::Facility, id.clone())], root),
                ),
                None => diags.push(
                    d.source
                        .error_at(&format!("members[{i}]"), format!("no facility has the id \"{id}\""))
                        .with_hint(match crate::diag::did_you_mean(id, facility_ids.iter().copied()) {
                            Some(s) => format!("did you mean `{s}`? (a facility's id is its file name without .yaml)"),
                            None => "a facility's id is its file name without .yaml".into(),
                        }),
                ),
            }
        }
        if let Some(w) = &d.window {
            match window_ix.get(w.as_str()) {
                Some(&ix) => m.window = Some(ix),
                None if claimed.contains_key(&(Kind::Window, w.clone())) => {
                    diags.push(with_errors(
                        &d.source,
                        "window",
                        "contact window",
                        w,
                        &claimed[&(Kind::Window, w.clone())],
                        root,
                    ))
                }
                None => diags.push(
                    d.source
                        .error_at("window", format!("no contact window has the id \"{w}\""))
                        .with_hint(suggest(w, "windows", &window_ids)),
                ),
            }
        }
        meetings.push(m);
    }
    meetings.sort_by(|a, b| {
        (a.order.unwrap_or(i64::MAX), &a.sort_key, &a.id).cmp(&(
            b.order.unwrap_or(i64::MAX),
            &b.sort_key,
            &b.id,
        ))
    });

    let book = Guidebook {
        root: root.to_path_buf(),
        config,
        facilities,
        meetings,
        windows,
        pages,
        home,
    };
    (book, diags)
}
