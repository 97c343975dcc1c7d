//! What search engines and machines read from the built sample: every
//! JSON-LD block parses and says what its record says, every page names its
//! canonical address, the sitemap dates pages by their records' `verified`,
//! and a sample guidebook asks not to be indexed.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::*;
use serde_json::Value;
use serde_yaml::Value as Yaml;

const BASE: &str = "https://example.org/guidebook/";

/// Every record file of a kind in the sample, by id, as YAML.
fn records(folder: &str) -> BTreeMap<String, Yaml> {
    let mut out = BTreeMap::new();
    for e in walkdir::WalkDir::new(repo().join("content").join(folder)) {
        let e = e.unwrap();
        if !e.file_type().is_file() {
            continue;
        }
        let text = std::fs::read_to_string(e.path()).unwrap();
        let yaml = if e.path().extension().is_some_and(|x| x == "md") {
            text.split("---").nth(1).unwrap().to_string()
        } else {
            text
        };
        let v: Yaml = serde_yaml::from_str(&yaml).unwrap();
        let id = e.path().file_stem().unwrap().to_string_lossy().into_owned();
        out.insert(id, v);
    }
    out
}

fn s(v: &Yaml, key: &str) -> String {
    match &v[key] {
        Yaml::String(s) => s.clone(),
        Yaml::Null => String::new(),
        other => serde_yaml::to_string(other).unwrap().trim().to_string(),
    }
}

/// +81-6-0000-1234 for 06-0000-1234.
fn international(phone: &str) -> String {
    format!("+81-{}", phone.strip_prefix('0').unwrap())
}

fn jsonld(html: &str) -> Vec<Value> {
    html.split("<script type=\"application/ld+json\">")
        .skip(1)
        .map(|b| {
            let text = b.split("</script>").next().unwrap();
            serde_json::from_str(text)
                .unwrap_or_else(|e| panic!("JSON-LD does not parse ({e}): {text}"))
        })
        .collect()
}

fn page(out: &Path, rel: &str) -> String {
    std::fs::read_to_string(out.join(rel)).unwrap()
}

#[test]
fn json_ld_says_what_the_records_say() {
    let tmp = TempDir::new("structured");
    let out = tmp.path().join("site");
    build(&repo(), &out);
    let cfg: toml::Value =
        toml::from_str(&std::fs::read_to_string(repo().join("carebook.toml")).unwrap()).unwrap();
    let schema_of: BTreeMap<String, String> = cfg["types"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["key"].as_str().unwrap().into(),
                t["schema"].as_str().unwrap().into(),
            )
        })
        .collect();

    let facilities = records("facilities");
    assert!(facilities.len() >= 40);
    for (id, f) in &facilities {
        let rel = format!("facilities/{id}.html");
        let blocks = jsonld(&page(&out, &rel));
        assert_eq!(blocks.len(), 1, "{rel}");
        let v = &blocks[0];
        let want_type = match s(f, "schema") {
            t if !t.is_empty() => t,
            _ => schema_of[&s(f, "type")].clone(),
        };
        assert_eq!(v["@type"], want_type.as_str(), "{rel}");
        assert_eq!(v["@context"], "https://schema.org");
        assert_eq!(v["@id"], format!("{BASE}{rel}#facility").as_str());
        assert_eq!(v["mainEntityOfPage"], format!("{BASE}{rel}").as_str());
        assert_eq!(v["name"], s(f, "name").as_str(), "{rel}");
        assert_eq!(
            v["telephone"],
            international(&s(f, "phone")).as_str(),
            "{rel}"
        );
        if !s(f, "fax").is_empty() {
            assert_eq!(
                v["faxNumber"],
                international(&s(f, "fax")).as_str(),
                "{rel}"
            );
        }
        let url = s(f, "url");
        let want_url = if url.is_empty() {
            format!("{BASE}{rel}")
        } else {
            url
        };
        assert_eq!(v["url"], want_url.as_str(), "{rel}");
        assert_eq!(
            v["address"]["postalCode"],
            s(&f["address"], "postal").as_str()
        );
        // The page still shows the number as written.
        assert!(page(&out, &rel).contains(&s(f, "phone")), "{rel}");
    }

    let windows = records("windows");
    for (id, w) in &windows {
        let rel = format!("windows/{id}.html");
        let v = &jsonld(&page(&out, &rel))[0];
        let want_type = match s(w, "schema") {
            t if !t.is_empty() => t,
            _ => "Organization".into(),
        };
        assert_eq!(v["@type"], want_type.as_str(), "{rel}");
        assert_eq!(v["name"], s(w, "name").as_str());
        assert_eq!(
            v["parentOrganization"]["name"],
            s(w, "organization").as_str()
        );
        let point = &v["contactPoint"];
        assert_eq!(point["@type"], "ContactPoint");
        assert_eq!(
            point["telephone"],
            international(&s(w, "phone")).as_str(),
            "{rel}"
        );
        assert!(
            point["hoursAvailable"]
                .as_array()
                .is_some_and(|h| !h.is_empty()),
            "{rel}"
        );
        if w["address"].is_mapping() {
            assert_eq!(v["address"]["@type"], "PostalAddress", "{rel}");
        }
    }
    // The ward office says it is one; the support centres, run by
    // social-welfare corporations, do not.
    assert_eq!(
        jsonld(&page(&out, "windows/kuyakusho.html"))[0]["@type"],
        "GovernmentOffice"
    );
    assert_eq!(
        jsonld(&page(&out, "windows/hokubu-houkatsu.html"))[0]["@type"],
        "Organization"
    );

    let meetings = records("meetings");
    for (id, m) in &meetings {
        let rel = format!("meetings/{id}.html");
        let v = &jsonld(&page(&out, &rel))[0];
        assert_eq!(v["@type"], "Event", "{rel}");
        assert_eq!(v["name"], s(m, "name").as_str());
        assert_eq!(v["description"], s(m, "purpose").as_str());
        let organizer = s(m, "organizer");
        if organizer.is_empty() {
            assert!(v.get("organizer").is_none(), "{rel}");
        } else {
            assert_eq!(v["organizer"]["name"], organizer.as_str(), "{rel}");
        }
    }
}

#[test]
fn pages_name_their_canonical_address_and_the_sitemap_dates_them() {
    let tmp = TempDir::new("canonical");
    let out = tmp.path().join("site");
    build(&repo(), &out);
    let files = tree(&out);
    let mut pages = 0;
    for (rel, data) in &files {
        if !rel.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8_lossy(data);
        // The sample guidebook asks not to be indexed, on every page.
        assert!(
            html.contains("<meta name=\"robots\" content=\"noindex, nofollow\">"),
            "{rel}"
        );
        if rel == "404.html" {
            assert!(!html.contains("rel=\"canonical\""));
            continue;
        }
        let want = if rel == "index.html" {
            BASE.to_string()
        } else {
            format!("{BASE}{rel}")
        };
        assert!(
            html.contains(&format!("<link rel=\"canonical\" href=\"{want}\">")),
            "{rel} lacks its canonical link"
        );
        pages += 1;
    }
    assert!(pages > 60, "{pages}");
    let robots = String::from_utf8_lossy(&files["robots.txt"]);
    assert!(robots.contains("Disallow: /"), "{robots}");
    let sitemap = String::from_utf8_lossy(&files["sitemap.xml"]);
    for (id, f) in records("facilities") {
        let entry = format!(
            "<loc>{BASE}facilities/{id}.html</loc><lastmod>{}</lastmod>",
            s(&f, "verified")
        );
        assert!(sitemap.contains(&entry), "sitemap lacks {entry}");
    }
}
