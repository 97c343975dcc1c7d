//! Validation: a record as written becomes a model record, and every
//! problem of it a diagnostic at its position.

use chrono::NaiveDate;

use super::config::{Config, SCHEMA_TYPES};
use super::kana;
use super::records::*;
use super::values::{check_kana, months_between, parse_date, Days, Phone, Postal, Problem, Time};
use crate::diag::{suggest, Diagnostic};
use crate::load::raw::{self, Scalar, ScalarKind};
use crate::load::{Loaded, Source};

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

    /// An official number of `len` digits (医療機関コード, 事業所番号,
    /// 法人番号). A YAML number is accepted when no leading zero was lost.
    fn official_number(
        &mut self,
        path: &str,
        v: Option<Scalar>,
        len: usize,
        what: &str,
    ) -> Option<String> {
        let s = v?;
        let text = s.text.trim();
        let digits = text.bytes().all(|b| b.is_ascii_digit());
        if digits && text.len() == len {
            return Some(text.to_string());
        }
        let hint = if s.kind == ScalarKind::Number && digits && text.len() < len {
            format!(
                "written as a number it lost its leading zero; quote it: {path}: \"{}\"",
                "0".repeat(len - text.len()) + text
            )
        } else {
            format!(
                "the {what} has {len} ASCII digits, no hyphens; write it in quotes, e.g. {path}: \"{}\"",
                if len == 13 { "1120005012345" } else { "2771500123" }
            )
        };
        self.error(
            path,
            format!("{path} \"{text}\" is not a {what} of {len} digits"),
            hint,
        );
        None
    }

    /// A record's own schema.org type.
    fn schema(&mut self, v: Option<String>) -> Option<String> {
        let s = Check::optional(v)?;
        if !SCHEMA_TYPES.contains(&s.as_str()) {
            self.error(
                "schema",
                format!("schema \"{s}\" is not a schema.org type carebook knows"),
                suggest(&s, "known types", SCHEMA_TYPES),
            );
        }
        Some(s)
    }

    /// The fields by which a facility or a window is reached; `None` when
    /// the phone number, which both require, is missing or wrong.
    fn contact(
        &mut self,
        phone: Option<Scalar>,
        fax: Option<Scalar>,
        email: Option<String>,
        url: Option<String>,
        hours: Option<Vec<raw::Hours>>,
        hours_note: Option<String>,
    ) -> Option<Contact> {
        let phone = self.phone("phone", phone, true);
        let fax = self.phone("fax", fax, false);
        let email = self.email(email);
        let url = self.url(url);
        let hours = self.hours(hours);
        Some(Contact {
            phone: phone?,
            fax,
            email,
            url,
            hours,
            hours_note: Check::optional(hours_note),
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

pub fn facility(l: Loaded<raw::Facility>, cfg: &Config) -> (Option<Facility>, Vec<Diagnostic>) {
    let mut c = Check::new(&l.source);
    let r = l.raw;
    let id = c.id(r.id);
    let name = c.name(r.name, "name: ひがしなり内科クリニック");
    let (kana, sort_key) = c.kana(r.kana);
    let type_names: Vec<&str> = cfg.types.iter().map(|t| t.key.as_str()).collect();
    let ftype = match r.ftype {
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
    let contact = c.contact(r.phone, r.fax, r.email, r.url, r.hours, r.hours_note);
    let mut capabilities = 0u64;
    let mut consult = 0u64;
    if let Some(t) = ftype.map(|k| &cfg.types[k]) {
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
    let verified = c.verified(r.verified, cfg.as_of, cfg.stale_after_months, true);
    let description = l.body.filter(|b| !b.trim().is_empty());
    let schema = c.schema(r.schema);
    let medical_code = c.official_number("medical_code", r.medical_code, 10, "医療機関コード");
    let office_number =
        c.official_number("office_number", r.office_number, 10, "介護保険事業所番号");
    let corporate_number =
        c.official_number("corporate_number", r.corporate_number, 13, "法人番号");
    let ok = !c
        .diags
        .iter()
        .any(|d| d.severity == crate::diag::Severity::Error);
    let f = match (ok, ftype, area, address, contact, verified) {
        (true, Some(ftype), Some(area), Some(address), Some(contact), Some((verified, stale))) => {
            Some(Facility {
                id,
                name,
                kana,
                row: kana::row_of_key(&sort_key),
                sort_key,
                ftype,
                area,
                address,
                location,
                contact,
                departments,
                capabilities,
                consult,
                liaison,
                schema,
                verified,
                stale,
                medical_code,
                office_number,
                corporate_number,
                description,
                source: l.source.path.clone(),
                hash: l.hash,
            })
        }
        _ => None,
    };
    (f, c.diags)
}

pub fn window(l: Loaded<raw::Window>, cfg: &Config) -> (Option<Window>, Vec<Diagnostic>) {
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
    let contact = c.contact(r.phone, r.fax, r.email, r.url, r.hours, r.hours_note);
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
    let schema = c.schema(r.schema);
    let ok = !c
        .diags
        .iter()
        .any(|d| d.severity == crate::diag::Severity::Error);
    let w = match (ok, contact) {
        (true, Some(contact)) => Some(Window {
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
            contact,
            staff,
            schema,
            verified: verified.map(|v| v.0),
            source: l.source.path.clone(),
            hash: l.hash,
        }),
        _ => None,
    };
    (w, c.diags)
}

pub fn meeting(l: Loaded<raw::Meeting>) -> (Option<Meeting>, Vec<Diagnostic>) {
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
    let members = r.members.unwrap_or_default();
    let meeting = ok.then(|| Meeting {
        id,
        name,
        kana,
        sort_key,
        participants,
        members,
        purpose,
        frequency,
        organizer,
        window: Check::optional(r.window),
        order,
        source: l.source.path.clone(),
        hash: l.hash,
    });
    (meeting, c.diags)
}

pub fn page(l: Loaded<raw::Page>) -> (Option<Page>, Vec<Diagnostic>) {
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
        hash: l.hash,
    });
    (p, c.diags)
}
