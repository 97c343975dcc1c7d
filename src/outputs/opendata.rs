//! Open data: the facilities as CSV in the two recommended-dataset layouts
//! (推奨データセット 医療機関一覧 and 介護サービス事業所一覧: UTF-8 with BOM,
//! CRLF, the published column order), the whole public model as JSON with
//! its JSON Schema beside it. Reads only the model, so nothing `internal:`
//! can reach it; dates come from `as_of`, so a build is byte-identical run
//! to run. The page linking the files is rendered by the site with the
//! theme's `opendata.html` from [`page_context`].

use rayon::prelude::*;
use serde::Serialize;
use serde_json::{json, Value};

use crate::diag::{Diagnostic, Pos};
use crate::import::layout::{CARE_COLUMNS, MEDICAL_COLUMNS};
use crate::model::values::{Days, Time};
use crate::model::{hours_text, Config, Facility, FacilityType, Guidebook};
use crate::outputs::{Problems, Renderer};
use crate::write::Staging;

pub const DIR: &str = "opendata";
pub const JSON_FILE: &str = "guidebook.json";
pub const SCHEMA_FILE: &str = "guidebook.schema.json";
const SCHEMA: &str = include_str!("opendata.schema.json");

pub struct OpenData;

/// The schema.org types whose facilities go to 医療機関一覧; the rest go to
/// 介護サービス事業所一覧.
const MEDICAL_SCHEMAS: &[&str] = &[
    "Hospital",
    "MedicalClinic",
    "Dentist",
    "Pharmacy",
    "Physician",
];

pub fn is_medical(t: &FacilityType) -> bool {
    t.service_codes.is_empty() && MEDICAL_SCHEMAS.contains(&t.schema.as_str())
}

pub fn medical_file(cfg: &Config) -> String {
    format!("{}_medical_institution.csv", cfg.municipality_code)
}

pub fn care_file(cfg: &Config) -> String {
    format!("{}_care_service.csv", cfg.municipality_code)
}

const PREFECTURES: [&str; 47] = [
    "北海道",
    "青森県",
    "岩手県",
    "宮城県",
    "秋田県",
    "山形県",
    "福島県",
    "茨城県",
    "栃木県",
    "群馬県",
    "埼玉県",
    "千葉県",
    "東京都",
    "神奈川県",
    "新潟県",
    "富山県",
    "石川県",
    "福井県",
    "山梨県",
    "長野県",
    "岐阜県",
    "静岡県",
    "愛知県",
    "三重県",
    "滋賀県",
    "京都府",
    "大阪府",
    "兵庫県",
    "奈良県",
    "和歌山県",
    "鳥取県",
    "島根県",
    "岡山県",
    "広島県",
    "山口県",
    "徳島県",
    "香川県",
    "愛媛県",
    "高知県",
    "福岡県",
    "佐賀県",
    "長崎県",
    "熊本県",
    "大分県",
    "宮崎県",
    "鹿児島県",
    "沖縄県",
];

/// The prefecture of a 全国地方公共団体コード (its first two digits).
fn prefecture(code: &str) -> &'static str {
    code.get(..2)
        .and_then(|p| p.parse::<usize>().ok())
        .and_then(|n| PREFECTURES.get(n.wrapping_sub(1)))
        .copied()
        .unwrap_or("")
}

/// A reading in full-width katakana, as the data sets publish it.
fn katakana(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{3041}'..='\u{3096}' => char::from_u32(c as u32 + 0x60).unwrap_or(c),
            c => c,
        })
        .collect()
}

fn address(f: &Facility) -> String {
    format!(
        "〒{} {}{}",
        f.address.postal.0, f.address.city, f.address.line
    )
}

fn opt(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}

fn location(f: &Facility) -> (String, String) {
    f.location
        .map(|l| (l.lat.to_string(), l.lon.to_string()))
        .unwrap_or_default()
}

/// 有 or 無 for a capability the type defines, empty when it defines none.
fn yes_no(f: &Facility, t: &FacilityType, keys: &[&str]) -> String {
    let caps: Vec<usize> = keys.iter().filter_map(|k| t.capability_index(k)).collect();
    if caps.is_empty() {
        String::new()
    } else if caps.iter().any(|&c| f.has(c)) {
        "有".into()
    } else {
        "無".into()
    }
}

fn type_name(t: &FacilityType) -> &str {
    t.import_names
        .first()
        .map_or(t.name.as_str(), String::as_str)
}

fn csv_bytes(header: &[&str], rows: Vec<Vec<String>>) -> Result<Vec<u8>, String> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    w.write_record(header).map_err(|e| e.to_string())?;
    for r in rows {
        w.write_record(&r).map_err(|e| e.to_string())?;
    }
    w.into_inner().map_err(|e| e.to_string())
}

/// The columns both layouts begin with, from 都道府県コード又は市区町村コード
/// to 法人の名称.
fn first_columns(n: usize, f: &Facility, book: &Guidebook) -> Vec<String> {
    let cfg = &book.config;
    let t = &cfg.types[f.ftype];
    let (lat, lon) = location(f);
    vec![
        cfg.municipality_code.clone(),
        n.to_string(),
        prefecture(&cfg.municipality_code).to_string(),
        f.address.city.clone(),
        f.name.clone(),
        katakana(&f.kana),
        type_name(t).to_string(),
        address(f),
        opt(&f.address.building),
        lat,
        lon,
        f.contact.phone.0.clone(),
        String::new(),
        f.contact
            .fax
            .as_ref()
            .map(|p| p.0.clone())
            .unwrap_or_default(),
        opt(&f.corporate_number),
        String::new(),
    ]
}

fn medical_row(n: usize, f: &Facility, book: &Guidebook) -> Vec<String> {
    let cfg = &book.config;
    let t = &cfg.types[f.ftype];
    let join = |g: &dyn Fn(&crate::model::Hours) -> String| {
        f.contact.hours.iter().map(g).collect::<Vec<_>>().join(";")
    };
    let mut row = first_columns(n, f, book);
    row.extend([
        opt(&f.medical_code),
        join(&|h| h.days.label()),
        join(&|h| h.open.to_string()),
        join(&|h| h.close.to_string()),
        opt(&f.contact.hours_note),
        yes_no(f, t, &["on_call_24h", "after_hours", "house_call"]),
        f.departments.join(";"),
        String::new(),
        opt(&f.contact.url),
        String::new(),
    ]);
    row
}

fn care_row(n: usize, f: &Facility, book: &Guidebook) -> Vec<String> {
    let days = Days(f.contact.hours.iter().fold(0, |d, h| d | h.days.0));
    let note: Vec<String> = [hours_text(&f.contact.hours), opt(&f.contact.hours_note)]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect();
    let mut row = first_columns(n, f, book);
    row.extend([
        opt(&f.office_number),
        if days.0 == 0 {
            String::new()
        } else {
            days.label()
        },
        note.join("　"),
        String::new(),
        opt(&f.contact.url),
        String::new(),
    ]);
    row
}

fn time(t: &Time) -> String {
    t.to_string()
}

/// The whole public model. Its form is `opendata.schema.json`.
pub fn model_json(book: &Guidebook) -> Value {
    let cfg = &book.config;
    let all: Vec<&Facility> = book.facilities.iter().collect();
    let facilities: Vec<Value> = all
        .par_iter()
        .map(|f| {
            let t = &cfg.types[f.ftype];
            json!({
                "id": f.id,
                "name": f.name,
                "kana": f.kana,
                "type": t.key,
                "area": cfg.areas[f.area].key,
                "address": {
                    "postal": f.address.postal.0,
                    "city": f.address.city,
                    "line": f.address.line,
                    "building": f.address.building,
                },
                "location": f.location.map(|l| json!({"lat": l.lat, "lon": l.lon})),
                "phone": f.contact.phone.0,
                "fax": f.contact.fax.as_ref().map(|p| &p.0),
                "email": f.contact.email,
                "url": f.contact.url,
                "hours": f.contact.hours.iter().map(|h| json!({
                    "days": h.days.label(), "open": time(&h.open), "close": time(&h.close)
                })).collect::<Vec<_>>(),
                "hours_note": f.contact.hours_note,
                "departments": f.departments,
                "capabilities": t.capabilities.iter().enumerate()
                    .filter(|(i, _)| f.has(*i)).map(|(_, c)| c.key.as_str()).collect::<Vec<_>>(),
                "liaison": f.liaison.as_ref().map(|l| json!({
                    "contact": l.contact, "method": l.method, "hours": l.hours
                })),
                "verified": f.verified.to_string(),
                "medical_code": f.medical_code,
                "office_number": f.office_number,
                "corporate_number": f.corporate_number,
                "description": f.description,
            })
        })
        .collect();
    let windows: Vec<Value> = book
        .windows
        .iter()
        .map(|w| {
            json!({
                "id": w.id,
                "name": w.name,
                "kana": w.kana,
                "organization": w.organization,
                "featured": w.featured,
                "eligible": w.eligible,
                "topics": w.topics,
                "address": w.address.as_ref().map(|a| json!({
                    "postal": a.postal.0, "city": a.city, "line": a.line, "building": a.building
                })),
                "phone": w.contact.phone.0,
                "fax": w.contact.fax.as_ref().map(|p| &p.0),
                "email": w.contact.email,
                "url": w.contact.url,
                "hours": w.contact.hours.iter().map(|h| json!({
                    "days": h.days.label(), "open": time(&h.open), "close": time(&h.close)
                })).collect::<Vec<_>>(),
                "hours_note": w.contact.hours_note,
                "staff": w.staff.iter().map(|s| json!({
                    "role": s.role, "employment": s.employment,
                    "qualifications": s.qualifications, "hours": s.hours
                })).collect::<Vec<_>>(),
                "verified": w.verified.map(|d| d.to_string()),
            })
        })
        .collect();
    let meetings: Vec<Value> = book
        .meetings
        .iter()
        .map(|m| {
            json!({
                "id": m.id,
                "name": m.name,
                "kana": m.kana,
                "participants": m.participants,
                "members": m.members.iter().filter(|id| book.facilities.contains(id)).collect::<Vec<_>>(),
                "purpose": m.purpose,
                "frequency": m.frequency,
                "organizer": m.organizer,
                "window": m.window.as_ref().filter(|w| book.windows.contains(w)),
            })
        })
        .collect();
    let pages: Vec<Value> = book
        .pages
        .iter()
        .map(|p| json!({"slug": p.slug, "title": p.title, "body": p.body}))
        .collect();
    json!({
        "$schema": format!("./{SCHEMA_FILE}"),
        "title": cfg.title,
        "publisher": cfg.publisher,
        "municipality": cfg.municipality,
        "municipality_code": cfg.municipality_code,
        "as_of": cfg.as_of.to_string(),
        "licence": cfg.opendata.licence,
        "licence_url": cfg.opendata.licence_url,
        "types": cfg.types.iter().map(|t| json!({
            "key": t.key, "name": t.name, "schema": t.schema, "description": t.description,
            "capabilities": t.capabilities.iter().map(|c| json!({"key": c.key, "label": c.label})).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "areas": cfg.areas.iter().map(|a| json!({
            "key": a.key, "name": a.name, "kana": a.kana, "towns": a.towns
        })).collect::<Vec<_>>(),
        "facilities": facilities,
        "windows": windows,
        "meetings": meetings,
        "pages": pages,
    })
}

/// The published files, for the page.
#[derive(Serialize)]
pub struct FileInfo {
    pub url: String,
    pub title: String,
    pub format: &'static str,
    pub rows: usize,
}

pub fn files(book: &Guidebook) -> Vec<FileInfo> {
    let cfg = &book.config;
    let medical = book
        .facilities
        .iter()
        .filter(|f| is_medical(&cfg.types[f.ftype]))
        .count();
    vec![
        FileInfo {
            url: medical_file(cfg),
            title: "医療機関一覧（推奨データセット）".into(),
            format: "CSV",
            rows: medical,
        },
        FileInfo {
            url: care_file(cfg),
            title: "介護サービス事業所一覧（推奨データセット）".into(),
            format: "CSV",
            rows: book.facilities.len() - medical,
        },
        FileInfo {
            url: JSON_FILE.into(),
            title: "ガイドブック全体（施設・相談窓口・会議体・ページ）".into(),
            format: "JSON",
            rows: book.record_count(),
        },
        FileInfo {
            url: SCHEMA_FILE.into(),
            title: "JSONの項目定義（JSON Schema）".into(),
            format: "JSON Schema",
            rows: 0,
        },
    ]
}

/// What `opendata.html` sees besides the site-wide values.
pub fn page_context(book: &Guidebook) -> tera::Context {
    let cfg = &book.config;
    let mut c = tera::Context::new();
    c.insert(
        "opendata",
        &json!({
            "files": files(book),
            "licence": cfg.opendata.licence,
            "licence_url": cfg.opendata.licence_url,
            "updated": cfg.as_of.to_string(),
            "municipality_code": cfg.municipality_code,
        }),
    );
    c
}

impl Renderer for OpenData {
    fn name(&self) -> &'static str {
        "open data"
    }

    fn render(&self, book: &Guidebook, out: &Staging, report: &Problems) -> Option<Staging> {
        for (rel, data) in published(book) {
            if let Err(e) = data.and_then(|d| out.write_owned(&rel, d).map_err(|e| e.to_string())) {
                report.push(Diagnostic::error(
                    &rel,
                    Pos::File,
                    format!("cannot write output: {e}"),
                ));
            }
        }
        None
    }
}

/// The open-data files (path in the site, bytes or why they cannot be
/// made), for a build and for the preview alike.
pub fn published(book: &Guidebook) -> Vec<(String, Result<Vec<u8>, String>)> {
    let cfg = &book.config;
    // The two CSVs and the JSON are made side by side.
    let ((medical, care), json) = rayon::join(
        || {
            let (medical, care): (Vec<&Facility>, Vec<&Facility>) = book
                .facilities
                .iter()
                .partition(|f| is_medical(&cfg.types[f.ftype]));
            let rows =
                |list: Vec<&Facility>, row: fn(usize, &Facility, &Guidebook) -> Vec<String>| {
                    list.par_iter()
                        .enumerate()
                        .map(|(i, f)| row(i + 1, f, book))
                        .collect::<Vec<_>>()
                };
            rayon::join(
                || csv_bytes(&MEDICAL_COLUMNS, rows(medical, medical_row)),
                || csv_bytes(&CARE_COLUMNS, rows(care, care_row)),
            )
        },
        || serde_json::to_vec(&model_json(book)).map_err(|e| e.to_string()),
    );
    let files: Vec<(String, Result<Vec<u8>, String>)> = vec![
        (medical_file(cfg), medical),
        (care_file(cfg), care),
        (JSON_FILE.to_string(), json),
        (SCHEMA_FILE.to_string(), Ok(SCHEMA.as_bytes().to_vec())),
    ];
    files
        .into_iter()
        .map(|(name, data)| (format!("{DIR}/{name}"), data))
        .collect()
}
