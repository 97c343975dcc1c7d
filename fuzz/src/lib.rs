//! The entry points of carebook's fuzz targets (`fuzz_targets/`), kept apart
//! from libFuzzer so that `tests/fuzz_regressions.rs` runs the very same code
//! on the kept inputs with a stable toolchain and no fuzzer.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use carebook::diag::{Diagnostics, Pos};
use carebook::load::{self, raw, spans::SpanIndex, Content, RecordKind as Kind};
use carebook::model::{self, Config};
use carebook::outputs::markdown;

/// The settings the records are validated against: two areas and a few
/// types with capabilities, as in the example guidebook.
const CONFIG: &str = r#"
title = "ガイドブック"
publisher = "医師会"
municipality = "大阪市東成区"
municipality_code = "271152"
base_url = "https://example.org/guidebook/"
as_of = "2026-10-01"

[[areas]]
key = "north"
name = "北部"
kana = "ほくぶ"
towns = ["東小橋", "中道"]

[[areas]]
key = "south"
name = "南部"
kana = "なんぶ"

[[types]]
key = "clinic"
name = "診療所"
schema = "MedicalClinic"
capabilities = [
  { key = "home_visit", label = "訪問診療", short = "訪問" },
  { key = "on_call_24h", label = "24時間対応", short = "24時間" },
]

[[types]]
key = "support"
name = "地域包括支援センター"
schema = "GovernmentOffice"
capabilities = [{ key = "general_consultation", label = "総合相談" }]
"#;

struct Setup {
    root: PathBuf,
    config: Config,
}

/// A guidebook folder of this process under the temporary directory,
/// holding only the settings, read and validated once as `carebook check`
/// does (`pipeline::check`).
fn setup() -> &'static Setup {
    static SETUP: OnceLock<Setup> = OnceLock::new();
    SETUP.get_or_init(|| {
        let root = std::env::temp_dir().join(format!("carebook-fuzz-{}", std::process::id()));
        for dir in ["facilities", "meetings", "windows", "pages"] {
            std::fs::create_dir_all(root.join("content").join(dir)).unwrap();
        }
        std::fs::write(root.join(load::config::FILE), CONFIG).unwrap();
        let (raw, src) = load::config::load(&root).expect("the fixed settings read");
        let config = Config::validate(raw, &src).expect("the fixed settings are valid");
        Setup { root, config }
    })
}

/// Removes this process's guidebook folder (when a test is done with it).
pub fn remove_setup() {
    let _ = std::fs::remove_dir_all(&setup().root);
}

/// The record kinds, with the file each is read from (as `load_content`
/// tells them apart).
const KINDS: [(Kind, &str, &str); 6] = [
    (Kind::Facility, "facilities", "yaml"),
    (Kind::Facility, "facilities", "md"),
    (Kind::Meeting, "meetings", "yaml"),
    (Kind::Window, "windows", "yaml"),
    (Kind::Page, "pages", "md"),
    (Kind::Home, "", "md"),
];

/// One record file, as `carebook check` treats it: the first byte chooses
/// the kind and extension (`KINDS`, by `byte % 6`; the seeds start with an
/// ASCII digit `0`–`5`), the rest is the file. Decoded, parsed, validated
/// against the fixed settings, and its diagnostics located in the file as
/// they are when reported. Panics on a crash or a position outside the file.
pub fn load_record(data: &[u8]) {
    let Some((&first, bytes)) = data.split_first() else {
        return;
    };
    let (kind, dir, ext) = KINDS[usize::from(first) % KINDS.len()];
    let setup = setup();
    // A file name of its own per call: tests run this on several threads.
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let name = match kind {
        // (`content/_index.md`, under a name of its own per call as well)
        Kind::Home => format!("_index{n}.md"),
        _ => format!("r{n}.{ext}"),
    };
    let path = setup.root.join("content").join(dir).join(name);

    let mut content = Content::default();
    let text = match load::text::decode(&path, bytes.to_vec()) {
        Ok(text) => Some(text),
        Err(ds) => {
            content.diagnostics.extend(ds);
            None
        }
    };
    if let Some(text) = &text {
        let failed = |(p, ds): (PathBuf, Vec<_>), content: &mut Content| {
            content.unreadable.push((kind, "r".to_string(), p));
            content.diagnostics.extend(ds);
        };
        let p = path.clone();
        match kind {
            Kind::Facility => match load::parse_record::<raw::Facility>(p, text) {
                Ok(r) => content.facilities.push(r),
                Err(e) => failed(e, &mut content),
            },
            Kind::Meeting => match load::parse_record::<raw::Meeting>(p, text) {
                Ok(r) => content.meetings.push(r),
                Err(e) => failed(e, &mut content),
            },
            Kind::Window => match load::parse_record::<raw::Window>(p, text) {
                Ok(r) => content.windows.push(r),
                Err(e) => failed(e, &mut content),
            },
            Kind::Page => match load::parse_record::<raw::Page>(p, text) {
                Ok(r) => content.pages.push(r),
                Err(e) => failed(e, &mut content),
            },
            Kind::Home => match load::parse_record::<raw::Page>(p, text) {
                Ok(r) => content.home = Some(r),
                Err(e) => failed(e, &mut content),
            },
        }
        // The position lookups of a diagnostic, for a few paths whatever
        // the record's problems.
        let yaml = load::split_front_matter(text, &path).yaml;
        let index = SpanIndex::build(yaml);
        for p in ["name", "id", "address.postal", "hours[1].close#key", "x[0]"] {
            index.find(p);
        }
    }
    let (_book, ds) = model::build(&setup.root, setup.config.clone(), content);
    let mut diags = Diagnostics::default();
    diags.extend(ds);

    // Locating a diagnostic reads its file; written only when needed.
    let needs_file = diags
        .items
        .iter()
        .any(|d| matches!(d.pos, Pos::Yaml { .. } | Pos::Read { .. }));
    if needs_file {
        std::fs::write(&path, bytes).unwrap();
    }
    diags.resolve(&setup.root, load::locator());
    if needs_file {
        let _ = std::fs::remove_file(&path);
    }

    // Every position is one of the file: the lines of its text, plus one
    // past the end (where "unexpected end of file" is).
    let lines = String::from_utf8_lossy(bytes).lines().count();
    for d in &diags.items {
        let shown = d.to_string();
        if let Some((line, col)) = d.line_col() {
            assert!(
                line >= 1 && col >= 1 && line <= lines + 1,
                "position outside the file ({lines} lines): {shown}"
            );
        }
    }
}

/// Markdown through all three renderings; panics if a script could get
/// through: `javascript:` (or another non-allowed scheme) in a link or image
/// of the HTML or the typst, or a `<script` element in the HTML.
pub fn markdown(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for allow_html in [false, true] {
        let html = markdown::to_html(text, allow_html);
        let lower = html.to_ascii_lowercase();
        for bad in ["<a href=\"javascript:", "<img src=\"javascript:", "<script"] {
            assert!(
                !lower.contains(bad),
                "allow_html={allow_html}: {bad} in {html:?}"
            );
        }
        // The addresses of the elements (text shows `<` as `&lt;`, so
        // every `<` starts a tag; a value's start is all that matters).
        for (i, _) in html.match_indices('<') {
            let tag = &html[i..];
            let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
            for attr in [" href=\"", " src=\""] {
                for (j, _) in tag.match_indices(attr) {
                    let value = &tag[j + attr.len()..];
                    let value = &value[..value.find('"').unwrap_or(value.len())];
                    let url = unescape_html(value);
                    assert!(
                        !is_script_url(&url),
                        "allow_html={allow_html}:{attr}{url:?} in {html:?}"
                    );
                }
            }
        }
    }
    let typst = markdown::to_typst(text);
    assert!(
        !typst.contains("#link(\"javascript:"),
        "#link(\"javascript: in {typst:?}"
    );
    for (i, _) in typst.match_indices("#link(\"") {
        let url = typst_string_at(&typst[i + 7..]);
        assert!(!is_script_url(&url), "#link({url:?}) in {typst:?}");
    }
}

/// Whether a browser would take `url` for a scheme other than the allowed
/// ones: it drops tabs and line breaks, and leading spaces and controls.
fn is_script_url(url: &str) -> bool {
    let cleaned: String = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "vbscript:", "data:"]
        .iter()
        .any(|s| cleaned.starts_with(s))
}

/// An attribute's value as a browser reads it (the character references
/// that pulldown-cmark and ammonia write).
fn unescape_html(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .map(|h| u32::from_str_radix(h, 16))
                    .or_else(|| name.strip_prefix('#').map(str::parse))
                    .and_then(Result::ok)
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &rest[e + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The typst string literal starting at `s` (after its opening quote).
fn typst_string_at(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => break,
            '\\' => match chars.next() {
                Some('n') => out.push('\n'),
                Some(c) => out.push(c),
                None => break,
            },
            c => out.push(c),
        }
    }
    out
}

/// The inputs kept under `dir` (seeds or regressions), for the tests.
pub fn inputs(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut found: Vec<_> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect();
    found.sort();
    found
}
