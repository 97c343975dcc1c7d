//! The carebook binary end to end, on fixture guidebooks.
//!
//! Invalid fixtures have their exact diagnostics (`path:line:col`, message,
//! hint) in `expected-check.txt`; set CAREBOOK_BLESS=1 to rewrite them after
//! an intended change, and review the diff.

mod common;

use std::fs;
use std::path::Path;

use common::*;

fn check_against_expected(name: &str) {
    let root = fixture(name);
    let o = carebook(&["check", "--root", root.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "check of {name} should fail");
    let got = stderr(&o);
    let expected_path = root.join("expected-check.txt");
    if std::env::var_os("CAREBOOK_BLESS").is_some() {
        fs::write(&expected_path, &got).unwrap();
    }
    let expected = fs::read_to_string(&expected_path).expect("expected-check.txt");
    assert_eq!(
        got,
        expected,
        "diagnostics of {name} differ from {}",
        expected_path.display()
    );
}

#[test]
fn invalid_records_report_every_problem_at_its_position() {
    check_against_expected("invalid-records");
}

#[test]
fn invalid_config_reports_every_problem_at_its_position() {
    check_against_expected("invalid-config");
}

#[test]
fn config_typo_gets_did_you_mean() {
    check_against_expected("invalid-toml");
}

#[test]
fn positions_point_at_the_offending_value() {
    // Independent of the expected file: the reported column holds the value.
    let root = fixture("invalid-records");
    let o = carebook(&["check", "--root", root.to_str().unwrap()]);
    let err = stderr(&o);
    let mut checked = 0;
    for line in err.lines().filter(|l| l.contains(": error: ")) {
        let mut parts = line.splitn(4, ':');
        let (file, l, c) = (
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts.next().unwrap(),
        );
        let (l, c): (usize, usize) = (l.parse().unwrap(), c.parse().unwrap());
        let text = fs::read_to_string(root.join(file)).unwrap();
        let src_line = text.lines().nth(l - 1).unwrap();
        let at: String = src_line.chars().skip(c - 1).collect();
        // Quoted values named in the message start exactly at the column.
        if let Some(q) = line.split('"').nth(1) {
            if (line.contains("is not") && !line.contains("file name"))
                || line.contains("unknown")
                || line.contains("no facility")
                || line.contains("has no hyphens")
            {
                let at = at.trim_start_matches('"');
                assert!(
                    at.starts_with(q),
                    "{line}\n  column {c} of line {l} is {at:?}"
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 12, "only {checked} positions checked:\n{err}");
}

#[test]
fn valid_fixture_checks_clean_with_stale_warning() {
    let root = fixture("valid");
    let o = carebook(&["check", "--root", root.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "content/facilities/aoba.md:11:11: warning: last verified 2025-01-10, 20 months before the guidebook's as_of date 2026-10-01\n  hint: confirm the record with the facility and update `verified` (stale after 12 months)\n"
    );
    assert!(
        stdout(&o).starts_with("checked 6 records"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn build_writes_every_page_with_relative_links() {
    let tmp = TempDir::new("build-valid");
    let out = tmp.path().join("site");
    build(&fixture("valid"), &out);
    let files = tree(&out);
    for p in [
        "index.html",
        "types/clinic.html",
        "types/pharmacy.html",
        "areas/north.html",
        "areas/south.html",
        "facilities/sakura.html",
        "facilities/aoba.html",
        "facilities/ikeda.html",
        "windows.html",
        "windows/soudan.html",
        "meetings.html",
        "meetings/byoin.html",
        "pages/howto.html",
        "404.html",
        "sitemap.xml",
        "robots.txt",
        "static/style.css",
        "static/records.css",
        "static/search.css",
    ] {
        assert!(
            files.contains_key(p),
            "missing {p}; have {:?}",
            files.keys().collect::<Vec<_>>()
        );
    }
    let links = assert_links_resolve(&files);
    assert!(links > 100, "only {links} links checked");
    let sitemap = String::from_utf8_lossy(&files["sitemap.xml"]);
    assert!(sitemap.contains("<loc>https://example.org/guidebook/facilities/sakura.html</loc>"));
}

/// The search page's first query downloads its stylesheets: it links the
/// shared sheet and its own, not the record and list pages' one; those
/// link the shared sheet and theirs. All go out without comments.
#[test]
fn each_page_links_only_the_stylesheets_it_uses() {
    let tmp = TempDir::new("build-styles");
    let out = tmp.path().join("site");
    build(&fixture("valid"), &out);
    let files = tree(&out);
    let sheets = |page: &str| -> Vec<String> {
        let html = String::from_utf8_lossy(&files[page]);
        html.split("<link rel=\"stylesheet\" href=\"")
            .skip(1)
            .map(|rest| rest.split('"').next().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        sheets("search.html"),
        ["static/style.css", "static/search.css"]
    );
    for page in [
        "index.html",
        "types/clinic.html",
        "facilities/sakura.html",
        "pages/howto.html",
        "404.html",
    ] {
        let want = if page.contains('/') {
            ["../static/style.css", "../static/records.css"]
        } else {
            ["static/style.css", "static/records.css"]
        };
        assert_eq!(sheets(page), want, "{page}");
    }
    for css in ["style.css", "records.css", "search.css"] {
        let published = String::from_utf8_lossy(&files[&format!("static/{css}")]).into_owned();
        let source =
            std::fs::read_to_string(repo().join("themes/default/static").join(css)).unwrap();
        assert!(
            !published.contains("/*") && published.len() < source.len() * 9 / 10,
            "static/{css} is not minified: {} bytes of {}",
            published.len(),
            source.len()
        );
    }
}

/// Every local link and resource resolves from the page that uses it, so
/// the site works under a sub-path and from file://. Returns the count.
fn assert_links_resolve(files: &std::collections::BTreeMap<String, Vec<u8>>) -> usize {
    let mut links = 0;
    for (path, data) in files {
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8_lossy(data);
        assert!(html.contains("<html lang=\"ja\""), "{path} lacks lang=ja");
        for attr in ["href=\"", "src=\""] {
            for piece in html.split(attr).skip(1) {
                let target = piece.split('"').next().unwrap();
                if target.starts_with("http")
                    || target.starts_with("tel:")
                    || target.starts_with("mailto:")
                    || target.starts_with("geo:")
                    || target.starts_with('#')
                {
                    assert!(
                        attr == "href=\"",
                        "{path} loads an external resource {target}"
                    );
                    continue;
                }
                let target = target.split(['#', '?']).next().unwrap();
                if target.is_empty() {
                    continue;
                }
                assert!(!target.starts_with('/'), "{path}: absolute link {target}");
                let base = Path::new(path).parent().unwrap();
                let resolved = normalize(&base.join(target));
                if resolved == "search.html" {
                    continue; // the search page is made by the search output
                }
                assert!(
                    files.contains_key(&resolved),
                    "{path}: broken link {target} -> {resolved}"
                );
                links += 1;
            }
        }
    }
    links
}

/// The `valid` fixture with `page_size` set, in a temporary folder.
fn paged_fixture(name: &str, page_size: usize) -> (TempDir, std::path::PathBuf) {
    let tmp = TempDir::new(name);
    let root = tmp.path().join("book");
    copy_dir(&fixture("valid"), &root);
    let cfg = fs::read_to_string(root.join("carebook.toml")).unwrap();
    fs::write(
        root.join("carebook.toml"),
        cfg.replace(
            "sample = true",
            &format!("sample = true\npage_size = {page_size}"),
        ),
    )
    .unwrap();
    (tmp, root)
}

#[test]
fn long_lists_are_paginated_with_working_links() {
    let (tmp, root) = paged_fixture("paginate", 1);
    let out = tmp.path().join("site");
    build(&root, &out);
    let files = tree(&out);
    for p in [
        "types/clinic.html",
        "types/clinic/2.html",
        "areas/south.html",
        "areas/south/2.html",
    ] {
        assert!(files.contains_key(p), "missing {p}");
    }
    assert!(!files.contains_key("types/clinic/3.html"));
    let second = String::from_utf8_lossy(&files["types/clinic/2.html"]).into_owned();
    assert!(
        second.contains("さくら内科クリニック") && !second.contains("池田クリニック"),
        "page 2 holds the second row only"
    );
    assert!(second.contains("2件"), "the count is the whole list's");
    assert!(second.contains("rel=\"prev\""));
    assert_links_resolve(&files);
}

/// A long list is cut into 五十音 rows (types) or types (areas), each
/// starting a page of its own, with links to each section's first page.
#[test]
fn long_lists_are_cut_into_sections_that_start_their_own_pages() {
    let (tmp, root) = paged_fixture("sections", 50);
    // Fifty-one more clinics, in the あ, か and さ rows: the list is longer
    // than a page.
    let clinic = fs::read_to_string(root.join("content/facilities/sakura.yaml")).unwrap();
    let names = [
        ("かえで", "kaede"),
        ("あさひ", "asahi"),
        ("すみれ", "sumire"),
    ];
    for n in 0..51 {
        let (kana, key) = names[n % 3];
        let id = format!("{key}{n}");
        let text = clinic
            .replace("さくら内科クリニック", &format!("{kana}内科{n}"))
            .replace("さくらないかくりにっく", &format!("{kana}ないか"));
        fs::write(root.join(format!("content/facilities/{id}.yaml")), text).unwrap();
    }
    let out = tmp.path().join("site");
    build(&root, &out);
    let files = tree(&out);
    let page = |p: &str| String::from_utf8_lossy(&files[p]).into_owned();
    let mut pages = vec!["types/clinic.html".to_string()];
    pages.extend(
        (2..)
            .map(|n| format!("types/clinic/{n}.html"))
            .take_while(|p| files.contains_key(p)),
    );
    // Each page holds the names of one row only; the nav names every row,
    // marks the current one and links to the first page of each.
    let rows: Vec<String> = pages
        .iter()
        .map(|p| {
            let text = page(p);
            let after = text.split("pager-status\">").nth(1).unwrap_or("");
            after.split('<').next().unwrap_or("").to_string()
        })
        .collect();
    assert!(rows.iter().all(|r| r.contains("ページ中")), "{rows:?}");
    let first_of = |row: &str| {
        rows.iter()
            .position(|r| r.contains(&format!("（{row}行）")))
    };
    let (a, k, s) = (
        first_of("あ").unwrap(),
        first_of("か").unwrap(),
        first_of("さ").unwrap(),
    );
    assert!(a < k && k < s, "{rows:?}");
    for (i, p) in pages.iter().enumerate() {
        let text = page(p);
        let own = if i >= s {
            "すみれ"
        } else if i >= k {
            "かえで"
        } else {
            "あさひ"
        };
        for other in ["すみれ内科", "かえで内科", "あさひ内科"] {
            if !other.starts_with(own) {
                assert!(
                    !text.contains(other),
                    "{p} holds {other} beside the {own} row"
                );
            }
        }
        assert!(
            text.contains("class=\"current\" aria-current=\"true\""),
            "{p}"
        );
        let sa = format!("types/clinic/{}.html\"", s + 1);
        assert!(
            text.contains(&format!("{sa}>さ行</a>"))
                || text.contains(&format!(
                    "{sa} class=\"current\" aria-current=\"true\">さ行</a>"
                )),
            "{p}: no link to さ行"
        );
    }
    assert_links_resolve(&files);
}

fn normalize(p: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    for c in p.components() {
        match c.as_os_str().to_str().unwrap() {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            s => parts.push(s.to_string()),
        }
    }
    parts.join("/")
}

#[test]
fn pages_show_the_records_fields() {
    let tmp = TempDir::new("build-fields");
    let out = tmp.path().join("site");
    build(&fixture("valid"), &out);
    let page = fs::read_to_string(out.join("facilities/sakura.html")).unwrap();
    for s in [
        "さくら内科クリニック",
        "〒537-0025",
        "06-0000-1001",
        "tel:0600001001",
        "06-0000-1002",
        "月～金",
        "09:00",
        "看護師 山田",
        "2026年9月15日",
        "openstreetmap.org/?mlat=34.6712",
        "\"@type\":\"MedicalClinic\"",
    ] {
        assert!(page.contains(s), "facility page lacks {s}");
    }
    // The clinic list is in 五十音 order: いけだ before さくら.
    let list = fs::read_to_string(out.join("types/clinic.html")).unwrap();
    let (i, s) = (
        list.find("池田クリニック").unwrap(),
        list.find("さくら内科クリニック").unwrap(),
    );
    assert!(i < s, "type list not in 五十音 order");
    // ○ for a capability it has, － for one it lacks, per row.
    let row = &list[s..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert_eq!(row.matches('○').count(), 2, "{row}");
    assert_eq!(row.matches('－').count(), 1, "{row}");
    // Raw HTML in a description is shown as text, never run.
    let aoba = fs::read_to_string(out.join("facilities/aoba.html")).unwrap();
    assert!(aoba.contains("&lt;script&gt;"), "script not escaped");
    assert!(
        !aoba.contains("<script>alert"),
        "raw script reached the page"
    );
    let meetings = fs::read_to_string(out.join("meetings.html")).unwrap();
    for s in [
        "病院連絡会",
        "区内8病院",
        "病院間や地域の開業医との連携を図る",
        "年4回",
    ] {
        assert!(meetings.contains(s), "meetings page lacks {s}");
    }
    let index = fs::read_to_string(out.join("index.html")).unwrap();
    assert!(
        index.contains("在宅医療・介護連携相談支援室"),
        "featured window not on the top page"
    );
    assert!(
        index.contains("架空"),
        "sample guidebook not marked fictional"
    );
}

/// A resident learns from an area's page which towns it covers, and from a
/// type's page what that kind of facility is (both from carebook.toml).
#[test]
fn area_pages_name_their_towns_and_type_pages_explain_the_type() {
    let tmp = TempDir::new("build-explain");
    let out = tmp.path().join("site");
    build(&repo(), &out);
    let config: toml::Table = fs::read_to_string(repo().join("carebook.toml"))
        .unwrap()
        .parse()
        .unwrap();
    let html = |rel: &str| fs::read_to_string(out.join(rel)).unwrap();
    let mut towns = 0;
    for area in config["areas"].as_array().unwrap() {
        let key = area["key"].as_str().unwrap();
        let want: Vec<&str> = area
            .get("towns")
            .and_then(|t| t.as_array())
            .into_iter()
            .flatten()
            .map(|t| t.as_str().unwrap())
            .collect();
        let page = html(&format!("areas/{key}.html"));
        // 「北部に含まれる町：東小橋、玉津、…」
        let shown: Vec<&str> = page
            .split("<p class=\"area-towns\">")
            .nth(1)
            .map(|p| {
                let p = &p[..p.find("</p>").unwrap()];
                p.rsplit("</strong>").next().unwrap().split('、').collect()
            })
            .unwrap_or_default();
        assert_eq!(shown, want, "the towns areas/{key}.html names");
        towns += want.len();
    }
    assert!(towns > 5, "the sample's areas name only {towns} towns");
    let mut described = 0;
    for t in config["types"].as_array().unwrap() {
        if let Some(d) = t.get("description").and_then(|d| d.as_str()) {
            let page = html(&format!("types/{}.html", t["key"].as_str().unwrap()));
            assert!(
                page.contains(d.trim()),
                "types/{}.html lacks its description",
                t["key"]
            );
            described += 1;
        }
    }
    assert!(described > 3, "only {described} types described");
}

/// The top page's link to the printable guidebook states the PDF's format
/// and the size of the file the build wrote.
#[test]
fn the_pamphlet_link_states_the_pdfs_size() {
    let tmp = TempDir::new("build-pdf-size");
    let out = tmp.path().join("site");
    build(&repo(), &out);
    let bytes = fs::metadata(out.join("pamphlet.pdf")).unwrap().len() as f64;
    let size = if bytes < 1024.0 * 1024.0 {
        format!("{}KB", (bytes / 1024.0).ceil())
    } else {
        format!("{:.1}MB", bytes / 1024.0 / 1024.0)
    };
    let index = fs::read_to_string(out.join("index.html")).unwrap();
    let link = index
        .split("<a href=\"pamphlet.pdf\"")
        .nth(1)
        .map(|l| &l[..l.find("</a>").unwrap()])
        .expect("the top page links the pamphlet");
    assert!(
        link.contains(&format!("（PDF・A4・{size}）")),
        "the link does not state {size}: {link}"
    );
}

#[test]
fn internal_fields_never_reach_the_output() {
    for (root, secrets) in [
        (
            fixture("valid"),
            [
                "SECRET-SAKURA",
                "090-9999-0001",
                "SECRET-AOBA",
                "SECRET-WINDOW",
            ]
            .map(String::from)
            .to_vec(),
        ),
        (repo(), internal_values(&repo())),
    ] {
        assert!(!secrets.is_empty());
        let tmp = TempDir::new("internal");
        let out = tmp.path().join("site");
        build(&root, &out);
        let files = tree(&out);
        // The open data is part of the tree read below: both CSV layouts
        // and the JSON, each holding the facilities.
        for f in [
            "guidebook.json",
            "medical_institution.csv",
            "care_service.csv",
        ] {
            let (path, data) = files
                .iter()
                .find(|(p, _)| p.starts_with("opendata/") && p.ends_with(f))
                .unwrap_or_else(|| panic!("opendata/…{f} is not in the output"));
            assert!(data.starts_with("\u{feff}".as_bytes()) || f.ends_with(".json"));
            if f.ends_with(".json") {
                assert!(
                    String::from_utf8_lossy(data).contains("\"facilities\":[{"),
                    "{path} holds no facility"
                );
            }
        }
        for (path, data) in files {
            // A PDF's text is compressed: read it the way a reader would.
            let text = if path.ends_with(".pdf") {
                pdf_text(&out.join(&path)).into()
            } else {
                String::from_utf8_lossy(&data)
            };
            for s in &secrets {
                assert!(!text.contains(&**s), "{path} contains internal text {s:?}");
            }
        }
    }
}

/// Every string under `internal:` in the sample guidebook's records.
/// The text of a PDF, by poppler's pdftotext (installed by .ci/run).
fn pdf_text(pdf: &Path) -> String {
    let o = std::process::Command::new("pdftotext")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is needed to read the pamphlet");
    assert!(o.status.success());
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn internal_values(root: &Path) -> Vec<String> {
    fn strings(v: &serde_yaml::Value, out: &mut Vec<String>) {
        match v {
            serde_yaml::Value::String(s) => out.push(s.clone()),
            serde_yaml::Value::Sequence(s) => s.iter().for_each(|v| strings(v, out)),
            serde_yaml::Value::Mapping(m) => m.values().for_each(|v| strings(v, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(root.join("content")) {
        let e = e.unwrap();
        let text = match fs::read_to_string(e.path()) {
            Ok(t) if e.file_type().is_file() => t,
            _ => continue,
        };
        let yaml = if e.path().extension().is_some_and(|x| x == "md") {
            text.split("---").nth(1).unwrap_or("").to_string()
        } else {
            text
        };
        if let Ok(serde_yaml::Value::Mapping(m)) = serde_yaml::from_str::<serde_yaml::Value>(&yaml)
        {
            if let Some(v) = m.get("internal") {
                strings(v, &mut out);
            }
        }
    }
    out
}

#[test]
fn failed_build_leaves_previous_output_untouched() {
    let tmp = TempDir::new("atomic");
    let out = tmp.path().join("site");
    build(&fixture("valid"), &out);
    let before = tree(&out);
    let index_before = tree(&index_of(&out));
    assert!(!index_before.is_empty());
    let o = try_build(&fixture("invalid-records"), &out);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("nothing was written"), "{}", stderr(&o));
    assert_eq!(tree(&out), before, "a failed build changed the output");
    assert_eq!(
        tree(&index_of(&out)),
        index_before,
        "a failed build changed the index"
    );
    let mut leftovers: Vec<_> = fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    leftovers.sort();
    assert_eq!(
        leftovers,
        ["site", "site.index"],
        "staging directories left behind"
    );
}

#[test]
fn refuses_to_replace_a_directory_it_did_not_write() {
    let tmp = TempDir::new("foreign");
    let out = tmp.path().join("mine");
    fs::create_dir_all(&out).unwrap();
    fs::write(out.join("thesis.txt"), "precious").unwrap();
    let o = try_build(&fixture("valid"), &out);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("was not written by carebook"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        fs::read_to_string(out.join("thesis.txt")).unwrap(),
        "precious"
    );
}

#[test]
fn building_twice_gives_identical_bytes() {
    let tmp = TempDir::new("determinism");
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    build(&repo(), &a);
    build(&repo(), &b);
    let (ta, tb) = (tree(&a), tree(&b));
    assert!(ta.len() > 80, "{}", ta.len());
    assert!(ta == tb, "two builds differ");
}

#[test]
fn sample_guidebook_is_complete() {
    let o = carebook(&["check", "--root", repo().to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let tmp = TempDir::new("sample");
    let out = tmp.path().join("site");
    build(&repo(), &out);
    let files = tree(&out);
    let facilities = files
        .keys()
        .filter(|k| k.starts_with("facilities/"))
        .count();
    assert!(facilities >= 40, "only {facilities} facilities");
    let types = files.keys().filter(|k| k.starts_with("types/")).count();
    let areas = files.keys().filter(|k| k.starts_with("areas/")).count();
    assert!(types >= 7 && areas >= 2, "{types} types, {areas} areas");
    // every type list has at least one facility row
    for (k, v) in &files {
        if k.starts_with("types/") {
            assert!(
                String::from_utf8_lossy(v).contains("href=\"../facilities/"),
                "{k} lists no facility"
            );
        }
    }
    let meetings = String::from_utf8_lossy(&files["meetings.html"]).into_owned();
    for m in [
        "居宅介護支援事業者連絡会",
        "病院連絡会",
        "訪問看護ステーション連絡会",
        "介護サービス事業所連絡会",
        "通所介護事業者連絡会",
        "区民啓発会議",
        "多職種連携会議",
        "地域ケア会議",
        "相談内容検討会",
    ] {
        assert!(meetings.contains(m), "meetings table lacks {m}");
    }
    let window = String::from_utf8_lossy(&files["windows/soudan-shienshitsu.html"]).into_owned();
    for s in ["コーディネーター", "常勤", "非常勤", "歯科衛生士", "看護師"] {
        assert!(window.contains(s), "consultation room page lacks {s}");
    }
}

#[test]
fn init_makes_a_guidebook_that_builds_and_new_adds_valid_records() {
    let tmp = TempDir::new("init");
    let dir = tmp.path().join("ward");
    let o = carebook(&["init", dir.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    for kind in ["facility", "meeting", "window"] {
        let o = carebook(&[
            "new",
            kind,
            &format!("new-{kind}"),
            "--root",
            dir.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "new {kind}: {}", stderr(&o));
    }
    assert!(dir.join("content/facilities/new-facility.yaml").exists());
    let o = carebook(&["check", "--root", dir.to_str().unwrap()]);
    assert!(
        o.status.success(),
        "init + new do not check clean:\n{}",
        stderr(&o)
    );
    assert!(
        stderr(&o).is_empty(),
        "warnings on a fresh guidebook:\n{}",
        stderr(&o)
    );
    build(&dir, &dir.join("public"));
    assert!(dir.join("public/facilities/sample-clinic.html").exists());
    // A second record with the same name is refused, as is a name that is no id.
    let o = carebook(&[
        "new",
        "facility",
        "new-facility",
        "--root",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("already exists"));
    let o = carebook(&["new", "facility", "さくら", "--root", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("cannot be a record id"));
    // init refuses a directory that has files.
    let o = carebook(&["init", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn template_override_wins_and_a_broken_one_is_reported() {
    let tmp = TempDir::new("override");
    let root = tmp.path().join("book");
    copy_dir(&fixture("valid"), &root);
    fs::create_dir_all(root.join("templates")).unwrap();
    fs::write(
        root.join("templates/page.html"),
        "<html lang=\"ja\"><p>OVERRIDDEN {{ page.title }}</p></html>",
    )
    .unwrap();
    fs::create_dir_all(root.join("static")).unwrap();
    fs::write(root.join("static/extra.txt"), "extra").unwrap();
    let out = tmp.path().join("site");
    build(&root, &out);
    assert!(fs::read_to_string(out.join("pages/howto.html"))
        .unwrap()
        .contains("OVERRIDDEN 使い方"));
    assert_eq!(
        fs::read_to_string(out.join("static/extra.txt")).unwrap(),
        "extra"
    );
    // A template that fails is reported with its file, and nothing is replaced.
    let before = tree(&out);
    fs::write(
        root.join("templates/page.html"),
        "{{ page.title | no_such_filter }}",
    )
    .unwrap();
    let o = try_build(&root, &out);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains(
            "templates/page.html:1:17: error: template page.html: Unknown filter `no_such_filter`"
        ),
        "{}",
        stderr(&o)
    );
    assert_eq!(tree(&out), before);
}

#[test]
fn summary_line_and_quiet() {
    let tmp = TempDir::new("summary");
    let out = tmp.path().join("site");
    let o = try_build(&fixture("valid"), &out);
    assert!(o.status.success());
    let s = stdout(&o);
    assert!(
        s.starts_with("built 6 records into ") && s.contains(" ms"),
        "{s}"
    );
    let o = carebook(&[
        "build",
        "--quiet",
        "--root",
        fixture("valid").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--index",
        index_of(&out).to_str().unwrap(),
    ]);
    assert!(stdout(&o).is_empty());
}

#[test]
fn malformed_files_never_panic() {
    let tmp = TempDir::new("malformed");
    let root = tmp.path().join("book");
    copy_dir(&fixture("valid"), &root);
    let dir = root.join("content/facilities");
    let cases: &[(&str, &[u8])] = &[
        ("tabs.yaml", b"name:\tA\n\tkana: a\n"),
        ("list.yaml", b"- a\n- b\n"),
        ("scalar.yaml", b"just text\n"),
        ("alias.yaml", b"name: &n A\nkana: *n\ntype: *missing\n"),
        ("binary.yaml", &[0xff, 0xfe, 0x00, 0x41]),
        ("deep.yaml", b"address: {postal: {a: {b: [1, [2, [3]]]}}}\n"),
        (
            "nulls.yaml",
            b"name:\nkana:\ntype:\narea:\naddress:\nphone:\nhours:\n  -\n",
        ),
        (
            "huge-number.yaml",
            b"phone: 123456789012345678901234567890\nlocation: {lat: .nan, lon: .inf}\n",
        ),
        ("unterminated.md", b"---\nname: A\n"),
        ("empty.md", b""),
        ("bom.yaml", "\u{feff}name: A\r\nkana: えー\r\n".as_bytes()),
    ];
    for (name, data) in cases {
        fs::write(dir.join(name), data).unwrap();
    }
    let o = carebook(&["check", "--root", root.to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    for (name, _) in cases {
        assert!(
            err.contains(&format!("content/facilities/{name}:")),
            "no diagnostic for {name}:\n{err}"
        );
    }
    // every error line carries a position or names the whole file
    for line in err.lines().filter(|l| l.contains(": error: ")) {
        assert!(line.starts_with("content/"), "{line}");
    }
}

/// A guidebook made with `init` for another ward shows none of the
/// sample's names: not in the theme (search examples), not anywhere.
#[test]
fn a_new_guidebook_shows_nothing_of_the_sample_ward() {
    let tmp = TempDir::new("init-foreign");
    let dir = tmp.path().join("book");
    let o = carebook(&["init", dir.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = tmp.path().join("site");
    build(&dir, &out);

    // The sample's own words: its ward, towns, record names and phones.
    let mut sample: Vec<String> = vec!["東成".into()];
    let config = std::fs::read_to_string(repo().join("carebook.toml")).unwrap();
    let towns = config
        .lines()
        .filter_map(|l| l.strip_prefix("towns = "))
        .flat_map(|l| {
            l.split('"')
                .skip(1)
                .step_by(2)
                .map(String::from)
                .collect::<Vec<_>>()
        });
    sample.extend(towns);
    for kind in ["facilities", "windows", "meetings"] {
        for e in walkdir::WalkDir::new(repo().join("content").join(kind)) {
            let e = e.unwrap();
            if !e.file_type().is_file() {
                continue;
            }
            let text = std::fs::read_to_string(e.path()).unwrap();
            sample.extend(
                text.lines()
                    .filter_map(|l| {
                        let l = l.trim_start();
                        l.strip_prefix("name: ")
                            .or_else(|| l.strip_prefix("phone: "))
                    })
                    .map(|n| n.trim().trim_matches('"').to_string()),
            );
        }
    }
    // (generic names that init's own templates use are not the sample's)
    let scaffold: String = std::fs::read_dir(repo().join("src/scaffold"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap_or_default())
        .collect();
    sample.retain(|n| !scaffold.contains(n.as_str()));
    assert!(sample.len() > 50, "too few sample names found: {sample:?}");
    let mut found = Vec::new();
    for (path, bytes) in tree(&out) {
        let text = String::from_utf8_lossy(&bytes);
        for name in &sample {
            if text.contains(name.as_str()) {
                found.push(format!("{path}: {name}"));
            }
        }
    }
    assert!(
        found.is_empty(),
        "sample names in a new guidebook's site:\n{}",
        found.join("\n")
    );
}

/// content/ itself may be a link to a folder kept elsewhere: it is read, and
/// nothing says it was skipped (links inside it to other places still are).
#[test]
fn a_content_folder_linked_from_elsewhere_is_read() {
    let tmp = TempDir::new("content-link");
    let root = tmp.path().join("book");
    copy_dir(&fixture("valid"), &root);
    let elsewhere = tmp.path().join("shared-drive/content");
    fs::create_dir_all(elsewhere.parent().unwrap()).unwrap();
    fs::rename(root.join("content"), &elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, root.join("content")).unwrap();
    let out = tmp.path().join("site");
    let o = build(&root, &out);
    let err = stderr(&o);
    assert!(!err.contains("symbolic link"), "{err}");
    assert!(out.join("facilities/sakura.html").exists());
}
