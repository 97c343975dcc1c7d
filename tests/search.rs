//! `carebook search` over the index `carebook build` writes: the recall
//! cases Japanese users need, filters, ranking ties, and clear errors.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;

struct Built {
    _tmp: TempDir,
    index: PathBuf,
}

fn built(root: &Path, name: &str) -> Built {
    let tmp = TempDir::new(name);
    let out = tmp.path().join("site");
    build(root, &out);
    Built {
        index: index_of(&out),
        _tmp: tmp,
    }
}

/// Ids of the results, in order.
fn search(b: &Built, args: &[&str]) -> Vec<String> {
    hits(b, args)
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_string())
        .collect()
}

fn hits(b: &Built, args: &[&str]) -> Vec<Value> {
    let mut all = vec![
        "search",
        "--json",
        "--limit",
        "50",
        "--index",
        b.index.to_str().unwrap(),
    ];
    all.extend_from_slice(args);
    let o = carebook(&all);
    assert!(o.status.success(), "search {args:?} failed: {}", stderr(&o));
    serde_json::from_slice::<Vec<Value>>(&o.stdout).expect("JSON results")
}

#[test]
fn recall_cases_hold() {
    let b = built(&fixture("search"), "search-recall");
    // width and script folding
    assert_eq!(search(&b, &["０６"]), search(&b, &["06"]));
    assert!(!search(&b, &["06"]).is_empty());
    let sakura = search(&b, &["さくら"]);
    assert_eq!(sakura, vec!["sakura"]);
    assert_eq!(search(&b, &["サクラ"]), sakura);
    assert_eq!(search(&b, &["ｻｸﾗ"]), sakura);
    assert_eq!(search(&b, &["ｸﾘﾆｯｸ"]), search(&b, &["クリニック"]));
    assert_eq!(search(&b, &["クリニック"]).len(), 2);
    // a phone number with any dash, or none, or only its last groups
    for q in [
        "06-6975-1234",
        "06−6975−1234",
        "06‐6975‐1234",
        "06ー6975ー1234",
        "0669751234",
        "6975-1234",
    ] {
        assert_eq!(search(&b, &[q]), vec!["shinkansen"], "query {q}");
    }
    // the digits of a number are one precise term
    assert_eq!(search(&b, &["6975-2000"]), vec!["kansen"]);
    assert_eq!(search(&b, &["06-6975"]).len(), 5);
    // a three-kanji word finds only records that contain it
    assert_eq!(search(&b, &["新幹線"]), vec!["shinkansen"]);
    // ...even when its bigrams are all in a record, apart
    // (kanazawa: 木曜・土曜午後 has 木曜, 曜午 and 午後)
    assert_eq!(search(&b, &["木曜午後"]), vec!["sakura"]);
    let mut saturday = search(&b, &["土曜午後"]);
    saturday.sort();
    assert_eq!(saturday, vec!["kanazawa"]);
    // a particle does not become a required term
    assert_eq!(
        search(&b, &["東成区の訪問看護"]),
        search(&b, &["東成区", "訪問看護"])
    );
    assert_eq!(search(&b, &["東成区の訪問看護"]).len(), 2);
    // a kana reading finds stations whatever the script it is kept in
    let mut stations = search(&b, &["ほうもんかんご"]);
    stations.sort();
    assert_eq!(stations, vec!["himawari", "sakura"]);
    // a capability label finds the records that have it
    let mut mitori = search(&b, &["看取り"]);
    mitori.sort();
    assert_eq!(mitori, vec!["himawari", "shinkansen"]);
    // words are ANDed
    assert_eq!(search(&b, &["看取り", "ひまわり"]), vec!["himawari"]);
    assert!(search(&b, &["看取り", "金沢"]).is_empty());
}

#[test]
fn filters_restrict_results() {
    let b = built(&fixture("search"), "search-filters");
    let mut clinics = search(&b, &["--type", "clinic"]);
    clinics.sort();
    assert_eq!(clinics, vec!["kanazawa", "kansen", "shinkansen"]);
    assert_eq!(
        search(&b, &["クリニック", "--area", "south"]),
        vec!["kansen"]
    );
    assert_eq!(
        search(&b, &["--cap", "end_of_life", "--cap", "on_call_24h"]),
        vec!["himawari"]
    );
    let mut any_area = search(&b, &["訪問看護", "--area", "north", "--area", "south"]);
    any_area.sort();
    assert_eq!(any_area, vec!["himawari", "sakura"]);
    assert!(search(&b, &["--type", "nursing", "--cap", "home_visit"]).is_empty());
}

#[test]
fn results_carry_what_a_professional_needs_and_ties_keep_kana_order() {
    let b = built(&fixture("search"), "search-display");
    let h = hits(&b, &["ひまわり"]);
    assert_eq!(h.len(), 1);
    assert_eq!(h[0]["name"], "ひまわり訪問看護ステーション");
    assert_eq!(h[0]["type"], "訪問看護ステーション");
    assert_eq!(h[0]["area"], "北部");
    assert_eq!(h[0]["phone"], "06-6975-3000");
    assert_eq!(h[0]["url"], "facilities/himawari.html");
    assert_eq!(h[0]["caps"], serde_json::json!(["看取り", "24時間対応"]));
    // filter-only queries score 0 everywhere: guidebook (五十音) order
    assert_eq!(
        search(&b, &["--type", "clinic"]),
        vec!["shinkansen", "kanazawa", "kansen"]
    );
    // plain text output lists name, type and area, phone and URL
    let o = carebook(&["search", "ひまわり", "--index", b.index.to_str().unwrap()]);
    let text = stdout(&o);
    assert!(
        text.contains("1. ひまわり訪問看護ステーション（訪問看護ステーション・北部）"),
        "{text}"
    );
    assert!(
        text.contains("06-6975-3000") && text.contains("facilities/himawari.html"),
        "{text}"
    );
}

#[test]
fn sample_guidebook_searches_every_record_kind() {
    let b = built(&repo(), "search-sample");
    let h = hits(&b, &["看取り", "--type", "clinic"]);
    assert!(h.len() >= 3, "{h:?}");
    for r in &h {
        assert!(
            r["caps"].as_array().unwrap().iter().any(|c| c == "看取り"),
            "{r}"
        );
    }
    // (the free page about the room may come first: pages are searched too)
    let room = hits(&b, &["相談支援室"]);
    let first_record = room.iter().find(|h| h["kind"] != "page").unwrap();
    assert_eq!(first_record["kind"], "window");
    assert!(room.iter().any(|h| h["kind"] == "page"), "{room:?}");
    assert_eq!(hits(&b, &["病院連絡会"])[0]["kind"], "meeting");
    // internal notes are not searchable
    assert!(hits(&b, &["院長携帯"]).is_empty());
}

#[test]
fn a_missing_or_foreign_index_says_to_build() {
    let tmp = TempDir::new("search-missing");
    let o = carebook(&[
        "search",
        "看取り",
        "--index",
        tmp.path().join("nowhere").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("no search index at") && stderr(&o).contains("carebook build"),
        "{}",
        stderr(&o)
    );

    let b = built(&fixture("search"), "search-version");
    let manifest = b.index.join("carebook-index.json");
    let mut m: Value = serde_json::from_slice(&std::fs::read(&manifest).unwrap()).unwrap();
    m["format"] = 999.into();
    std::fs::write(&manifest, m.to_string()).unwrap();
    let o = carebook(&["search", "看取り", "--index", b.index.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("incompatible carebook version"),
        "{}",
        stderr(&o)
    );
}

/// The inode of a file (the same file, not only the same bytes).
#[cfg(unix)]
fn inode(p: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(p).unwrap().ino()
}

#[cfg(unix)]
#[test]
fn a_rebuild_keeps_indexes_made_from_the_same_records_and_remakes_changed_ones() {
    let tmp = TempDir::new("search-keep");
    let root = tmp.path().join("guidebook");
    copy_dir(&fixture("search"), &root);
    let out = tmp.path().join("site");
    let index = index_of(&out);
    build(&root, &out);
    let meta = out.join("search/meta.js");
    let manifest = index.join("carebook-index.json");
    let (meta_before, manifest_before) = (inode(&meta), inode(&manifest));

    // Nothing searchable changed: both indexes are the files they were.
    build(&root, &out);
    assert_eq!(inode(&meta), meta_before, "browser index rewritten");
    assert_eq!(inode(&manifest), manifest_before, "tantivy index rewritten");
    let b = Built {
        _tmp: TempDir::new("search-keep-unused"),
        index: index.clone(),
    };
    assert_eq!(search(&b, &["ひまわり"]), vec!["himawari"]);

    // A record changed: both are made again, and find the new text.
    let yaml = root.join("content/facilities/himawari.yaml");
    let text = std::fs::read_to_string(&yaml).unwrap();
    std::fs::write(&yaml, text.replace("ひまわり訪問看護", "あさがお訪問看護")).unwrap();
    build(&root, &out);
    assert_ne!(inode(&meta), meta_before, "browser index kept");
    assert_ne!(inode(&manifest), manifest_before, "tantivy index kept");
    let h = hits(&b, &["あさがお"]);
    assert_eq!(h.len(), 1);
    assert_eq!(h[0]["name"], "あさがお訪問看護ステーション");
    let shards = std::fs::read_dir(out.join("search/t")).unwrap();
    let browser_has_it = shards
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .any(|s| s.contains("\"あさ\""));
    assert!(browser_has_it, "the browser index lacks the new name");
}
