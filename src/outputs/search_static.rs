//! The browser's search index: static files under `search/` in the site,
//! loaded as `<script>`s (so that it works from file://, where fetch() is
//! refused), split so that a query loads only what it needs:
//!
//! - `search/meta.js`: document count, average lengths, facet labels, the
//!   number of term shards and the size of document chunks;
//! - `search/t/N.js`: term shard N (FNV-1a of the term's UTF-16 code units
//!   modulo the shard count): per term its idf in the name and the text and
//!   its postings there; facet values (`\u{1}type/clinic`) are terms too;
//! - `search/d/N.js`: what results show, for documents N·CHUNK onwards.
//!
//! Postings are (document gap, term frequency, field length) triples as
//! base-64 varints. With [`crate::search::rank`] the browser then ranks
//! exactly as `carebook search` does.

use std::collections::HashMap;
use std::fmt::Write as _;

use serde_json::json;

use crate::diag::{Diagnostic, Pos};
use crate::model::Guidebook;
use crate::search::doc::{Analyzed, SearchDoc};
use crate::search::rank;
use crate::write::Staging;

/// Documents per display chunk: a page of ten results loads at most ten
/// small files.
pub const CHUNK: usize = 16;
/// Index bytes aimed at per term shard.
const SHARD_BYTES: usize = 6 * 1024;
pub const FORMAT: u32 = 1;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Appends `n` as base-64 varint: 5 bits per character, the sixth bit set
/// on every character but the last.
fn varint(out: &mut String, mut n: u64) {
    loop {
        let low = (n & 31) as usize;
        n >>= 5;
        if n == 0 {
            out.push(ALPHABET[low] as char);
            return;
        }
        out.push(ALPHABET[low | 32] as char);
    }
}

/// FNV-1a over UTF-16 code units, as the browser computes it.
pub fn shard_of(term: &str, shards: u32) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for unit in term.encode_utf16() {
        h ^= u32::from(unit);
        h = h.wrapping_mul(0x0100_0193);
    }
    h % shards
}

#[derive(Default)]
struct Postings {
    /// (doc, tf) in increasing doc order.
    name: Vec<(u32, u32)>,
    text: Vec<(u32, u32)>,
}

fn encode(postings: &[(u32, u32)], lens: &[u32]) -> String {
    let mut s = String::with_capacity(postings.len() * 4);
    let mut prev = 0u32;
    for &(doc, tf) in postings {
        varint(&mut s, u64::from(doc - prev));
        varint(&mut s, u64::from(tf));
        varint(&mut s, u64::from(lens[doc as usize]));
        prev = doc;
    }
    s
}

fn encode_docs(docs: &[u32]) -> String {
    let mut s = String::with_capacity(docs.len() * 2);
    let mut prev = 0u32;
    for &doc in docs {
        varint(&mut s, u64::from(doc - prev));
        prev = doc;
    }
    s
}

/// Inside `<script>`, `</` would end the element.
fn js(v: &serde_json::Value) -> String {
    v.to_string().replace("</", "<\\/")
}

pub fn write(
    book: &Guidebook,
    docs: &[SearchDoc],
    analyzed: &[Analyzed],
    out: &Staging,
) -> Result<(), Diagnostic> {
    let n = docs.len();
    let name_lens: Vec<u32> = analyzed.iter().map(|a| a.name.len() as u32).collect();
    let text_lens: Vec<u32> = analyzed.iter().map(|a| a.text.len() as u32).collect();
    let avg = |lens: &[u32]| {
        let total: u64 = lens.iter().map(|&l| u64::from(l)).sum();
        if n == 0 {
            1.0
        } else {
            total as f64 / n as f64
        }
    };
    let (avg_name, avg_text) = (avg(&name_lens), avg(&text_lens));

    // Term → postings, documents in increasing order as they are visited.
    let mut terms: HashMap<&str, Postings> = HashMap::new();
    for (doc, a) in analyzed.iter().enumerate() {
        for (tokens, is_name) in [(&a.name, true), (&a.text, false)] {
            let mut counts: HashMap<&str, u32> = HashMap::new();
            for t in tokens {
                *counts.entry(t.term.as_str()).or_default() += 1;
            }
            for (term, tf) in counts {
                let p = terms.entry(term).or_default();
                let list = if is_name { &mut p.name } else { &mut p.text };
                list.push((doc as u32, tf));
            }
        }
    }
    let mut facets: HashMap<String, Vec<u32>> = HashMap::new();
    for (doc, d) in docs.iter().enumerate() {
        let mut keys = vec![format!("\u{1}type/{}", d.type_key)];
        keys.extend(d.area_key.iter().map(|a| format!("\u{1}area/{a}")));
        keys.extend(d.caps.iter().map(|c| format!("\u{1}cap/{c}")));
        for k in keys {
            facets.entry(k).or_default().push(doc as u32);
        }
    }

    // Entries as JSON text, then spread over enough shards.
    let mut entries: Vec<(String, String)> = Vec::with_capacity(terms.len() + facets.len());
    for (term, mut p) in terms {
        p.name.sort_unstable();
        p.text.sort_unstable();
        let idf_name = rank::idf(p.name.len() as u64, n as u64);
        let idf_text = rank::idf(p.text.len() as u64, n as u64);
        let v = json!([
            idf_name,
            idf_text,
            encode(&p.name, &name_lens),
            encode(&p.text, &text_lens)
        ]);
        entries.push((term.to_string(), v.to_string()));
    }
    for (key, mut list) in facets {
        list.sort_unstable();
        entries.push((key, json!(encode_docs(&list)).to_string()));
    }
    entries.sort();
    let total: usize = entries.iter().map(|(k, v)| k.len() + v.len() + 4).sum();
    let shards = (total / SHARD_BYTES).clamp(1, 1 << 16) as u32;
    let mut files: Vec<String> = vec![String::new(); shards as usize];
    for (key, value) in &entries {
        let f = &mut files[shard_of(key, shards) as usize];
        f.push_str(if f.is_empty() { "{" } else { "," });
        let _ = write!(f, "{}:{}", js(&json!(key)), value);
    }
    let io = |path: &str, e: std::io::Error| {
        Diagnostic::error(
            path,
            Pos::File,
            format!("cannot write the browser search index: {e}"),
        )
    };
    for (i, body) in files.iter().enumerate() {
        let body = if body.is_empty() {
            "{}".to_string()
        } else {
            format!("{body}}}")
        };
        let path = format!("search/t/{i}.js");
        out.write_owned(
            &path,
            format!("carebookSearch.shard({i},{body});\n").into_bytes(),
        )
        .map_err(|e| io(&path, e))?;
    }
    for (i, chunk) in docs.chunks(CHUNK).enumerate() {
        let list: Vec<&crate::search::doc::Display> = chunk.iter().map(|d| &d.display).collect();
        let path = format!("search/d/{i}.js");
        let body = format!("carebookSearch.docs({i},{});\n", js(&json!(list)));
        out.write_owned(&path, body.into_bytes())
            .map_err(|e| io(&path, e))?;
    }

    let [types, areas, caps] = crate::search::doc::facet_labels(book);
    let meta = json!({
        "format": FORMAT,
        "docs": n,
        "avg": [avg_name, avg_text],
        "k1": rank::K1,
        "b": rank::B,
        "boost": rank::NAME_BOOST,
        "shards": shards,
        "chunk": CHUNK,
        "types": types,
        "areas": areas,
        "caps": caps,
    });
    out.write_owned(
        "search/meta.js",
        format!("carebookSearch.meta({});\n", js(&meta)).into_bytes(),
    )
    .map_err(|e| io("search/meta.js", e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_round_trip_shape() {
        let mut s = String::new();
        varint(&mut s, 0);
        varint(&mut s, 31);
        varint(&mut s, 32);
        varint(&mut s, 1000);
        assert_eq!(s, "AfgBof");
        assert_eq!(shard_of("看取", 1), 0);
    }
}
