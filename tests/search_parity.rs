//! The browser's search code (the site's own `static/search.js`, run by
//! Node over the built `search/` files) and `carebook search --json` return
//! the same records in the same order, over many queries: the top ten on
//! the sample guidebook, and the top 10 and 45 on a synthetic guidebook of
//! 10,000 facilities whose postings span many blocks and pages, so that
//! reading stops early, reads on, and looks documents up in pages. Needs `node` (installed by .ci/run) and the `synth`
//! example (built by `cargo test`); fails if either is missing.

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use serde_json::{json, Value};

/// Index files loaded for one query: how many of each kind, and the paths
/// of the postings files (b/, r/, q/).
type Loaded = (HashMap<String, u64>, Vec<String>);

/// (query, type filters, area filters, capability filters)
type Case = (
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    &'static [&'static str],
);

const QUERIES: &[Case] = &[
    ("看取り", &[], &[], &[]),
    // everyday words, readings and a named type (src/search/expand.rs)
    ("訪看", &[], &[], &[]),
    ("ケアマネ", &[], &[], &[]),
    ("ｹｱﾏﾈ 北部", &[], &[], &[]),
    ("歯医者", &[], &[], &[]),
    ("みとり", &[], &[], &[]),
    ("ミトリ", &["clinic"], &[], &[]),
    ("ほうもんしんりょう", &[], &[], &[]),
    ("包括", &[], &[], &[]),
    ("人生会議", &[], &[], &[]),
    ("薬局", &["pharmacy", "window"], &[], &[]),
    ("訪問看護", &[], &["north"], &["on_call_24h"]),
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

/// Synthetic queries: common words (long lists), phrases, two words,
/// filters that keep a small share of the records.
const SYNTH_QUERIES: &[Case] = &[
    ("訪問看護", &[], &[], &[]),
    ("訪問看護 看取り", &[], &[], &[]),
    ("訪問看護 看取り", &[], &["nakamoto"], &[]),
    ("地域包括支援センター", &[], &["tamatsu"], &[]),
    ("クリニック 往診", &[], &[], &[]),
    ("看取り", &["clinic"], &["nakamichi"], &[]),
    ("薬局 無菌調剤", &[], &[], &[]),
    ("クリニック", &[], &[], &[]),
    ("地域包括支援センター", &[], &[], &[]),
    ("24時間対応", &["nursing"], &["fukaekita"], &[]),
    ("訪問診療", &[], &["tamatsu"], &[]),
    ("歯科 口腔ケア", &[], &[], &[]),
    ("内科", &[], &[], &["end_of_life"]),
    ("ほうもんかんご", &[], &[], &[]),
    ("大阪市東成区", &[], &[], &[]),
    ("木曜午後", &[], &[], &[]),
    ("06", &[], &[], &[]),
    // Filters that allow many of the word's best records: their rows come
    // from its top file.
    ("往診", &["clinic"], &[], &[]),
    ("中道", &["pharmacy"], &[], &[]),
    (
        "認知症",
        &["hospital", "clinic"],
        &["kamiji", "oimazato"],
        &[],
    ),
];

/// Runs the browser search over `cases` (each for its top `k`) and the CLI,
/// and compares. Returns how many found something, and per case what the
/// browser loaded: how many index files of each kind, and which postings
/// files.
fn compare(site: &Path, cases: &[Case], k: usize) -> (usize, Vec<Loaded>) {
    let index = index_of(site);
    let list: Vec<Value> = cases
        .iter()
        .map(|(q, t, a, c)| json!({"q": q, "k": k, "filters": {"type": t, "area": a, "cap": c}}))
        .collect();
    let qfile = site.with_extension("queries.json");
    std::fs::write(&qfile, serde_json::to_vec(&list).unwrap()).unwrap();
    let node = Command::new("node")
        .arg(repo().join("tests/js/run_search.js"))
        .arg(site)
        .arg(&qfile)
        .output()
        .expect("node not found: install Node.js (apt-get install nodejs), as .ci/run does");
    assert!(
        node.status.success(),
        "{}",
        String::from_utf8_lossy(&node.stderr)
    );
    let browser: Vec<Value> = serde_json::from_slice(&node.stdout).unwrap();
    assert_eq!(browser.len(), cases.len());

    let mut nonempty = 0;
    let mut loads = Vec::new();
    for ((q, t, a, c), from_browser) in cases.iter().zip(&browser) {
        loads.push((
            serde_json::from_value(from_browser["loads"].clone()).unwrap(),
            serde_json::from_value(from_browser["paths"].clone()).unwrap(),
        ));
        let mut args: Vec<String> = vec![
            "search".into(),
            "--json".into(),
            "--limit".into(),
            "1000000".into(),
            "--index".into(),
            index.display().to_string(),
        ];
        for (flag, vals) in [("--type", t), ("--area", a), ("--cap", c)] {
            for v in vals.iter() {
                args.push(flag.into());
                args.push((*v).into());
            }
        }
        if !q.is_empty() {
            args.push("--".into());
            args.push((*q).into());
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = carebook(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        let hits: Vec<Value> = serde_json::from_slice(&o.stdout).unwrap();
        let from_cli: Vec<String> = hits
            .iter()
            .take(k)
            .map(|h| {
                format!(
                    "{}:{}",
                    h["kind"].as_str().unwrap(),
                    h["id"].as_str().unwrap()
                )
            })
            .collect();
        let what = format!("query {q:?} type {t:?} area {a:?} cap {c:?}, top {k}");
        let top: Vec<String> = serde_json::from_value(from_browser["top"].clone()).unwrap();
        assert_eq!(from_cli, top, "{what}");
        // A count the browser gives is exact.
        if let Some(total) = from_browser["total"].as_u64() {
            assert_eq!(total as usize, hits.len(), "{what}: total");
        }
        if !from_cli.is_empty() {
            nonempty += 1;
        }
    }
    (nonempty, loads)
}

#[test]
fn browser_and_cli_rank_the_same() {
    let tmp = TempDir::new("parity");
    let out = tmp.path().join("site");
    build(&repo(), &out);
    // What runs here is the search code as published: minified, its local
    // names shortened.
    let published = std::fs::read_to_string(out.join("static/search.js")).unwrap();
    // (the theme keeps it as parts, engine and page, joined when published)
    let source: String = ["engine.js", "page.js"]
        .iter()
        .map(|p| {
            std::fs::read_to_string(repo().join("themes/default/static/search.js").join(p)).unwrap()
        })
        .collect();
    assert!(published.contains("carebookSearch") && published.contains("loadMeta"));
    assert!(
        published.len() * 3 < source.len() * 2 && !published.contains("/*"),
        "static/search.js is not minified: {} bytes of {}",
        published.len(),
        source.len()
    );
    let (nonempty, _) = compare(&out, QUERIES, 10);
    assert!(nonempty >= 30, "only {nonempty} queries found anything");
}

/// The `synth` example beside this test's binary (target/PROFILE/examples).
fn synth() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let profile = exe.parent().and_then(Path::parent).unwrap();
    let synth = profile.join("examples").join("synth");
    assert!(
        synth.exists(),
        "{} is missing: run `cargo test` (which builds the examples) or `cargo build --example synth`",
        synth.display()
    );
    synth
}

#[test]
fn browser_and_cli_rank_the_same_when_reading_stops_early() {
    let tmp = TempDir::new("parity-synth");
    let root = tmp.path().join("guidebook");
    let o = Command::new(synth())
        .arg("10000")
        .arg(&root)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let out = tmp.path().join("site");
    build(&root, &out);
    // Long lists are split into blocks: this guidebook has them.
    let blocks = std::fs::read_dir(out.join("search/b")).unwrap().count();
    assert!(blocks > 100, "only {blocks} postings blocks");
    for k in [10, 45] {
        let (nonempty, per_case) = compare(&out, SYNTH_QUERIES, k);
        assert_eq!(nonempty, SYNTH_QUERIES.len(), "top {k}");
        let mut loads: HashMap<String, u64> = HashMap::new();
        for (case, _) in &per_case {
            for (kind, n) in case {
                *loads.entry(kind.clone()).or_default() += n;
            }
        }
        // Every way of reading was taken: blocks, of trigrams too (which
        // carry positions), and pages (candidates looked up, filters
        // covered) and their positions; and top files, with filters too.
        for kind in ["b", "bp", "r", "q", "h"] {
            assert!(
                loads.get(kind).copied().unwrap_or(0) > 0,
                "top {k}: no {kind}/ files read: {loads:?}"
            );
        }
        let filtered_tops = SYNTH_QUERIES
            .iter()
            .zip(&per_case)
            .filter(|((q, t, _, _), (l, _))| !q.is_empty() && !t.is_empty() && l.contains_key("h"))
            .count();
        assert!(
            filtered_tops > 0,
            "top {k}: no filtered search read a top file"
        );

        // 訪問看護 is looked up as 訪問看 and 問看護, and here 問看護 only
        // ever stands right after 訪問看: its entry says so, and the
        // browser reads 訪問看's list for both, and no positions.
        let entries = shard_entries(&out);
        let (lead, follow) = (&entries["訪問看"], &entries["問看護"]);
        assert_eq!(follow[7], json!([lead[0], 1]), "{follow}");
        let (case, (_, paths)) = SYNTH_QUERIES.iter().zip(&per_case).next().unwrap();
        assert_eq!(case.0, "訪問看護");
        let of = |e: &Value| {
            let id = e[0].as_u64().unwrap();
            paths
                .iter()
                .filter(|p| p.split('/').nth(1).unwrap().starts_with(&format!("{id}-")))
                .count()
        };
        assert!(of(lead) > 0, "top {k}: {paths:?}");
        assert_eq!(of(follow), 0, "top {k}: {paths:?}");
        assert!(!paths.iter().any(|p| p.starts_with("q/")), "{paths:?}");
    }
}

/// Every term's entry in the browser index's shards (search/t/N.js, each
/// `carebookSearch.shard(N,{...});`).
fn shard_entries(site: &Path) -> HashMap<String, Value> {
    let mut all = HashMap::new();
    for f in std::fs::read_dir(site.join("search/t")).unwrap() {
        let text = std::fs::read_to_string(f.unwrap().path()).unwrap();
        let body = &text[text.find('{').unwrap()..text.rfind('}').unwrap() + 1];
        let shard: HashMap<String, Value> = serde_json::from_str(body).unwrap();
        all.extend(shard);
    }
    all
}
