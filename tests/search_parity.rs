//! The browser's search code (the site's own `static/search.js`, run by
//! Node over the built `search/` files) and `carebook search --json` return
//! the same records in the same order for the top ten, over many queries.
//! Needs `node` (installed by .ci/run); fails if it is missing.

mod common;

use std::process::Command;

use common::*;
use serde_json::{json, Value};

/// (query, type filters, area filters, capability filters)
type Case = (
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    &'static [&'static str],
);

const QUERIES: &[Case] = &[
    ("看取り", &[], &[], &[]),
    ("看取り", &["clinic"], &[], &[]),
    ("看取り", &["clinic", "nursing"], &["north"], &[]),
    ("訪問診療", &[], &[], &[]),
    ("訪問看護", &[], &[], &[]),
    ("ほうもんかんご", &[], &[], &[]),
    ("ホウモンカンゴ", &[], &[], &[]),
    ("ｸﾘﾆｯｸ", &[], &[], &[]),
    ("クリニック", &[], &["south"], &[]),
    ("内科", &[], &[], &[]),
    ("歯科", &[], &[], &[]),
    ("薬局", &[], &[], &["sterile"]),
    ("無菌", &[], &[], &[]),
    ("麻薬", &["pharmacy"], &[], &[]),
    ("24時間", &[], &[], &[]),
    ("２４時間対応", &[], &[], &[]),
    ("東成区の訪問看護", &[], &[], &[]),
    ("東成区 訪問看護", &[], &[], &[]),
    ("相談", &[], &[], &[]),
    ("相談支援室", &[], &[], &[]),
    ("連絡会", &[], &[], &[]),
    ("病院", &[], &[], &[]),
    ("退院支援", &[], &[], &[]),
    ("中道", &[], &[], &[]),
    ("大今里", &[], &[], &[]),
    ("06-0000-2000", &[], &[], &[]),
    ("0600002000", &[], &[], &[]),
    ("０６", &[], &[], &[]),
    ("537-0025", &[], &[], &[]),
    ("ケアマネジャー", &[], &[], &[]),
    ("認知症", &[], &[], &[]),
    ("リハビリ", &["nursing"], &[], &[]),
    ("胃ろう", &[], &[], &[]),
    ("在宅", &[], &[], &[]),
    ("北部", &[], &[], &[]),
    ("", &["hospital"], &[], &[]),
    ("", &[], &["north"], &["home_visit"]),
    ("", &["window"], &[], &[]),
    ("会議", &["meeting"], &[], &[]),
    ("存在しないことば", &[], &[], &[]),
];

#[test]
fn browser_and_cli_rank_the_same() {
    let tmp = TempDir::new("parity");
    let out = tmp.path().join("site");
    build(&repo(), &out);
    let index = index_of(&out);

    let list: Vec<Value> = QUERIES
        .iter()
        .map(|(q, t, a, c)| json!({"q": q, "filters": {"type": t, "area": a, "cap": c}}))
        .collect();
    let qfile = tmp.path().join("queries.json");
    std::fs::write(&qfile, serde_json::to_vec(&list).unwrap()).unwrap();
    let node = Command::new("node")
        .arg(repo().join("tests/js/run_search.js"))
        .arg(&out)
        .arg(&qfile)
        .output()
        .expect("node not found: install Node.js (apt-get install nodejs), as .ci/run does");
    assert!(
        node.status.success(),
        "{}",
        String::from_utf8_lossy(&node.stderr)
    );
    let browser: Vec<Vec<String>> = serde_json::from_slice(&node.stdout).unwrap();
    assert_eq!(browser.len(), QUERIES.len());

    let mut nonempty = 0;
    for ((q, t, a, c), from_browser) in QUERIES.iter().zip(&browser) {
        let mut args: Vec<String> = vec![
            "search".into(),
            "--json".into(),
            "--limit".into(),
            "10".into(),
            "--index".into(),
            index.display().to_string(),
        ];
        if !q.is_empty() {
            args.push((*q).into());
        }
        for (flag, vals) in [("--type", t), ("--area", a), ("--cap", c)] {
            for v in vals.iter() {
                args.push(flag.into());
                args.push((*v).into());
            }
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = carebook(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        let hits: Vec<Value> = serde_json::from_slice(&o.stdout).unwrap();
        let from_cli: Vec<String> = hits
            .iter()
            .map(|h| {
                format!(
                    "{}:{}",
                    h["kind"].as_str().unwrap(),
                    h["id"].as_str().unwrap()
                )
            })
            .collect();
        assert_eq!(
            &from_cli, from_browser,
            "query {q:?} type {t:?} area {a:?} cap {c:?}"
        );
        if !from_cli.is_empty() {
            nonempty += 1;
        }
    }
    assert!(nonempty >= 30, "only {nonempty} queries found anything");
}
