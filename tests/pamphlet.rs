//! The printable pamphlet, checked with poppler's own tools (`pdfinfo`,
//! `pdffonts`, `pdftotext`; Debian package poppler-utils, installed by
//! .ci/run): names, contents page numbers, index page numbers, page size,
//! embedded fonts, and text inside the margins.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

use common::*;

fn poppler(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool).args(args).output().unwrap_or_else(|e| {
        panic!(
            "cannot run {tool} ({e}): the pamphlet tests need poppler-utils \
             (apt-get install poppler-utils; .ci/run installs it)"
        )
    });
    assert!(
        out.status.success(),
        "{tool} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("poppler prints UTF-8")
}

/// The text of each page, in order (pdftotext separates pages by form feeds),
/// laid out as on paper: good for headers, footers and dotted lines.
fn pages(pdf: &Path) -> Vec<String> {
    pdftotext(pdf, "-layout")
}

/// The text of each page in drawing order, where a table cell's wrapped
/// lines stay together: good for finding names.
fn raw_pages(pdf: &Path) -> Vec<String> {
    pdftotext(pdf, "-raw")
}

fn pdftotext(pdf: &Path, mode: &str) -> Vec<String> {
    let text = poppler("pdftotext", &[mode, pdf.to_str().unwrap(), "-"]);
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_string).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    pages
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The running header of a page: its first non-empty line.
fn header(page: &str) -> String {
    page.lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim()
        .to_string()
}

/// The section a page's running header names: it stands on the outer side,
/// after the guidebook's title on odd (right-hand) pages and before it on
/// even ones. `number` is the page's number, from 1.
fn section(page: &str, number: usize) -> String {
    let h = header(page);
    let parts: Vec<&str> = h
        .split("  ")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let part = if number % 2 == 1 {
        parts.last()
    } else {
        parts.first()
    };
    part.map_or(String::new(), |p| p.to_string())
}

/// The index (from 0) of the first page whose running header names `title`.
fn page_of_section(s: &Sample, title: &str) -> Option<usize> {
    s.pages
        .iter()
        .enumerate()
        .position(|(i, p)| section(p, i + 1) == title)
}

/// The sample guidebook, built once for the tests of this file.
struct Sample {
    _dir: TempDir,
    pdf: std::path::PathBuf,
    out: std::path::PathBuf,
    pages: Vec<String>,
    raw: Vec<String>,
}

fn sample() -> &'static Sample {
    static SAMPLE: OnceLock<Sample> = OnceLock::new();
    SAMPLE.get_or_init(|| {
        let dir = TempDir::new("pamphlet-sample");
        let out = dir.path().join("public");
        build(&repo(), &out);
        let pdf = out.join("pamphlet.pdf");
        assert!(pdf.is_file(), "the build wrote no pamphlet.pdf");
        let pages = pages(&pdf);
        let raw = raw_pages(&pdf);
        assert_eq!(pages.len(), raw.len());
        Sample {
            _dir: dir,
            pdf,
            out,
            pages,
            raw,
        }
    })
}

/// (name, kind) of every record of the sample guidebook, read from content/.
fn sample_names() -> Vec<(String, String)> {
    let mut names = Vec::new();
    for kind in ["facilities", "meetings", "windows"] {
        for entry in walkdir::WalkDir::new(repo().join("content").join(kind)) {
            let entry = entry.unwrap();
            let path = entry.path();
            let text = match path.extension().and_then(|e| e.to_str()) {
                Some("yaml") | Some("md") => std::fs::read_to_string(path).unwrap(),
                _ => continue,
            };
            let name = text
                .lines()
                .find_map(|l| l.strip_prefix("name:"))
                .unwrap_or_else(|| panic!("{} has no name", path.display()))
                .trim()
                .trim_matches('"')
                .to_string();
            names.push((name, kind.to_string()));
        }
    }
    assert!(names.len() > 50, "sample content not found");
    names
}

#[test]
fn is_a4_with_embedded_fonts() {
    let s = sample();
    let info = poppler("pdfinfo", &[s.pdf.to_str().unwrap()]);
    let size = info
        .lines()
        .find(|l| l.starts_with("Page size:"))
        .expect("pdfinfo prints the page size");
    assert!(size.contains("(A4)"), "{size}");
    let count: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert_eq!(count, s.pages.len());
    assert!(count >= 8, "only {count} pages");

    let fonts = poppler("pdffonts", &[s.pdf.to_str().unwrap()]);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "no fonts listed:\n{fonts}");
    for row in &rows {
        // Columns: name type encoding emb sub uni object ID
        let cols: Vec<&str> = row.split_whitespace().collect();
        let emb = cols[cols.len() - 5];
        assert_eq!(emb, "yes", "font not embedded: {row}");
    }
    assert!(
        rows.iter().any(|r| r.contains("BIZUDPGothic")),
        "BIZ UD Gothic is not used:\n{fonts}"
    );
}

#[test]
fn every_record_is_printed() {
    let s = sample();
    let all = squeeze(&s.raw.concat());
    let missing: Vec<String> = sample_names()
        .into_iter()
        .filter(|(name, _)| !all.contains(&squeeze(name)))
        .map(|(n, k)| format!("{k}: {n}"))
        .collect();
    assert!(missing.is_empty(), "not in the PDF text: {missing:#?}");
    // The cover is dated from as_of, and names the publisher.
    let cover = squeeze(&s.pages[0]);
    assert!(cover.contains("令和8年10月現在"), "{}", s.pages[0]);
    assert!(cover.contains("東成区医師会"), "{}", s.pages[0]);
    // Pages marked print: false stay out.
    assert!(!all.contains(&squeeze("ウェブアクセシビリティ方針")));
}

#[test]
fn contents_come_first_then_the_featured_windows() {
    let s = sample();
    let room = s
        .pages
        .iter()
        .position(|p| {
            squeeze(p)
                .contains("在宅医療・介護連携相談支援室一般社団法人東成区医師会TEL06-0000-0001")
        })
        .expect("the consultation room's card with its phone");
    let toc = page_of_section(s, "目次").expect("a contents page");
    assert_eq!(toc, 1, "the contents are not the page after the cover");
    assert!(
        toc < room,
        "room on page {}, contents on {}",
        room + 1,
        toc + 1
    );
    let card = squeeze(&s.pages[room]);
    for want in [
        "06-0000-0001",
        "FAX06-0000-0002",
        "月～金9:00～17:00",
        "相談できる方",
        "看取り",
    ] {
        assert!(card.contains(want), "card lacks {want}: {}", s.pages[room]);
    }
}

/// (title, printed page) of each contents entry.
fn contents(s: &Sample) -> Vec<(String, usize)> {
    let toc = &s.pages[page_of_section(s, "目次").expect("a contents page")];
    let mut entries = Vec::new();
    for line in toc.lines().skip(1) {
        let line = line.trim();
        let Some((head, num)) = line.rsplit_once(char::is_whitespace) else {
            continue;
        };
        let Ok(page) = num.parse::<usize>() else {
            continue;
        };
        // A facility type's entry starts with its number, that of its tab.
        let title = head
            .trim_end_matches(['.', ' ', '．'])
            .trim()
            .trim_start_matches(|c: char| c.is_ascii_digit())
            .trim()
            .to_string();
        if !title.is_empty() {
            entries.push((title, page));
        }
    }
    entries
}

#[test]
fn contents_page_numbers_are_where_sections_start() {
    let s = sample();
    let entries = contents(s);
    let titles: Vec<&str> = entries.iter().map(|(t, _)| t.as_str()).collect();
    for want in [
        "病院",
        "診療所",
        "薬局",
        "訪問看護ステーション",
        "会議体",
        "相談窓口",
        "索引",
    ] {
        assert!(titles.contains(&want), "contents lack {want}: {titles:?}");
    }
    for (title, page) in &entries {
        let here = &s.pages[page - 1];
        // The footer prints the page number; the running header names the
        // section that is current on that page, and the page before still
        // shows the previous one.
        assert!(
            here.lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap()
                .trim()
                == page.to_string(),
            "page {page} does not print its number:\n{here}"
        );
        assert_eq!(
            &section(here, *page),
            title,
            "{title}: contents say page {page}, whose header is {:?}",
            header(here)
        );
        assert!(
            squeeze(here).contains(&squeeze(title)),
            "{title} is not on page {page}"
        );
        let before = section(&s.pages[page - 2], page - 1);
        assert!(
            before != *title,
            "{title} already runs on page {} ({before:?})",
            page - 1
        );
    }
}

#[test]
fn index_page_numbers_point_at_the_records() {
    let s = sample();
    let first_index = page_of_section(s, "索引").expect("an index");
    let names = sample_names();
    // Index lines: "name ........ 12" (two columns per line with -layout).
    let mut found: BTreeMap<String, usize> = BTreeMap::new();
    for page in &s.pages[first_index..] {
        for line in page.lines() {
            for (name, _) in &names {
                if let Some(at) = line.find(name.as_str()) {
                    let rest = &line[at + name.len()..];
                    let digits: String = rest
                        .trim_start_matches([' ', '.'])
                        .chars()
                        .take_while(char::is_ascii_digit)
                        .collect();
                    if let Ok(n) = digits.parse() {
                        found.insert(name.clone(), n);
                    }
                }
            }
        }
    }
    assert!(
        found.len() * 10 >= names.len() * 8,
        "index lines read for only {} of {} records",
        found.len(),
        names.len()
    );
    for (i, (name, page)) in found.iter().enumerate() {
        if i % 3 != 0 {
            continue;
        }
        assert!(
            *page <= first_index,
            "{name}: index points into the index ({page})"
        );
        let text = squeeze(&s.raw[page - 1]);
        assert!(
            text.contains(&squeeze(name)),
            "{name}: the index says page {page}, which does not show it"
        );
    }
}

/// A word's page, box (xmin, ymin, xmax, ymax in points) and text.
type WordBox = (usize, f64, f64, f64, f64, String);

/// Page width, height and the word boxes of every page, from `pdftotext -bbox`.
fn word_boxes(pdf: &Path) -> (f64, f64, Vec<WordBox>) {
    let html = poppler("pdftotext", &["-bbox", pdf.to_str().unwrap(), "-"]);
    let attr = |tag: &str, name: &str| -> f64 {
        let key = format!("{name}=\"");
        let start = tag.find(&key).unwrap() + key.len();
        tag[start..].split('"').next().unwrap().parse().unwrap()
    };
    let (mut width, mut height, mut page) = (0.0, 0.0, 0);
    let mut words = Vec::new();
    for line in html.lines() {
        let line = line.trim();
        if line.starts_with("<page ") {
            page += 1;
            width = attr(line, "width");
            height = attr(line, "height");
        } else if line.starts_with("<word ") {
            let text = line
                .split_once('>')
                .unwrap()
                .1
                .trim_end_matches("</word>")
                .to_string();
            words.push((
                page,
                attr(line, "xMin"),
                attr(line, "yMin"),
                attr(line, "xMax"),
                attr(line, "yMax"),
                text,
            ));
        }
    }
    (width, height, words)
}

#[test]
fn long_names_and_many_capabilities_stay_inside_the_margins() {
    let dir = TempDir::new("pamphlet-margins");
    let out = dir.path().join("public");
    build(&fixture("pamphlet"), &out);
    let pdf = out.join("pamphlet.pdf");
    let text = squeeze(&raw_pages(&pdf).concat());
    // The long name is printed whole (wrapped inside its cell).
    assert!(text.contains("医療法人社団東成区健康長寿推進会附属在宅療養支援総合診療所"));
    // Twelve capabilities are columns of ○/－; twenty are listed as words.
    assert!(text.contains("○○○○○○○○○○○○"), "twelve ○ in a row expected");
    assert!(text.contains("項目1、項目2、項目3"), "{text}");
    // Markup characters in a free page are printed as written.
    assert!(text.contains("#x$y$<z>@w*_"), "{text}");
    assert!(!text.contains("SECRET"), "internal text in the pamphlet");
    let (width, height, words) = word_boxes(&pdf);
    assert!((width - 595.28).abs() < 1.0 && (height - 841.89).abs() < 1.0);
    // The outer margin is the narrower one: 16 mm.
    let margin = 16.0 / 25.4 * 72.0 - 1.0;
    // Only the thumb tabs' numbers stand in the outer margin, on the tab
    // (4 to 12 mm from the edge).
    let mm = 72.0 / 25.4;
    let on_tab = |x0: f64, x1: f64, t: &str| {
        t.bytes().all(|b| b.is_ascii_digit())
            && ((x0 >= 4.0 * mm && x1 <= 12.0 * mm)
                || (x0 >= width - 12.0 * mm && x1 <= width - 4.0 * mm))
    };
    let outside: Vec<_> = words
        .iter()
        .filter(|(_, x0, y0, x1, y1, t)| {
            (*x0 < margin || *x1 > width - margin || *y0 < 0.0 || *y1 > height)
                && !on_tab(*x0, *x1, t)
        })
        .collect();
    assert!(
        outside.is_empty(),
        "text outside the margins: {:#?}",
        &outside[..outside.len().min(10)]
    );
    // Nothing is printed over anything else: the twenty capabilities as
    // words run longer than their facility's lines, and stay in its row.
    // (Two punctuation marks in a row, as in 、「, are closed up by up to a
    // full width: pdftotext boxes each mark at its full width, which then
    // overlap, while their ink, each at one side of its box, does not.
    // punctuation_marks_in_a_row_stay_apart looks at the ink.)
    let mark = |c: Option<char>| {
        c.is_some_and(|c| "、。，．・：；？！（）［］｛｝「」『』【】〔〕〈〉《》".contains(c))
    };
    let closed_up = |a: &WordBox, b: &WordBox| {
        let (first, second) = if a.1 < b.1 { (a, b) } else { (b, a) };
        mark(first.5.chars().last())
            && mark(second.5.chars().next())
            && first.3 - second.1 <= first.4 - first.2
    };
    for (i, a) in words.iter().enumerate() {
        for b in &words[i + 1..] {
            let overlap = a.0 == b.0
                && a.1.max(b.1) + 1.0 < a.3.min(b.3)
                && a.2.max(b.2) + 1.0 < a.4.min(b.4)
                && !closed_up(a, b);
            assert!(!overlap, "{a:?} and {b:?} are printed over each other");
        }
    }
}

/// The centre of a word box on the x axis.
fn x_centre(w: &WordBox) -> f64 {
    (w.1 + w.3) / 2.0
}

#[test]
fn capability_marks_sit_under_their_headings() {
    let dir = TempDir::new("pamphlet-marks");
    let out = dir.path().join("public");
    build(&fixture("pamphlet"), &out);
    let (_, _, words) = word_boxes(&out.join("pamphlet.pdf"));
    // The clinic table: its rows of marks, top to bottom. A mark of the key
    // above the table ("○ 対応できる") is followed by words on its line.
    let is_mark = |w: &WordBox| w.5 == "○" || w.5 == "－";
    let marks: Vec<&WordBox> = words
        .iter()
        .filter(|w| is_mark(w))
        .filter(|w| {
            words
                .iter()
                .filter(|o| o.0 == w.0 && (o.2 - w.2).abs() < 1.0 && o.1 > w.3)
                .all(is_mark)
        })
        // The mark columns are on the right half of the page.
        .filter(|w| w.1 > 595.28 / 2.0)
        .collect();
    assert!(!marks.is_empty(), "no ○/－ marks in the pamphlet");
    let page = marks[0].0;
    let mut rows: Vec<Vec<&WordBox>> = Vec::new();
    for w in marks.iter().filter(|w| w.0 == page) {
        match rows.last_mut() {
            Some(row) if (row[0].2 - w.2).abs() < 1.0 => row.push(w),
            _ => rows.push(vec![w]),
        }
    }
    // (The type with twenty capabilities lists them as words, or one －.)
    rows.retain(|r| r.len() > 1);
    let lines: Vec<String> = rows
        .iter()
        .map(|r| r.iter().map(|w| w.5.as_str()).collect())
        .collect();
    // あおば診療所 (c00, c02), then the long name with all twelve.
    assert_eq!(lines, ["○－○－－－－－－－－－", "○○○○○○○○○○○○"]);
    // Every row has its marks at the same places.
    let centres: Vec<f64> = rows[0].iter().map(|w| x_centre(w)).collect();
    for row in &rows {
        for (w, c) in row.iter().zip(&centres) {
            assert!((x_centre(w) - c).abs() < 0.5, "{w:?} is not under {c}");
        }
    }
    // The headings above them: each column's label, turned to read top to
    // bottom as one word (no stacked digits), centred over its marks.
    let top = rows[0][0].2;
    let left = centres[0] - 8.4;
    let heading: Vec<&WordBox> = words
        .iter()
        .filter(|w| w.0 == page && w.4 <= top && w.4 > top - 80.0 && w.1 >= left)
        .collect();
    let labels: Vec<String> = centres
        .iter()
        .map(|c| {
            let mut column: Vec<&&WordBox> = heading
                .iter()
                .filter(|w| (x_centre(w) - c).abs() < 1.0)
                .collect();
            column.sort_by(|a, b| a.2.total_cmp(&b.2));
            column.iter().map(|w| w.5.as_str()).collect()
        })
        .collect();
    assert_eq!(
        labels,
        [
            "訪問",
            "往診",
            "看取",
            "24時間",
            "酸素",
            "胃ろう",
            "中心静脈",
            "褥瘡",
            "疼痛",
            "呼吸器",
            "透析",
            "小児"
        ]
    );
}

#[test]
fn per_area_editions_and_switching_off() {
    let dir = TempDir::new("pamphlet-scope");
    let root = dir.path().join("book");
    copy_dir(&fixture("pamphlet"), &root);
    let settings = root.join("carebook.toml");
    let base = std::fs::read_to_string(&settings).unwrap();

    std::fs::write(
        &settings,
        format!("{base}\n[pamphlet]\nper_area = true\ntypes = [\"clinic\"]\n"),
    )
    .unwrap();
    let out = dir.path().join("public");
    build(&root, &out);
    assert!(!out.join("pamphlet.pdf").exists());
    let north = squeeze(&raw_pages(&out.join("pamphlet-north.pdf")).concat());
    let south = squeeze(&raw_pages(&out.join("pamphlet-south.pdf")).concat());
    assert!(north.contains("北部版") && south.contains("南部版"));
    assert!(north.contains("医療法人社団東成区健康長寿推進会") && !north.contains("あおば診療所"));
    assert!(south.contains("あおば診療所") && !south.contains("医療法人社団"));
    // Only the chosen type; windows and meetings are in every edition.
    assert!(!north.contains("ひまわりケアプランセンター"));
    assert!(north.contains("病院連絡会") && south.contains("在宅医療・介護連携相談支援室"));
    let home = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(home.contains("href=\"pamphlet-north.pdf\"") && home.contains("北部版"));

    std::fs::write(&settings, format!("{base}\n[pamphlet]\nenabled = false\n")).unwrap();
    build(&root, &out);
    assert!(!out.join("pamphlet-north.pdf").exists() && !out.join("pamphlet.pdf").exists());
    let home = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(!home.contains(".pdf"));
}

#[test]
fn a_broken_template_override_is_reported_at_its_line() {
    let dir = TempDir::new("pamphlet-broken");
    let root = dir.path().join("book");
    copy_dir(&fixture("pamphlet"), &root);
    let out = dir.path().join("public");
    build(&root, &out);
    let before = std::fs::read(out.join("pamphlet.pdf")).unwrap();

    std::fs::create_dir_all(root.join("pamphlet")).unwrap();
    std::fs::write(
        root.join("pamphlet/pamphlet.typ"),
        "#let data = json(\"data.json\")\n= #data.title\n#data.no_such_field\n",
    )
    .unwrap();
    let o = try_build(&root, &out);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("pamphlet/pamphlet.typ:3:7: error: pamphlet template:"),
        "{err}"
    );
    // The column is that of the field, after `#data.`.
    assert!(
        err.contains("does not contain key \"no_such_field\""),
        "{err}"
    );
    assert_eq!(std::fs::read(out.join("pamphlet.pdf")).unwrap(), before);

    let base = std::fs::read_to_string(fixture("pamphlet/carebook.toml")).unwrap();
    let bad = format!("{base}\n[pamphlet]\ntypes = [\"clinik\"]\n");
    // The key is on the last line; its column is that of the opening quote.
    let line = bad.lines().count();
    std::fs::write(root.join("carebook.toml"), bad).unwrap();
    let o = carebook(&["check", "--root", root.to_str().unwrap()]);
    let err = stderr(&o);
    assert!(
        err.contains(&format!(
            "carebook.toml:{line}:10: error: pamphlet type \"clinik\" is not defined"
        )),
        "{err}"
    );
    assert!(err.contains("did you mean `clinic`?"), "{err}");
}

#[test]
fn site_links_the_pamphlet() {
    let s = sample();
    let home = std::fs::read_to_string(s.out.join("index.html")).unwrap();
    assert!(home.contains("href=\"pamphlet.pdf\""), "{home}");
    // The type's description, as in print, heads its web list page.
    let clinics = std::fs::read_to_string(s.out.join("types/clinic.html")).unwrap();
    assert!(clinics.contains("<p class=\"type-description\">身近なかかりつけ医です。"));
    assert!(squeeze(&s.raw.concat()).contains("身近なかかりつけ医です。"));
}

/// Facilities of the sample guidebook as written in content/: (name, YAML).
fn sample_facilities() -> Vec<(String, serde_yaml::Value)> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(repo().join("content/facilities")) {
        let entry = entry.unwrap();
        let path = entry.path();
        let text = match path.extension().and_then(|e| e.to_str()) {
            Some("yaml") => std::fs::read_to_string(path).unwrap(),
            // Front matter of a Markdown facility.
            Some("md") => std::fs::read_to_string(path)
                .unwrap()
                .split("---")
                .nth(1)
                .unwrap()
                .to_string(),
            _ => continue,
        };
        let v: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
        out.push((v["name"].as_str().unwrap().to_string(), v));
    }
    assert!(out.len() > 40, "sample facilities not found");
    out
}

/// "09:00" as printed: "9:00".
fn short_time(t: &str) -> String {
    t.strip_prefix('0').unwrap_or(t).to_string()
}

#[test]
fn every_facility_prints_its_hours_departments_and_liaison() {
    let s = sample();
    let (mut hours, mut liaisons) = (0, 0);
    for (name, f) in sample_facilities() {
        // Rows are never split: the whole record is on the page of its name.
        let page = s
            .raw
            .iter()
            .map(|p| squeeze(p))
            .find(|p| p.contains(&squeeze(&name)))
            .unwrap_or_else(|| panic!("{name} is not printed"));
        let at = page.find(&squeeze(&name)).unwrap();
        // What follows the name, up to the next row.
        let row: String = page[at..].chars().take(400).collect();
        if let Some(list) = f["hours"].as_sequence() {
            for h in list {
                let span = format!(
                    "{}～{}",
                    short_time(h["open"].as_str().unwrap()),
                    short_time(h["close"].as_str().unwrap())
                );
                assert!(row.contains(&span), "{name}: hours {span} missing: {row}");
            }
            assert!(row.contains("受付"), "{name}: no 受付 label: {row}");
            hours += 1;
        }
        if let Some(note) = f["hours_note"].as_str() {
            assert!(row.contains(&squeeze(note)), "{name}: note missing: {row}");
        }
        if let Some(deps) = f["departments"].as_sequence() {
            let want = squeeze(
                &deps
                    .iter()
                    .map(|d| d.as_str().unwrap())
                    .collect::<Vec<_>>()
                    .join("・"),
            );
            assert!(
                row.contains(&format!("科目{want}")),
                "{name}: {want}: {row}"
            );
        }
        if let Some(l) = f["liaison"].as_mapping() {
            let parts: Vec<String> = ["contact", "method", "hours"]
                .iter()
                .filter_map(|k| l.get(*k).and_then(|v| v.as_str()).map(squeeze))
                .collect();
            let want = format!("連携窓口{}", parts.join("／"));
            assert!(row.contains(&want), "{name}: {want} missing: {row}");
            liaisons += 1;
        }
    }
    assert!(
        hours > 40 && liaisons > 15,
        "{hours} with hours, {liaisons} with liaison"
    );
}

#[test]
fn the_key_is_on_every_table_page() {
    let s = sample();
    let mut table_pages = 0;
    for (i, page) in s.pages.iter().enumerate() {
        let text = squeeze(page);
        let headers = text
            .matches("名称・電話・所在地・受付時間・連携窓口")
            .count();
        let keys = text
            .matches("○対応できる－対応していない・確認できていない")
            .count();
        assert_eq!(
            headers,
            keys,
            "page {}: {headers} tables, {keys} keys",
            i + 1
        );
        if headers > 0 {
            table_pages += 1;
        }
        // A page of clinics explains every short label, one per line.
        if section(page, i + 1) == "診療所" {
            for line in [
                "中心静脈＝中心静脈栄養（IVH）",
                "24時間＝24時間対応（在宅療養支援診療所）",
            ] {
                assert!(
                    page.lines().any(|l| squeeze(l).contains(line)),
                    "page {}: no key line {line}:\n{page}",
                    i + 1
                );
            }
        }
    }
    // Every type's table, and the pages it runs on.
    assert!(table_pages >= 7, "only {table_pages} pages with a table");
}

#[test]
fn running_header_and_page_number_stand_on_the_outer_side() {
    let s = sample();
    let (width, height, words) = word_boxes(&s.pdf);
    let n = s.pages.len();
    // Every page but the covers has both.
    for p in 2..n {
        let name = section(&s.pages[p - 1], p);
        assert!(!name.is_empty(), "page {p} has no running header");
        let first = name.split_whitespace().next().unwrap();
        let head = words
            .iter()
            .find(|w| w.0 == p && w.4 < 22.0 / 25.4 * 72.0 && w.5 == first)
            .unwrap_or_else(|| panic!("page {p}: header word {first} not found"));
        let number = words
            .iter()
            .filter(|w| w.0 == p && w.2 > height - 20.0 / 25.4 * 72.0)
            .find(|w| w.5 == p.to_string())
            .unwrap_or_else(|| panic!("page {p}: no page number in the footer"));
        for (what, w) in [("header", head), ("page number", number)] {
            if p % 2 == 1 {
                assert!(
                    w.1 > width / 2.0,
                    "odd page {p}: {what} {w:?} not on the right"
                );
            } else {
                assert!(
                    w.3 < width / 2.0,
                    "even page {p}: {what} {w:?} not on the left"
                );
            }
        }
    }
}

#[test]
fn page_count_is_a_multiple_of_four_with_no_blank_page_and_a_back_cover() {
    let s = sample();
    let n = s.pages.len();
    assert_eq!(n % 4, 0, "{n} pages");
    for (i, p) in s.pages.iter().enumerate() {
        assert!(!p.trim().is_empty(), "page {} is blank", i + 1);
    }
    // Notes pages pad the booklet, after the index.
    let index = page_of_section(s, "索引").unwrap();
    for (i, p) in s.pages.iter().enumerate().take(n - 1).skip(index + 1) {
        let sec = section(p, i + 1);
        assert!(sec == "索引" || sec == "メモ", "page {}: {sec}", i + 1);
    }
    // The back cover: the consultation room, the website, the colophon.
    let back = squeeze(&s.pages[n - 1]);
    for want in [
        "在宅医療・介護連携相談支援室",
        "TEL06-0000-0001",
        "FAX06-0000-0002",
        "月～金9:00～17:00",
        "〒537-0025",
        "https://example.org/guidebook/",
        "発行日2026年10月",
        "発行東成区医師会",
    ] {
        assert!(back.contains(want), "back cover lacks {want}: {back}");
    }
}

/// The back cover's QR code, as a phone camera would read it: the page
/// rendered by poppler, decoded by zbar (Debian package zbar-tools).
#[test]
fn the_qr_code_on_the_back_cover_reads_as_the_website() {
    let s = sample();
    let n = s.pages.len().to_string();
    let dir = TempDir::new("pamphlet-qr");
    let png = dir.path().join("back");
    poppler(
        "pdftoppm",
        &[
            "-r",
            "150",
            "-png",
            "-singlefile",
            "-f",
            &n,
            "-l",
            &n,
            s.pdf.to_str().unwrap(),
            png.to_str().unwrap(),
        ],
    );
    let out = Command::new("zbarimg")
        .args(["--raw", "-q"])
        .arg(png.with_extension("png"))
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run zbarimg ({e}): this test needs zbar-tools \
                 (apt-get install zbar-tools; tests/run.sh installs it)"
            )
        });
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "zbarimg found no code: {text}");
    assert_eq!(text.trim(), "https://example.org/guidebook/");
}

#[test]
fn the_pdf_is_sound_and_its_text_reads_in_order() {
    let s = sample();
    let out = Command::new("qpdf")
        .args(["--check", s.pdf.to_str().unwrap()])
        .output()
        .expect("qpdf (apt-get install qpdf; tests/run.sh installs it)");
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "qpdf --check: {report}");
    assert!(
        report.contains("No syntax or stream encoding errors"),
        "{report}"
    );
    // No invisible word joiner before the contents' page numbers.
    let plain = poppler("pdftotext", &[s.pdf.to_str().unwrap(), "-"]);
    assert!(!plain.contains('\u{2060}'), "U+2060 in the text");
    // In pdftotext's reading order, a row's marks follow its phone number,
    // on the name's line, before the next facility.
    let line = plain
        .lines()
        .find(|l| l.contains("TEL 06-0000-2060"))
        .expect("今里駅前内科's phone");
    let marks: String = line.chars().filter(|c| matches!(c, '○' | '－')).collect();
    assert_eq!(marks.chars().count(), 10, "{line}");
}

#[test]
fn the_index_lists_each_record_once_with_all_its_pages() {
    let s = sample();
    let first = page_of_section(s, "索引").unwrap();
    let index: Vec<String> = s.pages[first..]
        .iter()
        .enumerate()
        .filter(|(i, p)| section(p, first + i + 1) == "索引")
        .flat_map(|(_, p)| p.lines().map(str::to_string).collect::<Vec<_>>())
        .collect();
    let names: std::collections::BTreeSet<String> =
        sample_names().into_iter().map(|(n, _)| n).collect();
    for name in &names {
        // An entry is the name, a dotted leader and page numbers.
        let entries = index
            .iter()
            .flat_map(|l| {
                l.match_indices(name.as_str())
                    .map(move |(at, _)| &l[at + name.len()..])
            })
            .filter(|rest| {
                rest.trim_start_matches([' ', '.'])
                    .starts_with(|c: char| c.is_ascii_digit())
                    && rest.starts_with([' ', '.'])
            })
            .count();
        assert!(entries <= 1, "{name} is in the index {entries} times");
    }
    // The 地域包括支援センター is a facility and a window: one entry, two pages.
    let line = index
        .iter()
        .find(|l| l.contains("東成区北部地域包括支援センター"))
        .expect("an index entry for the centre");
    let after = line.split("東成区北部地域包括支援センター").nth(1).unwrap();
    let pages: String = after
        .trim_start_matches([' ', '.'])
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ',' || *c == ' ')
        .collect();
    assert_eq!(pages.split(',').count(), 2, "{line}");
    // Topics from the windows and the free pages.
    let all = squeeze(&index.concat());
    assert!(all.contains("相談の内容・テーマ"), "{all}");
    for topic in ["人生会議（ACP）とは", "退院支援", "看取り"] {
        assert!(all.contains(topic), "no topic {topic}");
    }
}

#[test]
fn floors_times_and_departments_are_never_split_across_lines() {
    let s = sample();
    let raw = s.raw.concat();
    let mut buildings = 0;
    for (name, f) in sample_facilities() {
        if let Some(b) = f["address"]["building"].as_str() {
            buildings += 1;
            // Its words stand on one line (pdftotext puts a space between
            // kanji and digits).
            let whole = raw.lines().any(|l| squeeze(l).contains(&squeeze(b)));
            assert!(whole, "{name}: building {b} is broken across lines");
        }
        for d in f["departments"].as_sequence().into_iter().flatten() {
            let d = d.as_str().unwrap();
            assert!(
                raw.lines().any(|l| squeeze(l).contains(d)),
                "{name}: department {d} is broken across lines"
            );
        }
    }
    assert!(buildings >= 5);
    for (i, line) in raw.lines().enumerate() {
        let line = line.trim_end();
        assert!(
            !line.ends_with('～'),
            "a time range broken after line {i}: {line}"
        );
    }
}

/// Long lists of departments and sets of hours wrap inside a row; the
/// separators (・ and 、) stay at the end of a line and never begin one
/// (kinsoku), while each department and set of hours stays whole.
#[test]
fn wrapped_lists_never_begin_a_line_with_a_separator() {
    let dir = TempDir::new("pamphlet-kinsoku");
    let root = dir.path().join("book");
    copy_dir(&fixture("pamphlet"), &root);
    let names = [
        "内科",
        "呼吸器内科",
        "リハビリテーション科",
        "皮膚科",
        "眼科",
        "消化器内科",
        "緩和ケア内科",
        "小児科",
        "整形外科",
        "放射線科",
        "循環器内科",
        "泌尿器科",
        "外科",
    ];
    let mut departments = Vec::new();
    for i in 0..16 {
        // A different list for each facility, so that the lines wrap at
        // many different points.
        let list: Vec<&str> = (0..7 + i % 6)
            .map(|k| names[(i * 5 + k * 3) % names.len()])
            .collect();
        let mut list = list;
        list.dedup();
        departments.extend(list.iter().map(|d| d.to_string()));
        std::fs::write(
            root.join(format!("content/facilities/wrap{i:02}.yaml")),
            format!(
                "name: 折返{i}医院\nkana: おりかえし{}いいん\ntype: clinic\narea: south\n\
                 address: {{ postal: 537-0025, city: 大阪市テスト区, line: \"大今里2-{i}-1\" }}\n\
                 phone: 06-0000-2{i:03}\n\
                 hours:\n  - {{ days: 月～金, open: \"09:00\", close: \"12:00\" }}\n\
                 \x20 - {{ days: 月～金, open: \"17:00\", close: \"19:30\" }}\n\
                 \x20 - {{ days: 土, open: \"09:00\", close: \"12:00\" }}\n\
                 \x20 - {{ days: 日, open: \"10:00\", close: \"1{}:00\" }}\n\
                 hours_note: {}\n\
                 departments: [{}]\ncapabilities: [c00]\nverified: 2026-09-15\n",
                "あいうえおかきくけこさしすせそた".chars().nth(i).unwrap(),
                1 + i % 2,
                "祝日は休診".repeat(1 + i % 3),
                list.join(", ")
            ),
        )
        .unwrap();
    }
    let out = dir.path().join("public");
    build(&root, &out);
    let text = pages(&out.join("pamphlet.pdf")).concat();
    let mut wrapped = 0;
    for line in text.lines() {
        let line = line.trim();
        assert!(
            !line.starts_with(['・', '、']),
            "a line begins with a separator: {line}"
        );
        if line.ends_with('・') {
            wrapped += 1;
        }
    }
    // The lists did wrap between departments, or the test shows nothing.
    assert!(wrapped >= 3, "only {wrapped} lines end with ・:\n{text}");
    let raw = raw_pages(&out.join("pamphlet.pdf")).concat();
    for d in &departments {
        assert!(
            raw.lines().any(|l| squeeze(l).contains(d.as_str())),
            "department {d} is broken across lines"
        );
    }
    assert!(raw
        .lines()
        .any(|l| squeeze(l).contains("月～金9:00～12:00・17:00～19:30、")));
}

#[test]
fn a_wrapped_index_entry_is_never_split_between_columns() {
    let dir = TempDir::new("pamphlet-index-columns");
    let root = dir.path().join("book");
    copy_dir(&fixture("pamphlet"), &root);
    // Many names too long for one line of an index column: each entry is
    // two lines, so that the columns of the old index (one paragraph of
    // lines) broke inside entries.
    let kana: Vec<char> = "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめも"
        .chars()
        .collect();
    for i in 0..150 {
        let (a, b) = (kana[i / kana.len()], kana[i % kana.len()]);
        std::fs::write(
            root.join(format!("content/facilities/index{i:03}.yaml")),
            format!(
                "name: 東成区在宅医療介護連携推進{a}{b}記念訪問看護ステーション第{i}事業所\n\
                 kana: ひがしなりく{a}{b}ほうもんかんご\ntype: clinic\narea: south\n\
                 address: {{ postal: 537-0025, city: 大阪市テスト区, line: \"大今里3-{i}-1\" }}\n\
                 phone: 06-0000-3{i:03}\ncapabilities: [c00]\nverified: 2026-09-15\n"
            ),
        )
        .unwrap();
    }
    let out = dir.path().join("public");
    build(&root, &out);
    let pdf = out.join("pamphlet.pdf");
    let texts = pages(&pdf);
    let (width, height, words) = word_boxes(&pdf);
    let mm = 72.0 / 25.4;
    // The index's lines, per page and column: the words between the running
    // header and the page number, by their baseline, left and right of the
    // gutter (in the middle of the text area: the inner margin is 24 mm,
    // the outer 16 mm, and odd pages are bound on the left).
    let mut columns: std::collections::BTreeMap<(usize, bool, i64), Vec<&WordBox>> =
        Default::default();
    for w in &words {
        let page = w.0;
        if section(&texts[page - 1], page) != "索引" || w.2 < 22.0 * mm || w.4 > height - 20.0 * mm
        {
            continue;
        }
        let middle = if page % 2 == 1 { 109.0 } else { 101.0 } * mm;
        columns
            .entry((page, w.1 > middle, (w.4 * 2.0).round() as i64))
            .or_default()
            .push(w);
    }
    let line_text = |ws: &Vec<&WordBox>| {
        let mut ws = ws.clone();
        ws.sort_by(|a, b| a.1.total_cmp(&b.1));
        ws.iter()
            .map(|w| w.5.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut wrapped = 0;
    let mut last: std::collections::BTreeMap<(usize, bool), String> = Default::default();
    for ((page, right, _), ws) in &columns {
        let line = line_text(ws);
        if line.contains("東成区在宅医療介護連携推進")
            && !line.ends_with(|c: char| c.is_ascii_digit())
        {
            wrapped += 1;
        }
        // Keys in order: the last line seen of a column is its bottom one.
        last.insert((*page, *right), line);
    }
    assert!(
        wrapped >= 100,
        "only {wrapped} index entries wrapped; width {width}"
    );
    assert!(last.len() >= 6, "the index has only {} columns", last.len());
    for ((page, right), line) in &last {
        assert!(
            line.ends_with(|c: char| c.is_ascii_digit()),
            "the {} column of page {page} ends inside an entry: {line}",
            if *right { "right" } else { "left" }
        );
    }
}

/// The sample's meetings and windows as written in content/.
fn sample_yaml(folder: &str) -> Vec<serde_yaml::Value> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(repo().join("content").join(folder)).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            out.push(serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap());
        }
    }
    assert!(!out.is_empty(), "no sample {folder}");
    out
}

/// The katakana words of a text (runs of two or more katakana).
fn katakana_words(text: &str) -> Vec<String> {
    let katakana = |c: char| ('ァ'..='ヺ').contains(&c) || c == 'ー';
    text.split(|c: char| !katakana(c))
        .filter(|w| w.chars().count() >= 2)
        .map(str::to_string)
        .collect()
}

#[test]
fn katakana_words_and_listed_participants_stay_on_one_line() {
    let s = sample();
    let raw = s.raw.concat();
    let whole = |w: &str| raw.lines().any(|l| squeeze(l).contains(&squeeze(w)));
    let mut words = Vec::new();
    for m in sample_yaml("meetings") {
        for field in ["name", "participants", "purpose"] {
            words.extend(katakana_words(m[field].as_str().unwrap()));
        }
        // The participants break between their items (医師会長・副会長3名),
        // never inside one that fits the column.
        for item in m["participants"].as_str().unwrap().split('・') {
            if item.chars().count() <= 10 {
                assert!(whole(item), "participant {item} is broken across lines");
            }
        }
    }
    for w in sample_yaml("windows") {
        for field in ["name", "organization", "eligible", "hours_note"] {
            words.extend(katakana_words(w[field].as_str().unwrap_or("")));
        }
        for t in w["topics"].as_sequence().into_iter().flatten() {
            words.extend(katakana_words(t.as_str().unwrap()));
        }
    }
    // The sample has the words the proofread found broken.
    for want in ["ステーション", "コーディネーター", "カンファレンス"] {
        assert!(words.iter().any(|w| w == want), "the sample lacks {want}");
    }
    let broken: Vec<_> = words.iter().filter(|w| !whole(w)).collect();
    assert!(
        broken.is_empty(),
        "katakana words broken across lines: {broken:?}"
    );
}

/// Runs of ink along a line of an image: the x ranges of columns with a dark
/// pixel, split where a column has none. `pgm` is a binary greymap (P5).
fn ink_runs(pgm: &[u8]) -> Vec<(usize, usize)> {
    assert_eq!(&pgm[..2], b"P5", "not a binary greymap");
    let mut fields = Vec::new();
    let mut at = 2;
    while fields.len() < 3 {
        while pgm[at].is_ascii_whitespace() {
            at += 1;
        }
        let start = at;
        while !pgm[at].is_ascii_whitespace() {
            at += 1;
        }
        fields.push(
            std::str::from_utf8(&pgm[start..at])
                .unwrap()
                .parse::<usize>()
                .unwrap(),
        );
    }
    let (w, h) = (fields[0], fields[1]);
    let pixels = &pgm[at + 1..];
    let inked = |x: usize| (0..h).any(|y| pixels[y * w + x] < 128);
    let mut runs = Vec::new();
    let mut start = None;
    for x in 0..=w {
        match (x < w && inked(x), start) {
            (true, None) => start = Some(x),
            (false, Some(s)) => {
                runs.push((s, x));
                start = None;
            }
            _ => {}
        }
    }
    runs
}

#[test]
fn punctuation_marks_in_a_row_stay_apart() {
    // typst closes up two marks in a row by half a full width; in the
    // proportional face, whose marks are already narrow, ）、 then overlap.
    let dir = TempDir::new("pamphlet-punctuation");
    let root = fixture_with(&dir, "");
    let marks = "（（））、「」」、（）・（）。「」、";
    std::fs::write(
        root.join("content/pages/punctuation.md"),
        format!("---\ntitle: 約物\nprint: true\n---\n{marks}\n"),
    )
    .unwrap();
    let out = dir.path().join("public");
    build(&root, &out);
    let pdf = out.join("pamphlet.pdf");
    let (_, _, words) = word_boxes(&pdf);
    let line: Vec<&WordBox> = words.iter().filter(|w| w.5.starts_with("（（")).collect();
    assert_eq!(line.len(), 1, "the line of marks: {line:?}");
    let (page, x0, y0, x1, y1, _) = line[0];
    // The line at 300 dpi, from its word box (in points) and a little around.
    let dpi = 300.0;
    let px = |v: f64| ((v * dpi / 72.0).round() as i64).max(0).to_string();
    let png = Command::new("pdftoppm")
        .args([
            "-gray",
            "-r",
            "300",
            "-f",
            &page.to_string(),
            "-l",
            &page.to_string(),
        ])
        .args(["-x", &px(x0 - 6.0), "-y", &px(y0 - 2.0)])
        .args(["-W", &px(x1 - x0 + 12.0), "-H", &px(y1 - y0 + 4.0)])
        .arg(&pdf)
        .output()
        .expect("pdftoppm runs (Debian package poppler-utils)");
    assert!(png.status.success(), "pdftoppm failed");
    // pdftoppm -gray writes a greymap when given no image format.
    let runs = ink_runs(&png.stdout);
    assert_eq!(
        runs.len(),
        marks.chars().count(),
        "each mark of {marks} should stand apart; ink runs at 300 dpi: {runs:?}"
    );
}

#[test]
fn stale_records_are_marked_with_a_footnote() {
    let s = sample();
    let text = squeeze(&s.raw.concat());
    let mut stale = 0;
    for (name, f) in sample_facilities() {
        let verified = f["verified"]
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| {
                serde_yaml::to_string(&f["verified"])
                    .unwrap()
                    .trim()
                    .to_string()
            });
        // as_of 2026-10-01, stale after 12 months.
        let is_stale = verified.as_str() < "2025-10-01";
        let marked = text.contains(&format!("{}※", squeeze(&name)));
        assert_eq!(marked, is_stale, "{name} (verified {verified})");
        stale += usize::from(is_stale);
    }
    assert!(stale >= 2, "the sample has {stale} stale records");
    assert!(text.contains("※掲載情報の確認が12か月以上前"));
}

/// The fixture with settings added under [pamphlet], and a stale record.
fn fixture_with(dir: &TempDir, settings: &str) -> std::path::PathBuf {
    let root = dir.path().join("book");
    copy_dir(&fixture("pamphlet"), &root);
    let toml = root.join("carebook.toml");
    let base = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(&toml, format!("{base}\n[pamphlet]\n{settings}\n")).unwrap();
    let kaede = root.join("content/facilities/kaede.yaml");
    let text = std::fs::read_to_string(&kaede).unwrap();
    let old = text
        .lines()
        .map(|l| {
            if l.starts_with("verified:") {
                "verified: 2024-01-10"
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&kaede, old).unwrap();
    // A capability after consultation (the third mark).
    let aoba = root.join("content/facilities/aoba.yaml");
    let text = std::fs::read_to_string(&aoba).unwrap();
    std::fs::write(&aoba, format!("{text}consult: [c01]\n")).unwrap();
    root
}

/// A capability offered after consultation (`consult:`) shows the same
/// third mark on the website as in the pamphlet, not 「－ なし」.
#[test]
fn the_third_mark_shows_on_the_website_too() {
    let dir = TempDir::new("pamphlet-consult-site");
    let root = fixture_with(&dir, "");
    let out = dir.path().join("public");
    build(&root, &out);
    let read = |rel: &str| std::fs::read_to_string(out.join(rel)).unwrap();
    // あおば診療所: c00 (訪問診療) yes, c01 (往診) after consultation.
    let page = read("facilities/aoba.html");
    assert!(
        page.contains("<li class=\"consult\"><span class=\"mark\" aria-hidden=\"true\">△</span>往診<span class=\"vh\">：要相談</span></li>"),
        "{page}"
    );
    assert!(page.contains("△ 要相談"), "the note explains the mark");
    let list = read("types/clinic.html");
    let row = list
        .split("<tr role=\"row\">")
        .find(|r| r.contains("あおば診療所"))
        .expect("あおば診療所's row");
    assert!(
        row.contains("data-label=\"往診\" class=\"cap consult\"><span class=\"mark\" aria-hidden=\"true\">△</span><span class=\"vh\">要相談</span>"),
        "{row}"
    );
    assert!(
        list.contains("<span class=\"mark consult\">△</span>要相談"),
        "the legend explains the mark"
    );
    // A facility or a type without such a capability says nothing of it.
    assert!(!read("facilities/kaede.html").contains("要相談"));
    assert!(!read("types/care.html").contains("要相談"));
}

#[test]
fn settings_group_by_area_large_type_omit_stale_and_pdf_a() {
    let dir = TempDir::new("pamphlet-settings");
    let root = fixture_with(
        &dir,
        "group_by = \"area\"\nsize = \"large\"\nstale = \"omit\"\npdf_standard = \"a-2a\"\nedition = \"第2版\"",
    );
    let out = dir.path().join("public");
    build(&root, &out);
    let pdf = out.join("pamphlet.pdf");
    let text = squeeze(&raw_pages(&pdf).concat());
    let kaede = std::fs::read_to_string(root.join("content/facilities/kaede.yaml")).unwrap();
    let kaede_name = kaede
        .lines()
        .find_map(|l| l.strip_prefix("name:"))
        .unwrap()
        .trim();
    assert!(
        !text.contains(&squeeze(kaede_name)),
        "the stale {kaede_name} is printed"
    );
    assert!(text.contains("大きな文字版") && text.contains("第2版"));
    // あおば: c00 and c02, c01 after consultation; the key says what △ is.
    assert!(text.contains("○△○－－－－－－－－－"), "{text}");
    assert!(text.contains("△要相談"), "{text}");
    // One sub-heading per area in the clinic table, 北部 before 南部, with
    // the long name (北部) before あおば (南部) although あ sorts first.
    let north = text.find("北部").unwrap();
    let long = text.find("医療法人社団東成区健康長寿推進会").unwrap();
    let aoba = text.find("あおば診療所").unwrap();
    assert!(north < long && long < aoba, "{north} {long} {aoba}");
    // PDF/A-2a, as typst checked it when writing.
    let meta = poppler("pdfinfo", &["-meta", pdf.to_str().unwrap()]);
    assert!(
        meta.contains("pdfaid:part") && meta.contains(">2<") || meta.contains("pdfaid:part=\"2\""),
        "{meta}"
    );
    assert!(
        meta.contains("pdfaid:conformance")
            && (meta.contains(">A<") || meta.contains("conformance=\"A\"")),
        "{meta}"
    );

    // No bleed: the page is the trim.
    let info = poppler("pdfinfo", &["-box", pdf.to_str().unwrap()]);
    let media = info.lines().find(|l| l.starts_with("MediaBox")).unwrap();
    let trim = info.lines().find(|l| l.starts_with("TrimBox")).unwrap();
    let numbers = |l: &str| l.split_whitespace().skip(1).collect::<Vec<_>>().join(" ");
    assert_eq!(numbers(media), numbers(trim), "{info}");
    assert_eq!(numbers(media), "0.00 0.00 595.28 841.89", "{info}");

    // An area map in the pamphlet folder is placed on the area key.
    let dir2 = TempDir::new("pamphlet-map");
    let root = fixture_with(&dir2, "");
    std::fs::create_dir_all(root.join("pamphlet")).unwrap();
    std::fs::write(
        root.join("pamphlet/area-map.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 100 50\"><rect width=\"100\" height=\"50\" fill=\"#ccc\"/><text x=\"10\" y=\"30\">MAPTEXT</text></svg>",
    )
    .unwrap();
    let out = dir2.path().join("public");
    build(&root, &out);
    let pages = pages(&out.join("pamphlet.pdf"));
    let key = pages
        .iter()
        .find(|p| p.contains("地域と町名"))
        .expect("an area key");
    assert!(key.contains("MAPTEXT"), "{key}");

    // Wrong words are reported at their place, with a did-you-mean.
    let dir = TempDir::new("pamphlet-bad-settings");
    let root = fixture_with(
        &dir,
        "group_by = \"aera\"\nstale = \"hide\"\nsort_ignore_prefixes = [\"医療法人\"]",
    );
    let o = carebook(&["check", "--root", root.to_str().unwrap()]);
    let err = stderr(&o);
    let lines = std::fs::read_to_string(root.join("carebook.toml"))
        .unwrap()
        .lines()
        .count();
    assert!(
        err.contains(&format!(
            "carebook.toml:{}:12: error: pamphlet group_by \"aera\" is not one of kana, area",
            lines - 2
        )),
        "{err}"
    );
    assert!(err.contains("did you mean `area`?"), "{err}");
    assert!(
        err.contains("pamphlet stale \"hide\" is not one of mark, omit, show"),
        "{err}"
    );
    assert!(
        err.contains("sort_ignore_prefixes: \"医療法人\" is not a reading in kana"),
        "{err}"
    );
}

#[test]
fn corporate_prefixes_do_not_decide_the_order() {
    let dir = TempDir::new("pamphlet-prefixes");
    let out = dir.path().join("public");
    build(&fixture("pamphlet"), &out);
    let pages = pages(&out.join("pamphlet.pdf"));
    let index = pages
        .iter()
        .find(|p| p.contains("索引") && p.contains("医療法人社団"))
        .unwrap();
    // 医療法人社団東成区… is read ひがしなりく…: under は, not あ.
    let lines: Vec<&str> = index.lines().map(str::trim).collect();
    let ha = lines.iter().position(|l| *l == "は").expect("a は heading");
    let long = lines
        .iter()
        .position(|l| l.starts_with("医療法人社団"))
        .unwrap();
    assert!(long > ha, "{index}");
}
