//! The browser's search index: static files under `search/` in the site,
//! loaded as `<script>`s (so that it works from file://, where fetch() is
//! refused), split so that a query loads only what it needs:
//!
//! - `search/meta.js`: document count, facet labels, the number of term
//!   shards, the size of display chunks, and the fingerprint of what the
//!   index was made from (a rebuild from the same records keeps it);
//! - `search/t/N.js`: term shard N (FNV-1a of the term's UTF-16 code units
//!   modulo the shard count). Per term: its id, whether its postings carry
//!   positions, its document count, its best postings (the head), and the
//!   first impact, first document and length of each further block, and
//!   where each of its pages starts (a list with pages), and for a
//!   trigram that only ever stands a fixed number of places after another
//!   (the root), the root's id and that number (see [`aliases`]). Facet values
//!   (`\u{1}type/clinic`) are terms too, with their documents in order
//!   (as gaps, or as runs: a type or an area is a few runs);
//! - `search/b/ID-I.js`: block I of term ID's postings, after the head,
//!   and for a CJK trigram their positions (in the same file: the words
//!   of four characters or more, checked as phrases, are most queries, and
//!   a file costs a browser more than its bytes);
//! - `search/r/ID-J.js`: page J of a long list, in document order, and
//!   `search/q/ID-J.js` its positions (for a trigram, loaded only for a
//!   phrase). A filtered search reads the pages that cover its filter (a
//!   type or an area is a range of document numbers), and a document seen
//!   in other lists costs one page, not the list read down to it;
//! - `search/h/ID.js`: what results show for the first TOP documents of a
//!   term with more than HEAD (its documents, as gaps, then their rows in
//!   that order): the first pages of results of a one-word query, and
//!   most results of a query where it is the rarest term, with or without
//!   filters; one file instead of a display chunk per result;
//! - `search/d/N.js`: what results show, for documents N·CHUNK onwards.
//!   A row holds the fields of [`ROW_FIELDS`] in that order (meta.js names them):
//!   type and area index meta's lists, capabilities its `capLabels`, and
//!   kind its `kinds` (left out for a facility), which make the page's URL
//!   from the id; rows of a large guidebook weigh half what records did.
//!
//! A term's postings are ordered best first: by impact (its integer share
//! of the score, [`crate::search::rank`]), then by document. The browser
//! reads heads first and further blocks only until the top results are
//! settled (no unread posting could change them), so a common word costs
//! a few kilobytes, not its whole list.
//!
//! Postings are base-64 varints in groups of one impact: the impact (the
//! first in a block as it is, then as the drop from the previous group),
//! the number of documents, then per document its number (first as it is,
//! then as the gap from the previous one). Positions, for CJK trigrams,
//! are a second string (the head's at the end of the shard entry), per
//! document in the same order: count, first, gaps, in one space: the
//! name's, then the text's after a gap, so that phrases can be checked.

use std::collections::HashMap;
use std::fmt::Write as _;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde_json::json;

use crate::diag::{Diagnostic, Pos};
use crate::model::Guidebook;
use crate::search::doc::{Analyzed, SearchDoc};
use crate::search::rank::{self, Fields};
use crate::write::Staging;

/// Documents per display chunk: results are scattered, so small chunks
/// keep a page of ten results to a few kilobytes.
pub const CHUNK: usize = 4;
/// Index bytes aimed at per term shard.
const SHARD_BYTES: usize = 4 * 1024;
/// A list this long or shorter stays whole in its shard entry...
const WHOLE: usize = 64;
/// ...a longer one keeps this many there, then blocks that double in size.
const HEAD: usize = 32;
const FIRST_BLOCK: usize = 256;
const MAX_BLOCK: usize = 4096;
/// A list longer than this also gets document-ordered pages of this many
/// postings (the last fewer); its entry holds where each page starts.
const PAGED: usize = 1024;
const PAGE: usize = 512;
/// A term with more than HEAD documents gets the display rows of its
/// first TOP in one file: the first pages of a one-word query's results, and
/// for a query of several words or with filters, where only some of a
/// list's best documents match, most of the first page (the size was
/// chosen by bench/search/ab.mjs; BENCHMARKS.md has the figures).
const TOP: usize = 128;
pub const FORMAT: u32 = 11;

/// The fields of a term's entry in its shard, in the order they are
/// written (an entry may stop before the last ones, which are then empty).
/// meta.js carries these names and search.js finds each field by its name.
pub const ENTRY_FIELDS: [&str; 8] = [
    "id",
    "trigram",
    "count",
    "head",
    "blocks",
    "headPositions",
    "pageStarts",
    "alias",
];
/// The fields of a display row, in the order written (a facility's row
/// stops before `kind`), named in meta.js as [`ENTRY_FIELDS`] are.
pub const ROW_FIELDS: [&str; 8] = [
    "id", "name", "type", "area", "phone", "address", "caps", "kind",
];

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

/// How meta.js records what the index was built from (a build that would
/// write the same index keeps it).
pub fn fingerprint_field(print: &str) -> String {
    format!("\"build\":{}", json!(print))
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

/// Phrases are made of CJK trigrams only; other terms need no positions.
fn is_trigram(term: &str) -> bool {
    let mut n = 0;
    for c in term.chars() {
        if c.is_ascii() {
            return false;
        }
        n += 1;
    }
    n == 3
}

/// One document in a term's list, as the builder holds it: 12 bytes, as a
/// large guidebook has tens of millions.
struct Inverted {
    doc: u32,
    /// Term frequencies, as capped by [`rank::MAX_TF`].
    name: u16,
    text: u16,
    /// Where its positions start in the term's `positions` (they end where
    /// the next document's start).
    pos: u32,
}

#[derive(Default)]
struct TermList {
    postings: Vec<Inverted>,
    positions: Vec<u32>,
}

/// One document in a term's list, as written.
struct Posting {
    doc: u32,
    tf: Fields<u32>,
    /// Range of the term's `positions`.
    pos: (u32, u32),
    impact: u32,
}

impl TermList {
    /// Its postings with their ranges of positions, impacts still 0.
    fn expand(&self) -> Vec<Posting> {
        let ends = self
            .postings
            .iter()
            .skip(1)
            .map(|p| p.pos)
            .chain([self.positions.len() as u32]);
        self.postings
            .iter()
            .zip(ends)
            .map(|(p, end)| Posting {
                doc: p.doc,
                tf: Fields {
                    name: u32::from(p.name),
                    text: u32::from(p.text),
                },
                pos: (p.pos, end),
                impact: 0,
            })
            .collect()
    }
}

/// Inverts documents one at a time, in guidebook order, so that analysed
/// documents need not all be held at once.
#[derive(Default)]
pub struct Builder {
    // (FxHash: a lookup per distinct term of every document, on short keys)
    terms: FxHashMap<String, TermList>,
    lens: Vec<Fields<u64>>,
}

impl Builder {
    pub fn add(&mut self, a: &Analyzed) {
        let doc = self.lens.len() as u32;
        self.lens.push(Fields {
            name: a.name.len() as u64,
            text: a.text.len() as u64,
        });
        // Positions are in one space: the name's, then the text's after a
        // gap. Tokens come in position order, so a term's tokens of this
        // document land together at the end of its list, and no sort is
        // needed.
        let offset = a.name.last().map_or(0, |t| t.position + 2);
        let name = a.name.iter().map(|t| (t, t.position, true));
        let text = a.text.iter().map(|t| (t, offset + t.position, false));
        for (t, position, in_name) in name.chain(text) {
            let term = t.term.as_str();
            let list = match self.terms.get_mut(term) {
                Some(list) => list,
                None => self.terms.entry(term.to_string()).or_default(),
            };
            let pos = list.positions.len() as u32;
            if list.postings.last().is_none_or(|p| p.doc != doc) {
                list.postings.push(Inverted {
                    doc,
                    name: 0,
                    text: 0,
                    pos,
                });
            }
            let p = list.postings.last_mut().expect("pushed above");
            // (term frequencies capped alike in both indexes)
            let tf = if in_name { &mut p.name } else { &mut p.text };
            if u32::from(*tf) < rank::MAX_TF {
                *tf += 1;
            }
            // Only phrases need positions, and phrases are of trigrams.
            if is_trigram(term) {
                list.positions.push(position);
            }
        }
    }
}

fn io(path: &str, e: std::io::Error) -> Diagnostic {
    Diagnostic::error(
        path,
        Pos::File,
        format!("cannot write the browser search index: {e}"),
    )
}

/// What every term's files are made with.
struct TermContext<'a> {
    /// Documents in the guidebook.
    n: u64,
    lens: &'a [Fields<u64>],
    avg: Fields<f64>,
    /// Display rows, by document.
    rows: &'a [String],
    out: &'a Staging,
}

impl TermContext<'_> {
    /// Writes term `id`'s blocks, pages, positions and top file; returns
    /// its shard entry.
    fn write_term(
        &self,
        id: usize,
        term: &str,
        list: TermList,
        alias: Option<(usize, u32)>,
    ) -> Result<String, Diagnostic> {
        let (n, lens, avg, rows, out) = (self.n, self.lens, self.avg, self.rows, self.out);
        let mut buf = String::new();
        let mut postings = list.expand();
        let df =
            |f: fn(&Fields<u32>) -> u32| postings.iter().filter(|p| f(&p.tf) > 0).count() as u64;
        let idf = Fields {
            name: rank::idf(df(|tf| tf.name), n),
            text: rank::idf(df(|tf| tf.text), n),
        };
        for p in &mut postings {
            p.impact = rank::impact(idf, p.tf, lens[p.doc as usize], avg);
        }
        postings.sort_unstable_by(|a, b| b.impact.cmp(&a.impact).then(a.doc.cmp(&b.doc)));
        let positions = is_trigram(term).then_some(list.positions.as_slice());
        // search/DIR/ID-I.js, calling carebookSearch.CALL("ID-I", postings)
        // or, for a trigram, CALL("ID-I", postings, positions): one file
        // either way: to a browser, a file costs more than its bytes.
        let put = |dir: &str, call: &str, i: usize, body: &str, pos: Option<&str>| {
            let path = format!("search/{dir}/{id}-{i}.js");
            let pos = pos.map(|p| format!(",\"{p}\"")).unwrap_or_default();
            let text = format!("carebookSearch.{call}(\"{id}-{i}\",\"{body}\"{pos});\n");
            out.write_owned(&path, text.into_bytes())
                .map_err(|e| io(&path, e))
        };
        let mut pos_buf = String::new();
        let parts = blocks(postings.len());
        let (mut head, mut head_pos) = (String::new(), String::new());
        let mut rest: Vec<u32> = Vec::new();
        for (i, range) in parts.iter().enumerate() {
            let slice = &postings[range.clone()];
            if i == 0 {
                encode(&mut head, slice);
                if let Some(all) = positions {
                    encode_positions(&mut head_pos, slice, all);
                }
                continue;
            }
            rest.extend([slice[0].impact, slice[0].doc, slice.len() as u32]);
            buf.clear();
            encode(&mut buf, slice);
            let pos = positions.map(|all| {
                pos_buf.clear();
                encode_positions(&mut pos_buf, slice, all);
                pos_buf.as_str()
            });
            put("b", "block", i, &buf, pos)?;
        }
        // Document-ordered pages: a filtered search reads the range of
        // its filter, and a candidate's impact (or absence) costs one
        // page, not the list down to it.
        let mut starts = Vec::new();
        if postings.len() > PAGED {
            let mut by_doc: Vec<&Posting> = postings.iter().collect();
            by_doc.sort_unstable_by_key(|p| p.doc);
            for (page, mine) in by_doc.chunks(PAGE).enumerate() {
                // The first page starts at document 0, the others at
                // their first document.
                let first = if page == 0 { 0 } else { mine[0].doc };
                if page > 0 {
                    starts.push(first);
                }
                buf.clear();
                encode_page(&mut buf, first, mine);
                put("r", "page", page, &buf, None)?;
                // (apart: pages are read mostly for another word's
                // candidates, where a word of three characters, with no
                // phrase, would pay for positions it does not use)
                if let Some(all) = positions {
                    buf.clear();
                    encode_positions(&mut buf, mine.iter().copied(), all);
                    put("q", "pagePositions", page, &buf, None)?;
                }
            }
        }
        if postings.len() > HEAD {
            let mut top: Vec<u32> = postings.iter().take(TOP).map(|p| p.doc).collect();
            top.sort_unstable();
            let shown: Vec<&str> = top.iter().map(|&d| rows[d as usize].as_str()).collect();
            let path = format!("search/h/{id}.js");
            out.write_owned(
                &path,
                format!(
                    "carebookSearch.top({id},\"{}\",[{}]);\n",
                    encode_gaps(&top),
                    shown.join(",")
                )
                .into_bytes(),
            )
            .map_err(|e| io(&path, e))?;
        }
        let df = postings.len();
        let mut v = match (positions.is_some(), starts.is_empty()) {
            // (fields in the order of ENTRY_FIELDS)
            (true, true) => json!([id, 1, df, head, rest, head_pos]),
            (false, true) => json!([id, 0, df, head, rest]),
            (p, false) => json!([
                id,
                u8::from(p),
                df,
                head,
                rest,
                head_pos,
                encode_gaps(&starts)
            ]),
        };
        if let (Some((root, shift)), Some(v)) = (alias, v.as_array_mut()) {
            // (no pages: an empty list of page starts)
            v.resize(7, json!(""));
            v.push(json!([root, shift]));
        }
        Ok(v.to_string())
    }
}

/// For each term, the trigram whose list it repeats, if any: `(root,
/// shift)` when the term stands, in every document and field, exactly
/// `shift` places after each occurrence of trigram `root` and nowhere else
/// (the trigrams of a word that only ever appears whole: くりに, りにっ and
/// にっく of クリニック). Such a term has the root's documents, frequencies
/// and so impacts, and a phrase that asks for both at those offsets needs
/// neither its positions nor its list: the browser reads the root's list
/// once for both (most trigrams of words of four characters or more have a
/// root in real and synthetic guidebooks alike).
fn aliases(terms: &[(String, TermList)]) -> Vec<Option<(usize, u32)>> {
    // b can follow a if a ends with the two characters b starts with, and
    // their lists are as long: those are the pairs to compare.
    let size = |l: &TermList| (l.postings.len(), l.positions.len());
    let cut = |t: &str, n: usize| t.char_indices().nth(n).map_or(t.len(), |(i, _)| i);
    let mut ends: FxHashMap<(&str, (usize, usize)), Vec<usize>> = FxHashMap::default();
    for (a, (term, list)) in terms.iter().enumerate() {
        if is_trigram(term) {
            ends.entry((&term[cut(term, 1)..], size(list)))
                .or_default()
                .push(a);
        }
    }
    // b follows a: its postings are a's, every position one further on.
    let follows = |a: &TermList, b: &TermList| {
        a.postings
            .iter()
            .zip(&b.postings)
            .all(|(x, y)| x.doc == y.doc && x.name == y.name && x.text == y.text && x.pos == y.pos)
            && a.positions
                .iter()
                .zip(&b.positions)
                .all(|(x, y)| x + 1 == *y)
    };
    let parent: Vec<Option<usize>> = terms
        .par_iter()
        .map(|(term, list)| {
            if !is_trigram(term) {
                return None;
            }
            let same = ends.get(&(&term[..cut(term, 2)], size(list)))?;
            same.iter()
                .copied()
                .find(|&a| terms[a].0 != *term && follows(&terms[a].1, list))
        })
        .collect();
    // (Chains end: each link moves every position one further on.)
    (0..terms.len())
        .map(|i| {
            let (mut root, mut shift) = (parent[i]?, 1);
            while let Some(p) = parent[root] {
                root = p;
                shift += 1;
            }
            Some((root, shift))
        })
        .collect()
}

/// Encodes postings (already best first) as impact groups.
fn encode(out: &mut String, postings: &[Posting]) {
    let mut prev_impact: Option<u32> = None;
    for group in postings.chunk_by(|x, y| x.impact == y.impact) {
        let impact = group[0].impact;
        varint(out, u64::from(prev_impact.map_or(impact, |p| p - impact)));
        prev_impact = Some(impact);
        varint(out, group.len() as u64);
        let mut prev_doc: Option<u32> = None;
        for p in group {
            varint(out, u64::from(prev_doc.map_or(p.doc, |d| p.doc - d)));
            prev_doc = Some(p.doc);
        }
    }
}

/// Encodes a document-ordered page whose documents start at `first`: the
/// least impact, then per document its gap (the first from `first`) and
/// its impact above the least.
fn encode_page(out: &mut String, first: u32, postings: &[&Posting]) {
    let Some(least) = postings.iter().map(|p| p.impact).min() else {
        return;
    };
    varint(out, u64::from(least));
    let mut prev = first;
    for p in postings {
        varint(out, u64::from(p.doc - prev));
        varint(out, u64::from(p.impact - least));
        prev = p.doc;
    }
}

/// Encodes the positions of `postings`, in their order: per document the
/// count, the first, then the gaps.
fn encode_positions<'a>(
    out: &mut String,
    postings: impl IntoIterator<Item = &'a Posting>,
    all: &[u32],
) {
    for p in postings {
        let mine = &all[p.pos.0 as usize..p.pos.1 as usize];
        varint(out, mine.len() as u64);
        let mut prev = 0;
        for (i, &x) in mine.iter().enumerate() {
            varint(out, u64::from(if i == 0 { x } else { x - prev }));
            prev = x;
        }
    }
}

/// Sorted document numbers as gaps (the first from 0).
fn encode_gaps(docs: &[u32]) -> String {
    let mut gaps = String::with_capacity(docs.len() * 2);
    let mut prev = 0u32;
    for &doc in docs {
        varint(&mut gaps, u64::from(doc - prev));
        prev = doc;
    }
    gaps
}

/// A facet's documents (sorted), as gaps, or as runs of consecutive
/// documents after a `~` where that is shorter: a type or an area is a few
/// runs in guidebook order.
fn encode_docs(docs: &[u32]) -> String {
    let gaps = encode_gaps(docs);
    let mut runs = String::from("~");
    let mut end = 0u32;
    for run in docs.chunk_by(|a, b| a + 1 == *b) {
        // the gap from the end of the previous run, the run's length
        varint(&mut runs, u64::from(run[0] - end));
        varint(&mut runs, run.len() as u64);
        end = run[0] + run.len() as u32;
    }
    if runs.len() < gaps.len() {
        runs
    } else {
        gaps
    }
}

/// Block sizes after the head: doubling, then steady.
fn blocks(n: usize) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    if n <= WHOLE {
        out.push(0..n);
        return out;
    }
    out.push(0..HEAD);
    let (mut at, mut size) = (HEAD, FIRST_BLOCK);
    while at < n {
        let end = (at + size).min(n);
        out.push(at..end);
        at = end;
        size = (size * 2).min(MAX_BLOCK);
    }
    out
}

/// Each key's position in `keys`.
fn index_of(keys: Vec<&str>) -> HashMap<&str, usize> {
    keys.into_iter().enumerate().map(|(i, k)| (k, i)).collect()
}

/// The index's JSON, safe wherever it is read from (see [`json_in_html`]).
fn js(v: &serde_json::Value) -> String {
    crate::outputs::html::json_in_html(v)
}

impl Builder {
    /// Writes the index of the documents added, which are `docs`, and
    /// what widens its queries.
    pub fn write(
        self,
        book: &Guidebook,
        docs: &[SearchDoc],
        expansion: &crate::search::expand::Expansion,
        out: &Staging,
        fingerprint: &str,
    ) -> Result<(), Diagnostic> {
        let n = docs.len() as u64;
        let lens = self.lens;
        let (mut total_name, mut total_text) = (0u64, 0u64);
        for l in &lens {
            total_name += l.name;
            total_text += l.text;
        }
        let avg = if n == 0 {
            Fields {
                name: 1.0,
                text: 1.0,
            }
        } else {
            Fields {
                name: total_name as f64 / n as f64,
                text: total_text as f64 / n as f64,
            }
        };

        let mut terms: Vec<(String, TermList)> = self.terms.into_iter().collect();
        terms.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        // Display rows as arrays (see the module's comment); serialised
        // once, for display chunks and top files alike.
        let [types, areas, caps] = crate::search::doc::facet_labels(book);
        let type_index = index_of(types.iter().map(|t| t.key.as_str()).collect());
        let area_index = index_of(areas.iter().map(|a| a.key.as_str()).collect());
        let kinds = crate::search::doc::kinds();
        let kind_index = index_of(kinds.iter().map(|k| k.0).collect());
        // (capability labels once each: types may share a key and not its label)
        let mut cap_labels: Vec<&str> = Vec::new();
        let mut cap_index: HashMap<&str, usize> = HashMap::new();
        for c in docs.iter().flat_map(|d| &d.display.caps) {
            cap_index.entry(c).or_insert_with(|| {
                cap_labels.push(c);
                cap_labels.len() - 1
            });
        }
        let rows: Vec<String> = docs
            .iter()
            .map(|d| {
                let s = &d.display;
                let area = d.area_key.as_deref().and_then(|a| area_index.get(a));
                let kind = kind_index[s.kind.as_str()];
                let (_, before, after) = &kinds[kind];
                debug_assert_eq!(s.url, format!("{before}{}{after}", s.id));
                let caps: Vec<usize> = s.caps.iter().map(|c| cap_index[c.as_str()]).collect();
                // (fields in the order of ROW_FIELDS)
                let mut row = json!([
                    s.id,
                    s.name,
                    type_index.get(d.type_key.as_str()),
                    area,
                    s.phone,
                    s.address,
                    caps
                ]);
                if kind > 0 {
                    row.as_array_mut().expect("an array").push(json!(kind));
                }
                js(&row)
            })
            .collect();
        // What a result's snippet is cut from, loaded only for results
        // whose match the row does not show (a description, a department).
        for (i, chunk) in docs.chunks(CHUNK).enumerate() {
            let path = format!("search/x/{i}.js");
            let texts: Vec<String> = chunk.iter().map(|d| js(&json!(d.text))).collect();
            let body = format!("carebookSearch.texts({i},[{}]);\n", texts.join(","));
            out.write_owned(&path, body.into_bytes())
                .map_err(|e| io(&path, e))?;
        }
        for (i, chunk) in rows.chunks(CHUNK).enumerate() {
            let path = format!("search/d/{i}.js");
            let body = format!("carebookSearch.docs({i},[{}]);\n", chunk.join(","));
            out.write_owned(&path, body.into_bytes())
                .map_err(|e| io(&path, e))?;
        }

        // Entries as JSON text; blocks straight to their files. Terms are
        // encoded on every core (the writer thread takes the files); ids
        // follow the sorted terms whatever thread encodes them.
        let ctx = TermContext {
            n,
            lens: &lens,
            avg,
            rows: &rows,
            out,
        };
        let alias = aliases(&terms);
        let mut entries: Vec<(String, String)> = terms
            .into_par_iter()
            .zip(alias)
            .enumerate()
            // Each list is dropped once written.
            .map(|(id, ((term, list), alias))| {
                let entry = ctx.write_term(id, &term, list, alias)?;
                Ok((term, entry))
            })
            .collect::<Result<_, Diagnostic>>()?;

        let mut facets: HashMap<String, Vec<u32>> = HashMap::new();
        for (doc, d) in docs.iter().enumerate() {
            let mut keys = vec![format!("\u{1}type/{}", d.type_key)];
            keys.extend(d.area_key.iter().map(|a| format!("\u{1}area/{a}")));
            keys.extend(d.caps.iter().map(|c| format!("\u{1}cap/{c}")));
            for k in keys {
                facets.entry(k).or_default().push(doc as u32);
            }
        }
        for (key, list) in facets {
            // Documents are visited in order: the list is sorted.
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

        let meta = json!({
            "format": FORMAT,
            "docs": n,
            "shards": shards,
            "chunk": CHUNK,
            "head": HEAD,
            "kinds": kinds.iter().map(|(k, before, after)| json!([k, before, after])).collect::<Vec<_>>(),
            "capLabels": cap_labels,
            "types": types,
            "areas": areas,
            "caps": caps,
            "fields": { "entry": ENTRY_FIELDS, "row": ROW_FIELDS },
            "expand": expansion,
            "build": fingerprint,
        });
        out.write_owned(
            "search/meta.js",
            format!("carebookSearch.meta({});\n", js(&meta)).into_bytes(),
        )
        .map_err(|e| io("search/meta.js", e))
    }
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

    #[test]
    fn facet_lists_take_the_shorter_encoding() {
        // gaps 1, 2, 3: shorter than three runs
        assert_eq!(encode_docs(&[1, 3, 6]), "BCD");
        // one run: from 2, 100 long
        let run: Vec<u32> = (2..102).collect();
        assert_eq!(encode_docs(&run), "~CkD");
        // two runs, 0..4 and 6..8, shorter than gaps ABBBDB
        assert_eq!(encode_docs(&[0, 1, 2, 3, 6, 7]), "~AECC");
    }

    #[test]
    fn trigrams_of_words_that_only_appear_whole_repeat_their_root() {
        use crate::search::analyzer::{analyze, Mode};
        let mut b = Builder::default();
        for (name, text) in [
            ("さくらクリニック", "訪問看護 訪問看取り"),
            ("クリニック山田", "訪問看護"),
            ("ひまわり", "クリニックへ訪問看護"),
        ] {
            b.add(&Analyzed {
                name: analyze(name, Mode::Index),
                text: analyze(text, Mode::Index),
            });
        }
        let mut terms: Vec<(String, TermList)> = b.terms.into_iter().collect();
        terms.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let alias = aliases(&terms);
        let of = |t: &str| {
            let i = terms.iter().position(|x| x.0 == t).unwrap();
            alias[i].map(|(root, shift)| (terms[root].0.as_str(), shift))
        };
        // くりにっく stands whole everywhere: its later trigrams repeat
        // the first, whatever comes before or after it.
        assert_eq!(of("くりに"), None);
        assert_eq!(of("りにっ"), Some(("くりに", 1)));
        assert_eq!(of("にっく"), Some(("くりに", 2)));
        // 訪問看 also starts 訪問看取り: 問看護 is not everywhere it is.
        assert_eq!(of("問看護"), None);
        assert_eq!(of("問看取"), None);
        // っく山 is in one record of three: not where every にっく is.
        assert_eq!(of("っく山"), None);
        // bigrams are never aliases
        assert_eq!(of("りに"), None);
    }

    #[test]
    fn blocks_cover_the_list_once() {
        assert_eq!(blocks(10), vec![0..10]);
        assert_eq!(blocks(WHOLE), vec![0..WHOLE]);
        let b = blocks(10_000);
        assert_eq!(b[0], 0..HEAD);
        assert_eq!(b[1], HEAD..HEAD + FIRST_BLOCK);
        assert_eq!(b.last().unwrap().end, 10_000);
        assert!(b.windows(2).all(|w| w[0].end == w[1].start));
        assert!(b.iter().all(|r| r.len() <= MAX_BLOCK));
        assert!(is_trigram("訪問看") && !is_trigram("060") && !is_trigram("訪問"));
    }
}
