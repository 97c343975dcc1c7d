//! The guidebook's settings and vocabularies, validated.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::diag::Diagnostic;
use crate::load::config::{ConfigSource, RawConfig, RawPamphlet};
use crate::load::raw::{Scalar, ScalarKind};
use crate::model::values::{check_kana, parse_date};

#[derive(Debug, Clone, Serialize)]
pub struct Area {
    pub key: String,
    pub name: String,
    pub kana: String,
    /// The towns (町) the area covers; may be empty.
    pub towns: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Capability {
    pub key: String,
    pub label: String,
    pub short: String,
    /// Reading of the label; may be empty.
    pub kana: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct FacilityType {
    pub key: String,
    pub name: String,
    /// Reading of the name; may be empty.
    pub kana: String,
    pub schema: String,
    /// A short explanation for residents; may be empty.
    pub description: String,
    /// 医療機関の種類 / サービスの種類 names imported as this type; the
    /// first is the name the open-data export writes.
    pub import_names: Vec<String>,
    /// MHLW service codes imported as this type.
    pub service_codes: Vec<u16>,
    pub capabilities: Vec<Capability>,
}

impl FacilityType {
    pub fn capability_index(&self, key: &str) -> Option<usize> {
        self.capabilities.iter().position(|c| c.key == key)
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    /// A hash of the settings file: every page depends on it.
    pub hash: u64,
    pub title: String,
    pub publisher: String,
    pub municipality: String,
    pub municipality_code: String,
    /// Always ends with `/`.
    pub base_url: String,
    pub as_of: NaiveDate,
    pub stale_after_months: u32,
    pub sample: bool,
    pub allow_html: bool,
    /// Rows per list page; 0 = no pagination.
    pub page_size: usize,
    pub theme: String,
    /// The tantivy index directory, relative to the guidebook root.
    pub search_index: String,
    /// Where `search_index` is set in carebook.toml (for problems with it).
    pub search_index_at: crate::diag::Pos,
    pub areas: Vec<Area>,
    pub types: Vec<FacilityType>,
    pub pamphlet: Pamphlet,
    pub opendata: Opendata,
    pub search: Search,
    /// Town (町) and its postal code, longest town first.
    pub postal_codes: Vec<(String, String)>,
    area_ix: HashMap<String, usize>,
    type_ix: HashMap<String, usize>,
}

/// What the printable pamphlet holds.
#[derive(Debug, Clone)]
pub struct Pamphlet {
    pub enabled: bool,
    /// File name inside the site output (with `per_area`, the area key is
    /// added before `.pdf`).
    pub file: String,
    /// Indexes into `Config::types`, in configured order.
    pub types: Vec<usize>,
    /// Indexes into `Config::areas`, in configured order.
    pub areas: Vec<usize>,
    pub per_area: bool,
    /// One sub-list per area inside each type, instead of one 五十音 list.
    pub group_by_area: bool,
    /// 12 pt type for a large-print edition.
    pub large: bool,
    pub stale: Stale,
    /// Each facility type starts a new page.
    pub new_page: bool,
    /// Readings the 五十音 order skips at the start of a name (医療法人 …),
    /// longest first.
    pub sort_ignore_prefixes: Vec<String>,
    /// 「第3版」, for the colophon; may be empty.
    pub edition: String,
    /// The third mark (△) and what it means (要相談).
    pub consult_mark: String,
    pub consult_label: String,
    /// The PDF/A level to write ("a-2a", "a-2u", "a-2b"); none: CMYK colours.
    pub pdf_standard: Option<&'static str>,
}

/// `[search]`, validated.
#[derive(Debug, Clone, Default)]
pub struct Search {
    /// Everyday word and the words the records use for it, in the file's
    /// order (keys sorted).
    pub synonyms: Vec<(String, Vec<String>)>,
    /// Examples for the search boxes; empty: made from the guidebook.
    pub examples: Vec<String>,
}

/// What the open-data export says about its terms.
#[derive(Debug, Clone)]
pub struct Opendata {
    pub licence: String,
    pub licence_url: String,
}

/// Built-in import names and service codes of the usual type keys, used
/// when a type gives neither `import` nor `service_codes`.
pub fn default_import(key: &str) -> (&'static [&'static str], &'static [u16]) {
    match key {
        "hospital" => (&["病院"], &[]),
        "clinic" => (&["無床診療所", "有床診療所", "診療所"], &[]),
        "dental" => (&["歯科診療所", "歯科"], &[]),
        "pharmacy" => (&["薬局"], &[]),
        "nursing" => (&["訪問看護", "訪問看護ステーション"], &[130]),
        "care" => (&["居宅介護支援", "居宅介護支援事業所"], &[430]),
        "support" => (&["地域包括支援センター"], &[]),
        _ => (&[], &[]),
    }
}
/// What the pamphlet does with records not verified within
/// `stale_after_months`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stale {
    /// ※ after the name, explained in a footnote.
    Mark,
    /// Left out.
    Omit,
    /// Printed like the others.
    Show,
}

/// Corporate prefixes skipped by the 五十音 order unless the settings say
/// otherwise.
pub const DEFAULT_SORT_PREFIXES: &[&str] = &[
    "いりょうほうじんしゃだん",
    "いりょうほうじんざいだん",
    "いりょうほうじん",
    "しゃかいふくしほうじん",
    "いっぱんしゃだんほうじん",
    "こうえきしゃだんほうじん",
    "いっぱんざいだんほうじん",
    "こうえきざいだんほうじん",
    "とくていひえいりかつどうほうじん",
    "かぶしきがいしゃ",
    "ゆうげんがいしゃ",
    "ごうどうがいしゃ",
];

/// One PDF to make: its file name and the area it is limited to.
#[derive(Debug, Clone, Hash)]
pub struct Edition {
    pub file: String,
    pub area: Option<usize>,
}

/// Capabilities are stored as a bit set per facility.
pub const MAX_CAPABILITIES: usize = 64;

/// schema.org types a facility type may map to.
pub const SCHEMA_TYPES: &[&str] = &[
    "Hospital",
    "MedicalClinic",
    "Dentist",
    "Pharmacy",
    "MedicalOrganization",
    "LocalBusiness",
    "GovernmentOffice",
    "Organization",
    "Physician",
    "DiagnosticLab",
    "MedicalBusiness",
];

fn is_key(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

const KEY_HINT: &str =
    "keys are lower-case ASCII letters, digits, `-` and `_` (they become URLs), e.g. `north`";

/// A vocabulary key: checked for form and uniqueness, then indexed.
fn unique_key(
    src: &ConfigSource,
    key: &toml::Spanned<String>,
    what: &str,
    index: &mut HashMap<String, usize>,
    position: usize,
    errs: &mut Vec<Diagnostic>,
) -> String {
    let k = key.get_ref().clone();
    if !is_key(&k) {
        errs.push(
            src.error(key, format!("{what} key \"{k}\" is not a valid key"))
                .with_hint(KEY_HINT),
        );
    }
    if index.insert(k.clone(), position).is_some() {
        errs.push(
            src.error(key, format!("{what} key \"{k}\" is defined twice"))
                .with_hint(format!("each {what} needs its own key")),
        );
    }
    k
}

impl Config {
    pub fn area(&self, key: &str) -> Option<usize> {
        self.area_ix.get(key).copied()
    }

    pub fn facility_type(&self, key: &str) -> Option<usize> {
        self.type_ix.get(key).copied()
    }

    /// The pamphlet PDFs the settings ask for, in order (none when off).
    pub fn pamphlet_editions(&self) -> Vec<Edition> {
        let p = &self.pamphlet;
        if !p.enabled {
            return Vec::new();
        }
        if !p.per_area {
            return vec![Edition {
                file: p.file.clone(),
                area: None,
            }];
        }
        let stem = p.file.trim_end_matches(".pdf");
        p.areas
            .iter()
            .map(|&a| Edition {
                file: format!("{stem}-{}.pdf", self.areas[a].key),
                area: Some(a),
            })
            .collect()
    }

    pub fn validate(raw: RawConfig, src: &ConfigSource) -> Result<Config, Vec<Diagnostic>> {
        let mut errs = Vec::new();
        let code = raw.municipality_code.get_ref();
        if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
            errs.push(
                src.error(&raw.municipality_code, format!("municipality_code \"{code}\" is not 6 digits"))
                    .with_hint("the 全国地方公共団体コード has 6 digits including the check digit, e.g. \"271152\" for 大阪市東成区"),
            );
        }
        let mut base_url = raw.base_url.get_ref().trim().to_string();
        if !(base_url.starts_with("https://")
            || base_url.starts_with("http://")
            || base_url.starts_with('/'))
        {
            errs.push(
                src.error(
                    &raw.base_url,
                    format!("base_url \"{base_url}\" is not an absolute URL or path"),
                )
                .with_hint("e.g. \"https://example.org/guidebook/\" or \"/guidebook/\""),
            );
        }
        if !base_url.ends_with('/') {
            base_url.push('/');
        }
        let as_of = parse_date(&Scalar {
            text: raw.as_of.get_ref().clone(),
            kind: ScalarKind::String,
        })
        .map_err(|p| errs.push(src.error(&raw.as_of, p.message).with_hint(p.hint)))
        .ok();

        let mut area_ix = HashMap::new();
        let mut areas = Vec::new();
        for a in raw.areas {
            let key = unique_key(src, &a.key, "area", &mut area_ix, areas.len(), &mut errs);
            if let Err(p) = check_kana(a.kana.get_ref()) {
                errs.push(src.error(&a.kana, p.message).with_hint(p.hint));
            }
            areas.push(Area {
                key,
                name: a.name,
                kana: a.kana.into_inner(),
                towns: a.towns.iter().map(|t| t.trim().to_string()).collect(),
            });
        }
        let mut type_ix = HashMap::new();
        let mut types = Vec::new();
        // Which type claimed an import name or service code first.
        let mut claimed_names: HashMap<String, String> = HashMap::new();
        let mut claimed_codes: HashMap<i64, String> = HashMap::new();
        for t in raw.types {
            let key = unique_key(src, &t.key, "type", &mut type_ix, types.len(), &mut errs);
            let schema = t.schema.get_ref().clone();
            if !SCHEMA_TYPES.contains(&schema.as_str()) {
                errs.push(
                    src.error(
                        &t.schema,
                        format!("schema \"{schema}\" is not a schema.org type carebook knows"),
                    )
                    .with_hint(crate::diag::suggest(
                        &schema,
                        "known types",
                        SCHEMA_TYPES,
                    )),
                );
            }
            if t.capabilities.len() > MAX_CAPABILITIES {
                errs.push(
                    src.error(
                        &t.key,
                        format!("type \"{key}\" has more than {MAX_CAPABILITIES} capabilities"),
                    )
                    .with_hint("split the vocabulary or drop rarely used capabilities"),
                );
            }
            let mut caps: Vec<Capability> = Vec::new();
            for c in t.capabilities {
                let ck = c.key.get_ref().clone();
                if !is_key(&ck) {
                    errs.push(
                        src.error(
                            &c.key,
                            format!("capability key \"{ck}\" is not a valid key"),
                        )
                        .with_hint(KEY_HINT),
                    );
                }
                if caps.iter().any(|x| x.key == ck) {
                    errs.push(
                        src.error(
                            &c.key,
                            format!("capability \"{ck}\" is defined twice for type \"{key}\""),
                        )
                        .with_hint("each capability of a type needs its own key"),
                    );
                }
                caps.push(Capability {
                    short: c.short.unwrap_or_else(|| c.label.clone()),
                    kana: reading(src, c.kana, &mut errs),
                    key: ck,
                    label: c.label,
                });
            }
            let (mut import_names, mut service_codes) = (Vec::new(), Vec::<u16>::new()); // explicit
            for n in &t.import {
                let name = n.get_ref().trim().to_string();
                if name.is_empty() {
                    errs.push(src.error(n, format!("type \"{key}\": an import name is empty"))
                        .with_hint("write the name as the source lists it, e.g. import = [\"無床診療所\", \"有床診療所\"]"));
                } else if let Some(other) = claimed_names.insert(name.clone(), key.clone()) {
                    errs.push(src.error(n, format!("import name \"{name}\" is given to type \"{other}\" and type \"{key}\""))
                        .with_hint("an imported row can become only one type: keep the name in one list"));
                }
                import_names.push(name);
            }
            for c in &t.service_codes {
                let code = *c.get_ref();
                if !(100..=999).contains(&code) {
                    errs.push(src.error(c, format!("service code {code} is not a 3-digit MHLW service code"))
                        .with_hint("service codes are the numbers of the jigyosho_NNN.csv files, e.g. 130 訪問看護, 430 居宅介護支援"));
                } else if let Some(other) = claimed_codes.insert(code, key.clone()) {
                    errs.push(src.error(c, format!("service code {code} is given to type \"{other}\" and type \"{key}\""))
                        .with_hint("an imported row can become only one type: keep the code in one list"));
                } else {
                    service_codes.push(code as u16);
                }
            }
            types.push(FacilityType {
                key,
                name: t.name,
                kana: reading(src, t.kana, &mut errs),
                schema,
                description: t.description.unwrap_or_default().trim().to_string(),
                import_names,
                service_codes,
                capabilities: caps,
            });
        }
        // Types naming none get the built-in names of their key, less those
        // another type claims.
        for t in types.iter_mut() {
            if t.import_names.is_empty() && t.service_codes.is_empty() {
                let (names, codes) = default_import(&t.key);
                t.import_names = names
                    .iter()
                    .filter(|n| !claimed_names.contains_key(**n))
                    .map(|s| s.to_string())
                    .collect();
                t.service_codes = codes
                    .iter()
                    .filter(|c| !claimed_codes.contains_key(&i64::from(**c)))
                    .copied()
                    .collect();
            }
        }
        let theme = raw.theme.get_ref().clone();
        if !is_key(&theme) {
            errs.push(
                src.error(&raw.theme, format!("theme \"{theme}\" is not a theme name"))
                    .with_hint("a theme is a folder name under themes/: lower-case ASCII letters, digits, `-` and `_`, e.g. \"default\""),
            );
        }
        let pamphlet = pamphlet(src, raw.pamphlet, &type_ix, &area_ix, &mut errs);
        let licence_url = raw.opendata.licence_url.get_ref().trim().to_string();
        if !licence_url.starts_with("https://") && !licence_url.starts_with("http://") {
            errs.push(
                src.error(
                    &raw.opendata.licence_url,
                    format!("licence_url \"{licence_url}\" is not a web address"),
                )
                .with_hint("e.g. \"https://creativecommons.org/licenses/by/4.0/deed.ja\""),
            );
        }
        let opendata = Opendata {
            licence: raw.opendata.licence.trim().to_string(),
            licence_url,
        };
        let search = search(src, raw.search, &mut errs);
        let mut postal_codes = Vec::new();
        for (town, code) in raw.postal_codes {
            let scalar = Scalar {
                text: code.get_ref().clone(),
                kind: ScalarKind::String,
            };
            match crate::model::values::Postal::parse(&scalar) {
                Ok(p) => postal_codes.push((town.trim().to_string(), p.0)),
                Err(p) => errs.push(
                    src.error(&code, format!("postal_codes.{town}: {}", p.message))
                        .with_hint(p.hint),
                ),
            }
        }
        // (the longest town first: 東中本 before 中本)
        postal_codes.sort_by_key(|(t, _)| std::cmp::Reverse(t.chars().count()));
        match as_of {
            Some(as_of) if errs.is_empty() => Ok(Config {
                hash: {
                    use std::hash::{Hash, Hasher};
                    let mut h = std::hash::DefaultHasher::new();
                    src.text.hash(&mut h);
                    h.finish()
                },
                title: raw.title,
                publisher: raw.publisher,
                municipality: raw.municipality,
                municipality_code: code.clone(),
                base_url,
                as_of,
                stale_after_months: raw.stale_after_months,
                sample: raw.sample,
                allow_html: raw.allow_html,
                page_size: raw.page_size,
                search_index_at: src.pos(raw.search_index.span()),
                search_index: raw.search_index.into_inner(),
                theme,
                areas,
                types,
                pamphlet,
                opendata,
                search,
                postal_codes,
                area_ix,
                type_ix,
            }),
            _ => Err(errs),
        }
    }
}

/// An optional reading (`kana`), checked like a record's.
fn reading(
    src: &ConfigSource,
    kana: Option<toml::Spanned<String>>,
    errs: &mut Vec<Diagnostic>,
) -> String {
    let Some(k) = kana else {
        return String::new();
    };
    if let Err(p) = check_kana(k.get_ref()) {
        errs.push(src.error(&k, p.message).with_hint(p.hint));
    }
    k.into_inner()
}

fn search(
    src: &ConfigSource,
    raw: crate::load::config::RawSearch,
    errs: &mut Vec<Diagnostic>,
) -> Search {
    let mut synonyms = Vec::new();
    for (key, words) in raw.synonyms {
        let words: Vec<String> = words
            .into_vec()
            .into_iter()
            .map(|w| w.trim().to_string())
            .collect();
        let k = key.get_ref().trim();
        if k.is_empty() || words.is_empty() || words.iter().any(|w| w.is_empty()) {
            errs.push(
                src.error(&key, format!("search synonym \"{k}\" has an empty word"))
                    .with_hint("write the everyday word and what the records call it, e.g. \"訪看\" = \"訪問看護\" or \"ケアマネ\" = [\"居宅介護支援\", \"介護支援専門員\"]"),
            );
            continue;
        }
        synonyms.push((k.to_string(), words));
    }
    Search {
        synonyms,
        examples: raw
            .examples
            .iter()
            .map(|e| e.trim().to_string())
            .filter(|e| !e.is_empty())
            .collect(),
    }
}

fn pamphlet(
    src: &ConfigSource,
    raw: RawPamphlet,
    type_ix: &HashMap<String, usize>,
    area_ix: &HashMap<String, usize>,
    errs: &mut Vec<Diagnostic>,
) -> Pamphlet {
    let file = raw.file.get_ref();
    let plain = !file.contains(['/', '\\']) && !file.starts_with('.');
    if !(plain && file.len() > 4 && file.ends_with(".pdf")) {
        errs.push(
            src.error(
                &raw.file,
                format!("pamphlet file \"{file}\" is not a plain PDF file name"),
            )
            .with_hint("a name written at the top of the site output, e.g. \"pamphlet.pdf\""),
        );
    }
    let mut pick = |keys: &[toml::Spanned<String>], index: &HashMap<String, usize>, what: &str| {
        let mut known: Vec<&str> = index.keys().map(String::as_str).collect();
        known.sort_by_key(|k| index[*k]);
        let mut picked: Vec<usize> = Vec::new();
        for k in keys {
            match index.get(k.get_ref()) {
                Some(&i) if !picked.contains(&i) => picked.push(i),
                Some(_) => {}
                None => errs.push(
                    src.error(
                        k,
                        format!("pamphlet {what} \"{}\" is not defined", k.get_ref()),
                    )
                    .with_hint(crate::diag::suggest(
                        k.get_ref(),
                        &format!("{what} keys"),
                        &known,
                    )),
                ),
            }
        }
        if picked.is_empty() {
            picked = (0..index.len()).collect();
        }
        picked.sort_unstable();
        picked
    };
    let types = pick(&raw.types, type_ix, "type");
    let areas = pick(&raw.areas, area_ix, "area");
    let group_by = choice(src, &raw.group_by, "group_by", &["kana", "area"], errs);
    let size = choice(src, &raw.size, "size", &["normal", "large"], errs);
    let stale = choice(src, &raw.stale, "stale", &["mark", "omit", "show"], errs);
    const STANDARDS: &[&str] = &["none", "a-2a", "a-2u", "a-2b"];
    let pdf_standard = choice(src, &raw.pdf_standard, "pdf_standard", STANDARDS, errs)
        .and_then(|s| STANDARDS.iter().copied().find(|x| *x == s && *x != "none"));
    let mut prefixes: Vec<String> = match &raw.sort_ignore_prefixes {
        None => DEFAULT_SORT_PREFIXES.iter().map(|s| s.to_string()).collect(),
        Some(list) => list
            .iter()
            .filter_map(|p| match check_kana(p.get_ref().trim()) {
                Ok(()) if !p.get_ref().trim().is_empty() => {
                    Some(crate::model::kana::to_hiragana(p.get_ref().trim()))
                }
                _ => {
                    errs.push(
                        src.error(
                            p,
                            format!(
                                "sort_ignore_prefixes: \"{}\" is not a reading in kana",
                                p.get_ref()
                            ),
                        )
                        .with_hint("write the reading of the prefix as it starts the records' kana, e.g. \"いりょうほうじん\" for 医療法人"),
                    );
                    None
                }
            })
            .collect(),
    };
    // The longest first, so that 医療法人社団 is skipped whole.
    prefixes.sort_by_key(|p| std::cmp::Reverse(p.chars().count()));
    let consult_mark = match &raw.consult_mark {
        None => "△".to_string(),
        Some(m) => {
            let t = m.get_ref().trim();
            if t.chars().count() != 1 || t == "○" || t == "－" {
                errs.push(
                    src.error(
                        m,
                        format!(
                            "consult_mark \"{}\" is not one character other than ○ and －",
                            m.get_ref()
                        ),
                    )
                    .with_hint(
                        "the third mark sits in a one-character column, e.g. consult_mark = \"△\"",
                    ),
                );
            }
            t.to_string()
        }
    };
    Pamphlet {
        enabled: raw.enabled,
        file: file.clone(),
        types,
        areas,
        per_area: raw.per_area,
        group_by_area: group_by == Some("area"),
        large: size == Some("large"),
        stale: match stale {
            Some("omit") => Stale::Omit,
            Some("show") => Stale::Show,
            _ => Stale::Mark,
        },
        new_page: raw.new_page,
        sort_ignore_prefixes: prefixes,
        edition: raw.edition.as_deref().unwrap_or("").trim().to_string(),
        consult_mark,
        consult_label: raw
            .consult_label
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .unwrap_or("要相談")
            .to_string(),
        pdf_standard,
    }
}

/// A setting that is one of a few words: the word, or an error at its
/// position with a did-you-mean (and `None`).
fn choice<'a>(
    src: &ConfigSource,
    value: &'a Option<toml::Spanned<String>>,
    key: &str,
    allowed: &[&'a str],
    errs: &mut Vec<Diagnostic>,
) -> Option<&'a str> {
    let v = value.as_ref()?;
    match allowed.iter().find(|a| **a == v.get_ref().as_str()) {
        Some(a) => Some(a),
        None => {
            errs.push(
                src.error(
                    v,
                    format!(
                        "pamphlet {key} \"{}\" is not one of {}",
                        v.get_ref(),
                        allowed.join(", ")
                    ),
                )
                .with_hint(crate::diag::suggest(v.get_ref(), "allowed", allowed)),
            );
            None
        }
    }
}
