//! One row → the fields of one facility record, each value checked with the
//! model's own rules so that written records pass `carebook check`.

use serde_yaml::{Mapping, Value};
use unicode_normalization::UnicodeNormalization;

use super::layout::{Field, Format};
use super::read::Row;
use crate::load::raw::{Scalar, ScalarKind};
use crate::model::values::{check_kana, Days, Phone, Postal, Time};
use crate::model::Config;

/// What a row becomes.
pub struct Imported {
    pub line: usize,
    pub kind: usize,
    /// Imported top-level keys in record order, with their values.
    pub fields: Vec<(&'static str, Value)>,
    /// Columns the model has no field for: (column, value).
    pub internal: Vec<(String, String)>,
    pub name: String,
    /// City and line, for matching a record without an official number.
    pub place: String,
    /// 医療機関コード or 事業所番号.
    pub code: Option<String>,
}

/// A row's problem: the cell it is in (index), message, hint.
pub struct RowError {
    pub cell: Option<usize>,
    pub message: String,
    pub hint: String,
}

fn err(cell: Option<usize>, message: impl Into<String>, hint: impl Into<String>) -> RowError {
    RowError {
        cell,
        message: message.into(),
        hint: hint.into(),
    }
}

pub struct Mapper<'a> {
    pub cfg: &'a Config,
    pub format: Format,
    /// The field of each column (None: kept as an internal note).
    pub columns: Vec<Option<Field>>,
    pub header: Vec<String>,
    /// `--type`.
    pub kind: Option<usize>,
    /// `--area`.
    pub area: Option<usize>,
    /// The service code in a `jigyosho_NNN.csv` file name.
    pub file_code: Option<u16>,
}

fn string(s: &str) -> Value {
    Value::String(s.to_string())
}

/// Full-width digits, letters and dashes folded to ASCII.
fn fold(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' => {
                char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
            }
            '‐' | '‑' | '‒' | '–' | '—' | '−' | '－' | '―' | 'ｰ' | 'ー' => '-',
            '（' => '(',
            '）' => ')',
            '：' => ':',
            c => c,
        })
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// A reading in hiragana: half-width katakana (ﾋｶﾞｼﾅﾘ) and katakana become
/// hiragana (ひがしなり); the long-vowel mark stays.
pub fn kana_reading(s: &str) -> String {
    s.nfkc()
        .map(|c| match c {
            '\u{30A1}'..='\u{30F6}' => char::from_u32(c as u32 - 0x60).unwrap_or(c),
            c => c,
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A phone number hyphenated the usual way: 06-0000-1234, 0120-123-456,
/// 090-1234-5678, else 3-3-4 digits.
pub fn phone(s: &str) -> Option<String> {
    let f = fold(s);
    let hyphenated = f.replace(['(', ')'], "-").replace("--", "-");
    let scalar = |t: &str| Scalar {
        text: t.to_string(),
        kind: ScalarKind::String,
    };
    if let Ok(p) = Phone::parse(&scalar(hyphenated.trim_matches('-')), "phone") {
        return Some(p.0);
    }
    let d: String = f.chars().filter(char::is_ascii_digit).collect();
    let split = |a: usize, b: usize| format!("{}-{}-{}", &d[..a], &d[a..a + b], &d[a + b..]);
    let guess = match d.len() {
        10 if d.starts_with("0120") => split(4, 3),
        10 if d.starts_with("03") || d.starts_with("06") => split(2, 4),
        10 => split(3, 3),
        11 => split(3, 4),
        _ => return None,
    };
    Phone::parse(&scalar(&guess), "phone").ok().map(|p| p.0)
}

/// `9:00`, `09:00`, `900`, `９：００` → `09:00`.
fn time(s: &str) -> Option<String> {
    let f = fold(s);
    let (h, m) = match f.split_once(':') {
        Some((h, m)) => (h.to_string(), m.to_string()),
        None if f.len() == 3 || f.len() == 4 => {
            (f[..f.len() - 2].to_string(), f[f.len() - 2..].to_string())
        }
        None => return None,
    };
    let t = format!("{:0>2}:{:0>2}", h, m);
    Time::parse(&Scalar {
        text: t.clone(),
        kind: ScalarKind::String,
    })
    .ok()
    .map(|_| t)
}

/// `〒537-0025 大阪府大阪市東成区中道1-2-3` → postal, the rest.
fn split_postal(s: &str) -> (Option<String>, String) {
    let t = s.trim().trim_start_matches('〒').trim_start();
    let f: Vec<char> = t.chars().take(9).collect();
    let fold_c = |c: char| fold(&c.to_string()).chars().next().unwrap_or(c);
    let digits: Vec<char> = f.iter().map(|&c| fold_c(c)).collect();
    let is_d = |i: usize| digits.get(i).is_some_and(char::is_ascii_digit);
    let (postal, used) = if (0..3).all(is_d) && digits.get(3) == Some(&'-') && (4..8).all(is_d) {
        (format!("{}-{}", s3(&digits[..3]), s3(&digits[4..8])), 8)
    } else if (0..7).all(is_d) && !is_d(7) && s.trim_start().starts_with('〒') {
        (format!("{}-{}", s3(&digits[..3]), s3(&digits[3..7])), 7)
    } else {
        return (None, s.trim().to_string());
    };
    let rest: String = t.chars().skip(used).collect();
    (Some(postal), rest.trim().to_string())
}

fn s3(c: &[char]) -> String {
    c.iter().collect()
}

/// Drops the prefecture and splits the city (市区町村) from the rest.
fn split_city(s: &str, municipality: &str, city_col: Option<&str>) -> Option<(String, String)> {
    let mut s = s.trim();
    for (i, c) in s.char_indices().take(4) {
        if matches!(c, '都' | '道' | '府' | '県') && i > 0 {
            let pref = &s[..i + c.len_utf8()];
            if ["東京都", "北海道", "大阪府", "京都府"].contains(&pref) || c == '県' {
                s = &s[i + c.len_utf8()..];
                break;
            }
        }
    }
    let s = s.trim();
    let take = |n: usize| Some((s[..n].to_string(), s[n..].trim().to_string()));
    if !municipality.is_empty() && s.starts_with(municipality) {
        return take(municipality.len());
    }
    if let Some(c) = city_col.filter(|c| !c.is_empty()) {
        if s.starts_with(c) {
            return take(c.len());
        }
    }
    if let Some(i) = s.find('市') {
        let after = &s[i + '市'.len_utf8()..];
        if let Some(j) = after
            .find('区')
            .filter(|&j| j > 0 && after[..j].chars().count() <= 4)
        {
            return take(i + '市'.len_utf8() + j + '区'.len_utf8());
        }
        return take(i + '市'.len_utf8());
    }
    if let Some(i) = s.find('郡') {
        let after = &s[i + '郡'.len_utf8()..];
        if let Some(j) = after.find(['町', '村']) {
            return take(i + '郡'.len_utf8() + j + '町'.len_utf8());
        }
    }
    if let Some(i) = s.find('区').filter(|&i| s[..i].chars().count() <= 4) {
        return take(i + '区'.len_utf8());
    }
    // No city in the address: the 市区町村名 column gives it.
    city_col
        .filter(|c| !c.is_empty())
        .map(|c| (c.to_string(), s.to_string()))
}

fn split_list(s: &str) -> Vec<String> {
    s.split([';', '；'])
        .map(|x| x.trim().to_string())
        .filter(|x| !x.is_empty())
        .collect()
}

impl Mapper<'_> {
    fn cell<'r>(&self, row: &'r Row, f: Field) -> Option<(usize, &'r str)> {
        self.columns
            .iter()
            .position(|c| *c == Some(f))
            .and_then(|i| row.cells.get(i).map(|v| (i, v.as_str())))
            .filter(|(_, v)| !v.is_empty())
    }

    fn kind_of(&self, text: &str) -> Option<usize> {
        let t = text.trim();
        let code: Option<u16> = fold(t).parse().ok();
        self.cfg.types.iter().position(|ty| {
            ty.import_names.iter().any(|n| n == t)
                || code.is_some_and(|c| ty.service_codes.contains(&c))
        })
    }

    pub fn map(&self, row: &Row) -> Result<Imported, Vec<RowError>> {
        let mut errs = Vec::new();
        for (i, v) in row.cells.iter().enumerate() {
            if let Some(c) = v
                .chars()
                .find(|&c| crate::load::text::forbidden(c).is_some())
            {
                errs.push(err(
                    Some(i),
                    format!(
                        "{} holds the invisible {}",
                        self.header.get(i).map_or("the cell", String::as_str),
                        crate::load::text::describe(c)
                    ),
                    "delete the character in the source file (it is not seen, but it would be published)",
                ));
            }
        }
        if !errs.is_empty() {
            return Err(errs);
        }
        let one_line = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut fields: Vec<(&'static str, Value)> = Vec::new();

        let name = match self.cell(row, Field::Name) {
            Some((_, v)) => one_line(v),
            None => {
                errs.push(err(
                    None,
                    "the name (名称) is empty",
                    "every row needs the facility's name",
                ));
                String::new()
            }
        };
        fields.push(("name", string(&name)));
        match self.cell(row, Field::Kana) {
            Some((i, v)) => {
                let k = kana_reading(v);
                match check_kana(&k) {
                    Ok(()) => fields.push(("kana", string(&k))),
                    Err(p) => errs.push(err(Some(i), p.message, p.hint)),
                }
            }
            None => errs.push(err(
                None,
                "the reading (名称_カナ) is empty",
                "the guidebook sorts by reading: fill in the カナ column (half-width katakana is fine)",
            )),
        }
        let kind = match (self.kind, self.cell(row, Field::Kind)) {
            (Some(k), _) => Some(k),
            (None, Some((i, v))) => match self
                .kind_of(v)
                .or_else(|| self.file_code.and_then(|c| self.kind_of(&c.to_string())))
            {
                Some(k) => Some(k),
                None => {
                    errs.push(err(
                        Some(i),
                        format!("type \"{v}\" is not mapped to a facility type"),
                        format!("add \"{v}\" to a type's `import` list in carebook.toml, or pass --type"),
                    ));
                    None
                }
            },
            (None, None) => match self.file_code.and_then(|c| self.kind_of(&c.to_string())) {
                Some(k) => Some(k),
                None => {
                    errs.push(err(
                        None,
                        "the row names no type (医療機関の種類 / サービスの種類)",
                        "pass --type KEY for a file of one type",
                    ));
                    None
                }
            },
        };
        if let Some(k) = kind {
            fields.push(("type", string(&self.cfg.types[k].key)));
        }

        // Address.
        let mut place = String::new();
        let mut area = None;
        match self.cell(row, Field::Address) {
            None => errs.push(err(
                None,
                "the address (住所) is empty",
                "every row needs its address",
            )),
            Some((i, v)) => {
                let (mut postal, rest) = split_postal(&one_line(v));
                if let Some((pi, p)) = self.cell(row, Field::Postal) {
                    match Postal::parse(&Scalar {
                        text: fold(p),
                        kind: ScalarKind::String,
                    }) {
                        Ok(p) => postal = Some(p.0),
                        Err(_) => match split_postal(&format!("〒{p}")).0 {
                            Some(p) => postal = Some(p),
                            None => errs.push(err(
                                Some(pi),
                                format!("postal code \"{p}\" is not in the form 123-4567"),
                                "write three digits, a hyphen and four digits, e.g. 537-0025",
                            )),
                        },
                    }
                }
                let city_col = self.cell(row, Field::City).map(|(_, c)| c);
                let split = split_city(&rest, &self.cfg.municipality, city_col);
                // An address without a postal code takes its town's, when
                // the settings list it ([postal_codes]).
                if let (None, Some((_, line))) = (&postal, &split) {
                    postal = self
                        .cfg
                        .postal_codes
                        .iter()
                        .find(|(town, _)| !town.is_empty() && line.starts_with(town.as_str()))
                        .map(|(_, code)| code.clone());
                }
                match (postal, split) {
                    (None, _) => errs.push(err(
                        Some(i),
                        format!("the address \"{}\" has no postal code", one_line(v)),
                        "start the address with the postal code (〒537-0025 大阪市東成区…), add a 郵便番号 column, or list the town's code in carebook.toml: [postal_codes] \"中道\" = \"537-0025\"",
                    )),
                    (_, None) => errs.push(err(
                        Some(i),
                        format!("the city (市区町村) of \"{}\" cannot be told", one_line(v)),
                        "write the address from the city on, e.g. 大阪市東成区中道1-2-3",
                    )),
                    (Some(_), Some((_, line))) if line.is_empty() => errs.push(err(
                        Some(i),
                        format!("the address \"{}\" has nothing after the city", one_line(v)),
                        "write the town and block number, e.g. 大阪市東成区中道1-2-3",
                    )),
                    (Some(postal), Some((city, line))) => {
                        let mut a = Mapping::new();
                        a.insert(string("postal"), string(&postal));
                        a.insert(string("city"), string(&city));
                        a.insert(string("line"), string(&line));
                        if let Some((_, b)) = self.cell(row, Field::Building) {
                            a.insert(string("building"), string(&one_line(b)));
                        }
                        // The longest town the line starts with names the area.
                        area = self
                            .cfg
                            .areas
                            .iter()
                            .enumerate()
                            .flat_map(|(ai, ar)| ar.towns.iter().map(move |t| (ai, t)))
                            .filter(|(_, t)| !t.is_empty() && line.starts_with(t.as_str()))
                            .max_by_key(|(_, t)| t.len())
                            .map(|(ai, _)| ai);
                        place = format!("{city}{line}");
                        fields.push(("address", Value::Mapping(a)));
                    }
                }
            }
        }
        let area = area.or(self.area).or_else(|| {
            let (_, v) = self.cell(row, Field::Area)?;
            self.cfg
                .areas
                .iter()
                .position(|a| a.key == v || a.name == v)
        });
        match area {
            Some(a) => fields.push(("area", string(&self.cfg.areas[a].key))),
            None if !place.is_empty() => errs.push(err(
                self.columns.iter().position(|c| *c == Some(Field::Address)),
                format!("the area of \"{place}\" cannot be told from its town"),
                "list the town in an area's `towns` in carebook.toml, or pass --area KEY",
            )),
            None => {}
        }
        // Keep `area` right after `type`, as records are written.
        if let Some(ai) = fields.iter().position(|(k, _)| *k == "area") {
            let a = fields.remove(ai);
            let at = fields
                .iter()
                .position(|(k, _)| *k == "type")
                .map_or(fields.len(), |i| i + 1);
            fields.insert(at, a);
        }

        match (self.cell(row, Field::Lat), self.cell(row, Field::Lon)) {
            (Some((i, la)), Some((_, lo))) => match (fold(la).parse::<f64>(), fold(lo).parse::<f64>()) {
                (Ok(lat), Ok(lon))
                    if (20.0..=46.0).contains(&lat) && (122.0..=154.0).contains(&lon) =>
                {
                    let mut m = Mapping::new();
                    m.insert(string("lat"), Value::from(lat));
                    m.insert(string("lon"), Value::from(lon));
                    fields.push(("location", Value::Mapping(m)));
                }
                _ => errs.push(err(
                    Some(i),
                    format!("location {la}, {lo} is not a place in Japan"),
                    "緯度 is north latitude (20 to 46) and 経度 east longitude (122 to 154), in decimal degrees",
                )),
            },
            (Some((i, _)), None) | (None, Some((i, _))) => errs.push(err(
                Some(i),
                "only one of 緯度 and 経度 is given",
                "give both, or neither",
            )),
            (None, None) => {}
        }
        for (f, key, required) in [(Field::Phone, "phone", true), (Field::Fax, "fax", false)] {
            match self.cell(row, f) {
                Some((i, v)) => match phone(v) {
                    Some(p) => fields.push((key, string(&p))),
                    None => errs.push(err(
                        Some(i),
                        format!("{key} \"{v}\" is not a Japanese phone number"),
                        "write it with its area code, e.g. 06-0000-1234",
                    )),
                },
                None if required => errs.push(err(
                    None,
                    "the phone number (電話番号) is empty",
                    "every facility in the guidebook has a phone number",
                )),
                None => {}
            }
        }
        if let Some((i, v)) = self.cell(row, Field::Email) {
            if v.contains('@') && !v.contains(char::is_whitespace) {
                fields.push(("email", string(v)));
            } else {
                errs.push(err(
                    Some(i),
                    format!("email \"{v}\" is not an e-mail address"),
                    "write e.g. info@example.jp",
                ));
            }
        }
        if let Some((i, v)) = self.cell(row, Field::Url) {
            let ok = (v.starts_with("https://") || v.starts_with("http://"))
                && v.len() > 8
                && !v
                    .chars()
                    .any(|c| c.is_whitespace() || "\"<>`{}|\\^".contains(c));
            if ok {
                fields.push(("url", string(v)));
            } else {
                errs.push(err(
                    Some(i),
                    format!("URL \"{v}\" is not a web address"),
                    "write the full address, e.g. https://example.jp/",
                ));
            }
        }
        self.hours(row, &mut fields, &mut errs);
        if let Some((_, v)) = self.cell(row, Field::Departments) {
            let list: Vec<Value> = v
                .split([';', '；', '、'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| string(&one_line(s)))
                .collect();
            fields.push(("departments", Value::Sequence(list)));
        }
        let mut code = None;
        for (f, key, len) in [
            (Field::MedicalCode, "medical_code", 10),
            (Field::OfficeNumber, "office_number", 10),
            (Field::CorporateNumber, "corporate_number", 13),
        ] {
            if let Some((i, v)) = self.cell(row, f) {
                let d = fold(v);
                if d.len() == len && d.bytes().all(|b| b.is_ascii_digit()) {
                    if key != "corporate_number" {
                        code = code.or(Some(d.clone()));
                    }
                    fields.push((key, string(&d)));
                } else {
                    errs.push(err(
                        Some(i),
                        format!("{} \"{v}\" is not {len} digits", self.header[i]),
                        format!("the {} has {len} digits; check the cell (a spreadsheet may have dropped a leading zero)", self.header[i]),
                    ));
                }
            }
        }
        let internal = self
            .columns
            .iter()
            .enumerate()
            .filter(|(_, f)| f.is_none())
            .filter_map(|(i, _)| {
                let v = row.cells.get(i)?;
                (!v.is_empty()).then(|| (self.header[i].clone(), v.clone()))
            })
            .collect();
        if !errs.is_empty() {
            return Err(errs);
        }
        Ok(Imported {
            line: row.line,
            kind: kind.unwrap_or(0),
            fields,
            internal,
            name,
            place,
            code,
        })
    }

    fn hours(&self, row: &Row, fields: &mut Vec<(&'static str, Value)>, errs: &mut Vec<RowError>) {
        let days = self.cell(row, Field::Days);
        let open = self.cell(row, Field::Open);
        let close = self.cell(row, Field::Close);
        let note = self
            .cell(row, Field::DaysNote)
            .map(|(_, v)| v.trim().to_string());
        let mut note_parts = Vec::new();
        match (days, open, close) {
            (Some((di, d)), Some((oi, o)), Some((ci, c))) => {
                let (ds, os, cs) = (split_list(d), split_list(o), split_list(c));
                if os.len() != cs.len() || !(ds.len() == 1 || ds.len() == os.len()) {
                    errs.push(err(
                        Some(di),
                        "the days, opening and closing times do not pair up",
                        "give one day set per opening and closing time, separated by ; (月～金;土 / 09:00;09:00 / 17:00;12:00)",
                    ));
                    return;
                }
                let mut list = Vec::new();
                for (n, (o, c)) in os.iter().zip(&cs).enumerate() {
                    let d = if ds.len() == 1 { &ds[0] } else { &ds[n] };
                    let days = match Days::parse(&Scalar {
                        text: d.clone(),
                        kind: ScalarKind::String,
                    }) {
                        Ok(x) => x,
                        Err(p) => {
                            errs.push(err(Some(di), p.message, p.hint));
                            return;
                        }
                    };
                    let (Some(ot), Some(ct)) = (time(o), time(c)) else {
                        let (i, t) = if time(o).is_none() { (oi, o) } else { (ci, c) };
                        errs.push(err(
                            Some(i),
                            format!("time \"{t}\" is not a time of day"),
                            "write hh:mm, e.g. 09:00",
                        ));
                        return;
                    };
                    if ct <= ot {
                        errs.push(err(
                            Some(ci),
                            format!("closing time {ct} is not after opening time {ot}"),
                            "split hours that pass midnight at 24:00",
                        ));
                        return;
                    }
                    let mut m = Mapping::new();
                    m.insert(string("days"), string(&days.label()));
                    m.insert(string("open"), string(&ot));
                    m.insert(string("close"), string(&ct));
                    list.push(Value::Mapping(m));
                }
                fields.push(("hours", Value::Sequence(list)));
            }
            (Some((_, d)), None, None) => note_parts.push(d.trim().to_string()),
            (None, None, None) => {}
            (d, o, c) => {
                let i = d.or(o).or(c).map(|(i, _)| i);
                errs.push(err(
                    i,
                    "hours need the days, the opening and the closing time together",
                    "fill in 診療曜日, 診療開始時間 and 診療終了時間, or none of them",
                ));
                return;
            }
        }
        note_parts.extend(note.filter(|n| !n.is_empty()));
        if !note_parts.is_empty() {
            fields.push(("hours_note", string(&note_parts.join("　"))));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readings_and_numbers() {
        assert_eq!(kana_reading("ﾋｶﾞｼﾅﾘ ｸﾘﾆｯｸ"), "ひがしなり くりにっく");
        assert_eq!(
            kana_reading("トウブ　ホウモンカンゴ"),
            "とうぶ ほうもんかんご"
        );
        assert_eq!(phone("0600001234").as_deref(), Some("06-0000-1234"));
        assert_eq!(phone("06(0000)1234").as_deref(), Some("06-0000-1234"));
        assert_eq!(
            phone("０６－００００－１２３４").as_deref(),
            Some("06-0000-1234")
        );
        assert_eq!(phone("090-1234-5678").as_deref(), Some("090-1234-5678"));
        assert_eq!(phone("1234"), None);
        assert_eq!(time("9:00").as_deref(), Some("09:00"));
        assert_eq!(time("１７：３０").as_deref(), Some("17:30"));
        assert_eq!(time("25:00"), None);
    }

    #[test]
    fn addresses() {
        let (p, rest) = split_postal("〒537-0025 大阪府大阪市東成区中道1-2-3");
        assert_eq!(p.as_deref(), Some("537-0025"));
        assert_eq!(
            split_city(&rest, "大阪市東成区", None),
            Some(("大阪市東成区".into(), "中道1-2-3".into()))
        );
        assert_eq!(
            split_city("大阪府堺市北区新金岡町1-1", "大阪市東成区", None),
            Some(("堺市北区".into(), "新金岡町1-1".into()))
        );
        assert_eq!(
            split_city("中道1-2-3", "大阪市東成区", Some("大阪市東成区")),
            Some(("大阪市東成区".into(), "中道1-2-3".into()))
        );
        assert_eq!(split_postal("大阪市東成区中道1").0, None);
    }
}
