//! The built sample site in a real browser: Debian's chromium, headless,
//! opening pages from disk (file://). Checks that pages render without
//! console errors and reflow without horizontal scrolling at 200 % zoom on
//! a 640 px window, i.e. 320 CSS px (WCAG's reflow width; headless chromium
//! will not make a window narrower than 500 px, so the zoom is CSS `zoom`).
//!
//! Needs /usr/bin/chromium (installed by .ci/run); fails if it is missing.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

fn chromium() -> PathBuf {
    let candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];
    candidates
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .expect(
        "chromium not found: install Debian's chromium (apt-get install chromium), as .ci/run does",
    )
}

/// Headless chromium with a fresh profile (kept alive by the returned dir)
/// and no network of its own. It sets Japanese in the theme's BIZ
/// UDPGothic, the first font style.css names (the machine may have no
/// Japanese font), so that printed pages break where readers' do.
fn headless(profile_name: &str) -> (Command, TempDir) {
    let profile = TempDir::new(profile_name);
    let fonts = profile.path().join("fonts.conf");
    std::fs::write(
        &fonts,
        format!(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE fontconfig SYSTEM \"fonts.dtd\">\n<fontconfig>\n  \
             <include ignore_missing=\"yes\">/etc/fonts/fonts.conf</include>\n  \
             <dir>{}</dir>\n  <cachedir>{}</cachedir>\n</fontconfig>\n",
            repo().join("themes/default/pamphlet/fonts").display(),
            profile.path().join("fontcache").display()
        ),
    )
    .unwrap();
    let mut cmd = Command::new(chromium());
    cmd.env("FONTCONFIG_FILE", &fonts);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
    ])
    .arg(format!("--user-data-dir={}", profile.path().display()));
    (cmd, profile)
}

/// Loads `page` at the given width and returns (DOM, console output).
fn load(page: &Path, width: u32) -> (String, String) {
    let (mut cmd, _profile) = headless(&format!(
        "chromium-profile-{width}-{}",
        page.file_stem().unwrap().to_string_lossy()
    ));
    let o = cmd
        .args([
            "--enable-logging=stderr",
            "--v=0",
            &format!("--window-size={width},900"),
            "--virtual-time-budget=2000",
            "--dump-dom",
        ])
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("run chromium");
    assert!(
        o.status.success(),
        "chromium failed on {}: {}",
        page.display(),
        String::from_utf8_lossy(&o.stderr)
    );
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// A copy of a page that records, in the DOM, whether it overflows sideways.
/// The probe is a script and a style sheet of their own beside the page, as
/// the pages' Content-Security-Policy allows no inline ones.
fn with_probe(page: &Path) -> PathBuf {
    let html = std::fs::read_to_string(page).unwrap();
    let dir = page.parent().unwrap();
    std::fs::write(
        dir.join("probe.js"),
        "addEventListener('load',()=>{const d=document.documentElement;document.body.setAttribute('data-probe',`scroll=${d.scrollWidth};view=${d.clientWidth}`)})",
    )
    .unwrap();
    std::fs::write(dir.join("probe.css"), "html{zoom:2}").unwrap();
    let html = html
        .replacen(
            "</head>",
            "<link rel=\"stylesheet\" href=\"probe.css\"></head>",
            1,
        )
        .replacen("</body>", "<script src=\"probe.js\"></script></body>", 1);
    let copy = page.with_file_name(format!(
        "probe-{}",
        page.file_name().unwrap().to_string_lossy()
    ));
    std::fs::write(&copy, html).unwrap();
    copy
}

#[test]
fn sample_pages_render_and_reflow_on_a_narrow_screen() {
    let tmp = TempDir::new("browser");
    let out = tmp.path().join("site");
    build(&repo(), &out);
    let out = out.canonicalize().unwrap();
    let pages = [
        "index.html",
        "types/clinic.html",
        "types/pharmacy.html",
        "areas/north.html",
        "facilities/higashinari-naika-clinic.html",
        "windows.html",
        "windows/soudan-shienshitsu.html",
        "meetings.html",
        "pages/how-to-use.html",
    ];
    for rel in pages {
        let page = out.join(rel);
        assert!(page.exists(), "{rel} was not built");
        let (dom, console) = load(&with_probe(&page), 640);
        assert!(
            dom.contains("<main"),
            "{rel}: no <main> in the rendered DOM"
        );
        assert!(
            !console.contains("Uncaught"),
            "{rel}: script error:\n{console}"
        );
        assert!(
            !console.contains("Failed to load resource"),
            "{rel}: missing resource:\n{console}"
        );
        let probe = dom
            .split("data-probe=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap_or_else(|| panic!("{rel}: probe did not run"));
        let nums: Vec<u32> = probe
            .split(';')
            .map(|kv| kv.split('=').nth(1).unwrap().parse().unwrap())
            .collect();
        assert!(
            nums[0] <= nums[1],
            "{rel}: scrolls sideways at 200% zoom on 640px ({probe})"
        );
    }
}

/// Prints `page` to PDF with chromium, as a reader's print button would.
fn print_to_pdf(page: &Path, pdf: &Path) {
    let (mut cmd, _profile) = headless(&format!(
        "chromium-print-{}",
        page.file_stem().unwrap().to_string_lossy()
    ));
    let o = cmd
        .args([
            "--no-pdf-header-footer".to_string(),
            format!("--print-to-pdf={}", pdf.display()),
        ])
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("run chromium");
    assert!(
        o.status.success() && pdf.is_file(),
        "chromium could not print {}: {}",
        page.display(),
        String::from_utf8_lossy(&o.stderr)
    );
}

fn poppler(tool: &str, args: &[&str]) -> String {
    let o = Command::new(tool).args(args).output().unwrap_or_else(|e| {
        panic!("cannot run {tool} ({e}): install poppler-utils, as .ci/run does")
    });
    assert!(o.status.success(), "{tool} failed");
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn pages_print_on_a4_without_navigation() {
    let tmp = TempDir::new("print");
    let out = tmp.path().join("site");
    build(&repo(), &out);
    let out = out.canonicalize().unwrap();
    for rel in [
        "types/clinic.html",
        "windows/soudan-shienshitsu.html",
        "search.html",
    ] {
        let pdf = tmp.path().join(rel.replace('/', "-") + ".pdf");
        print_to_pdf(&out.join(rel), &pdf);
        let info = poppler("pdfinfo", &[pdf.to_str().unwrap()]);
        assert!(info.contains("(A4)"), "{rel} is not printed on A4:\n{info}");
        let text = poppler("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"]);
        // The menu, the search box and the skip link are screen-only.
        for screen_only in ["本文へ移動", "施設・相談窓口を検索", "種類別", "地域別"]
        {
            assert!(!text.contains(screen_only), "{rel} prints {screen_only:?}");
        }
        assert!(
            text.contains("東成区在宅医療・介護連携ガイドブック"),
            "{rel}: {text}"
        );
    }
    // Links to other sites print their address.
    let pdf = tmp.path().join("window.pdf");
    print_to_pdf(&out.join("windows/soudan-shienshitsu.html"), &pdf);
    let text = poppler("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    assert!(text.contains("https://example.jp/soudan/"), "{text}");
}

/// Coordinators fax a facility's page: each prints on one A4 sheet, the
/// longest too (the ○/－ key is not left alone on a second page).
#[test]
fn facility_pages_print_on_one_a4_page() {
    let tmp = TempDir::new("print-facilities");
    let out = tmp.path().join("site");
    build(&repo(), &out);
    let out = out.canonicalize().unwrap();
    let mut pages: Vec<(usize, String)> = std::fs::read_dir(out.join("facilities"))
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            (
                std::fs::metadata(&p).unwrap().len() as usize,
                p.file_name().unwrap().to_string_lossy().into_owned(),
            )
        })
        .collect();
    assert!(pages.len() > 20, "only {} facility pages", pages.len());
    // the longest page first: if one spills, it is this one
    pages.sort_by(|a, b| b.cmp(a));
    let mut spilled = Vec::new();
    for (_, name) in &pages {
        let pdf = tmp.path().join(format!("{name}.pdf"));
        print_to_pdf(&out.join("facilities").join(name), &pdf);
        let info = poppler("pdfinfo", &[pdf.to_str().unwrap()]);
        assert!(
            info.contains("(A4)"),
            "{name} is not printed on A4:\n{info}"
        );
        let count: usize = info
            .lines()
            .find_map(|l| l.strip_prefix("Pages:"))
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or_else(|| panic!("no page count in pdfinfo's answer:\n{info}"));
        if count != 1 {
            spilled.push(format!("{name}: {count} pages"));
        }
    }
    assert!(
        spilled.is_empty(),
        "facility pages that do not print on one A4 page: {spilled:?}"
    );
}
