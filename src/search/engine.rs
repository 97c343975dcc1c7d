//! The prebuilt tantivy index: its schema, writing it from analysed
//! documents, and answering queries from it.
//!
//! tantivy finds the records that match: every query term in the name or
//! the text (AND), and the type, area and capability filters. Ranking is
//! [`super::rank`], computed from the index's postings, document
//! frequencies and stored token counts, so that the browser index can
//! reproduce it exactly.

use std::collections::{BinaryHeap, HashSet};
use std::path::Path;

use serde::{Deserialize, Serialize};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{BooleanQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{
    Facet, FacetOptions, Field, IndexRecordOption, OwnedValue, Schema, TextFieldIndexing,
    TextOptions, FAST, STORED,
};
use tantivy::tokenizer::{PreTokenizedString, Token as TToken};
use tantivy::{
    DocAddress, DocId, DocSet, Index, IndexReader, Score, SegmentOrdinal, SegmentReader,
    TantivyDocument, Term, TERMINATED,
};

use super::analyzer::{parse_query, Token};
use super::doc::{Analyzed, Display, SearchDoc};
use super::rank;

/// Changes whenever the schema, the analyzer or the ranking changes.
pub const FORMAT: u32 = 5;
pub const MANIFEST: &str = "carebook-index.json";

pub struct Fields {
    pub name: Field,
    pub text: Field,
    pub name_len: Field,
    pub text_len: Field,
    pub order: Field,
    pub facets: Field,
    /// The record's type key, for ranking the types a query names first.
    pub type_key: Field,
    pub display: Field,
}

pub fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    // Values arrive pre-tokenised by the carebook analyzer.
    let text_opts = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("raw")
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let fields = Fields {
        name: b.add_text_field("name", text_opts.clone()),
        text: b.add_text_field("text", text_opts),
        name_len: b.add_u64_field("name_len", FAST),
        text_len: b.add_u64_field("text_len", FAST),
        order: b.add_u64_field("order", FAST | STORED),
        facets: b.add_facet_field("facets", FacetOptions::default()),
        type_key: b.add_text_field("type", FAST),
        display: b.add_text_field("display", STORED),
    };
    (b.build(), fields)
}

#[derive(Serialize, Deserialize)]
struct Manifest {
    format: u32,
    carebook: String,
    documents: usize,
    /// What the index was built from (see `search_index::fingerprint`).
    #[serde(default)]
    fingerprint: String,
    /// The keys a query may filter on.
    #[serde(default)]
    facets: Facets,
}

/// The filter values of an index: type, area and capability keys.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Facets {
    pub types: Vec<String>,
    pub areas: Vec<String>,
    pub caps: Vec<String>,
    /// Synonyms, readings and type names, for widening queries.
    #[serde(default)]
    pub expansion: super::expand::Expansion,
}

/// The fingerprint recorded in the index at `dir`, if any.
pub fn fingerprint_of(dir: &Path) -> Option<String> {
    let m: Manifest = serde_json::from_slice(&std::fs::read(dir.join(MANIFEST)).ok()?).ok()?;
    (m.format == FORMAT).then_some(m.fingerprint)
}

pub fn facet(kind: &str, value: &str) -> Facet {
    Facet::from_path([kind, value])
}

fn pre_tokenized(tokens: Vec<Token>) -> PreTokenizedString {
    PreTokenizedString {
        text: String::new(),
        tokens: tokens
            .into_iter()
            .map(|t| TToken {
                text: t.term,
                position: t.position as usize,
                ..TToken::default()
            })
            .collect(),
    }
}

/// A document as the writer takes it: its values as they are. (tantivy's
/// own `TantivyDocument` turns pre-tokenised text into JSON and back, which
/// cost about a tenth of a large build.)
struct IndexDoc(Vec<(Field, OwnedValue)>);

impl tantivy::Document for IndexDoc {
    type Value<'a> = &'a OwnedValue;
    type FieldsValuesIter<'a> = std::iter::Map<
        std::slice::Iter<'a, (Field, OwnedValue)>,
        fn(&'a (Field, OwnedValue)) -> (Field, &'a OwnedValue),
    >;

    fn iter_fields_and_values(&self) -> Self::FieldsValuesIter<'_> {
        self.0.iter().map(|(field, value)| (*field, value))
    }
}

/// Writes an index into an empty directory, a document at a time, so that
/// analysed documents need not all be held at once.
pub struct Writer {
    writer: tantivy::IndexWriter<IndexDoc>,
    fields: Fields,
    documents: usize,
}

impl Writer {
    pub fn create(dir: &Path) -> tantivy::Result<Writer> {
        let (schema, fields) = schema();
        let index = Index::create_in_dir(dir, schema)?;
        // Segments may come out in any order: ties are broken by the
        // `order` field, not by document address. The memory budget is
        // kept small: a larger one was not faster for the largest
        // guidebooks and raised the build's peak memory (BENCHMARKS.md).
        let writer = index.writer_with_num_threads::<IndexDoc>(2, 96 << 20)?;
        Ok(Writer {
            writer,
            fields,
            documents: 0,
        })
    }

    /// Takes the tokens (their terms move into tantivy's document: a large
    /// build has tens of millions).
    pub fn add(&mut self, d: &SearchDoc, a: Analyzed) -> tantivy::Result<()> {
        let f = &self.fields;
        let (name_len, text_len) = (a.name.len() as u64, a.text.len() as u64);
        let mut doc = vec![
            (f.name, OwnedValue::PreTokStr(pre_tokenized(a.name))),
            (f.text, OwnedValue::PreTokStr(pre_tokenized(a.text))),
            (f.name_len, OwnedValue::U64(name_len)),
            (f.text_len, OwnedValue::U64(text_len)),
            (f.order, OwnedValue::U64(d.order)),
            (f.facets, OwnedValue::Facet(facet("type", &d.type_key))),
            (f.type_key, OwnedValue::Str(d.type_key.clone())),
        ];
        if let Some(a) = &d.area_key {
            doc.push((f.facets, OwnedValue::Facet(facet("area", a))));
        }
        for c in &d.caps {
            doc.push((f.facets, OwnedValue::Facet(facet("cap", c))));
        }
        doc.push((
            f.display,
            OwnedValue::Str(serde_json::to_string(&d.display).unwrap_or_default()),
        ));
        self.writer.add_document(IndexDoc(doc))?;
        self.documents += 1;
        Ok(())
    }

    /// Commits, and marks the index with this version's format.
    pub fn finish(mut self, dir: &Path, fingerprint: &str, facets: Facets) -> tantivy::Result<()> {
        self.writer.commit()?;
        // One segment: a search then opens and looks up every term once,
        // not once per segment the indexing threads happened to write.
        let segments = self.writer.index().searchable_segment_ids()?;
        if segments.len() > 1 {
            self.writer.merge(&segments).wait()?;
        }
        self.writer.wait_merging_threads()?;
        let manifest = Manifest {
            format: FORMAT,
            carebook: env!("CARGO_PKG_VERSION").into(),
            documents: self.documents,
            fingerprint: fingerprint.into(),
            facets,
        };
        std::fs::write(
            dir.join(MANIFEST),
            serde_json::to_vec_pretty(&manifest).unwrap_or_default(),
        )?;
        Ok(())
    }
}

/// An opened index, ready for queries.
pub struct Searcher {
    reader: IndexReader,
    fields: Fields,
    dir: std::path::PathBuf,
    facets: Facets,
}

/// Why an index cannot be used, in words for the user.
#[derive(Debug)]
pub struct OpenError(pub String);

#[derive(Debug, Default, Clone)]
pub struct SearchQuery {
    pub text: Vec<String>,
    pub types: Vec<String>,
    pub areas: Vec<String>,
    pub caps: Vec<String>,
    pub limit: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub score: u64,
    /// Guidebook order, the tie-break.
    pub order: u64,
    #[serde(flatten)]
    pub display: Display,
}

impl Searcher {
    pub fn open(dir: &Path) -> Result<Searcher, OpenError> {
        let rebuild = "run `carebook build` to write it";
        let manifest = std::fs::read(dir.join(MANIFEST))
            .map_err(|_| OpenError(format!("no search index at {}; {rebuild}", dir.display())))?;
        let m: Manifest = serde_json::from_slice(&manifest).map_err(|_| {
            OpenError(format!(
                "the search index at {} is damaged; {rebuild} again",
                dir.display()
            ))
        })?;
        if m.format != FORMAT {
            return Err(OpenError(format!(
                "the search index at {} was written by an incompatible carebook version ({}); run `carebook build` to rewrite it",
                dir.display(),
                m.carebook
            )));
        }
        let index = Index::open_in_dir(dir).map_err(|_| {
            OpenError(format!(
                "the search index at {} is damaged; {rebuild} again",
                dir.display()
            ))
        })?;
        let (_, fields) = schema();
        // A search opens the index once and exits: no watcher threads
        // waiting for commits (tantivy's default starts two).
        let reader = index
            .reader_builder()
            .reload_policy(tantivy::ReloadPolicy::Manual)
            .try_into()
            .map_err(|_| {
                OpenError(format!(
                    "the search index at {} is damaged; {rebuild} again",
                    dir.display()
                ))
            })?;
        Ok(Searcher {
            reader,
            fields,
            dir: dir.to_path_buf(),
            facets: m.facets,
        })
    }

    /// Refuses filter values the index does not know, naming the closest.
    pub fn check_query(&self, q: &SearchQuery) -> Result<(), (String, String)> {
        let f = &self.facets;
        for (values, known, what, flag) in [
            (&q.types, &f.types, "type", "--type"),
            (&q.areas, &f.areas, "area", "--area"),
            (&q.caps, &f.caps, "capability", "--cap"),
        ] {
            // (an index written before the keys were recorded knows none)
            if known.is_empty() {
                continue;
            }
            let names: Vec<&str> = known.iter().map(String::as_str).collect();
            if let Some(v) = values.iter().find(|v| !known.contains(v)) {
                return Err((
                    format!("unknown {what} \"{v}\" ({flag})"),
                    crate::diag::suggest(v, &format!("{what} keys"), &names),
                ));
            }
        }
        Ok(())
    }

    /// [`Searcher::search`], with a failure to read the index in words.
    pub fn run(&self, q: &SearchQuery) -> Result<Vec<Hit>, String> {
        self.search(q).map_err(|_| {
            format!(
                "the search index at {} is damaged; run `carebook build` to write it again",
                self.dir.display()
            )
        })
    }

    /// The query's plan ([`super::expand`]) run and merged: what every
    /// caller of the index answers.
    pub fn search(&self, q: &SearchQuery) -> tantivy::Result<Vec<Hit>> {
        let words: Vec<String> = q
            .text
            .iter()
            .flat_map(|t| t.split_whitespace())
            .map(String::from)
            .collect();
        let plan = self.facets.expansion.plan(&words, &q.types);
        // A tier-0 search is a tier-1 one (same words) narrowed to the
        // types the query names, and scores its records alike: one search
        // that ranks those types' records first answers both.
        let named: Vec<String> = plan
            .iter()
            .find(|s| s.tier == 0)
            .map(|s| s.types.clone())
            .unwrap_or_default();
        let mut results = Vec::with_capacity(2 * plan.len());
        for sub in plan.into_iter().filter(|s| s.tier == 1) {
            let one = SearchQuery {
                text: sub.words,
                types: sub.types,
                ..q.clone()
            };
            let (first, rest): (Vec<_>, Vec<_>) = self
                .search_one(&one, &named)?
                .into_iter()
                .partition(|(tier, _)| *tier == 0);
            for (tier, hits) in [(0, first), (1, rest)] {
                let hits = hits.into_iter().map(|(_, h)| (h.score, h.order, h));
                results.push((tier, hits.collect()));
            }
        }
        Ok(super::expand::merge(&results, q.limit)
            .into_iter()
            .map(|(_, _, h)| h)
            .collect())
    }

    /// The terms of one query, in the name or the text, with its filters;
    /// each hit with its tier: 0 if its type is one of `named`.
    fn search_one(&self, q: &SearchQuery, named: &[String]) -> tantivy::Result<Vec<(u8, Hit)>> {
        let parsed = parse_query(&q.text);
        let terms = &parsed.terms;
        let f = &self.fields;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        // In the name or in the text: a term alone, a phrase's trigrams at
        // their offsets in one field.
        let either = |make: &dyn Fn(Field) -> Box<dyn Query>| -> (Occur, Box<dyn Query>) {
            let any = [f.name, f.text]
                .into_iter()
                .map(|field| (Occur::Should, make(field)))
                .collect();
            (Occur::Must, Box::new(BooleanQuery::new(any)))
        };
        let in_phrase: HashSet<&String> = parsed.phrases.iter().flatten().map(|(_, t)| t).collect();
        for t in terms.iter().filter(|t| !in_phrase.contains(t)) {
            clauses.push(either(&|field| {
                let term = Term::from_field_text(field, t);
                Box::new(TermQuery::new(term, IndexRecordOption::Basic))
            }));
        }
        for phrase in &parsed.phrases {
            clauses.push(either(&|field| {
                let terms = phrase
                    .iter()
                    .map(|(offset, t)| (*offset as usize, Term::from_field_text(field, t)))
                    .collect();
                Box::new(PhraseQuery::new_with_offset(terms))
            }));
        }
        for (kind, values) in [("type", &q.types), ("area", &q.areas)] {
            if values.is_empty() {
                continue;
            }
            // Several values of one facet: any of them.
            let any: Vec<(Occur, Box<dyn Query>)> = values
                .iter()
                .map(|v| {
                    let term = Term::from_facet(f.facets, &facet(kind, v));
                    let q = TermQuery::new(term, IndexRecordOption::Basic);
                    (Occur::Should, Box::new(q) as Box<dyn Query>)
                })
                .collect();
            clauses.push((Occur::Must, Box::new(BooleanQuery::new(any))));
        }
        // Each capability is required.
        for c in &q.caps {
            let term = Term::from_facet(f.facets, &facet("cap", c));
            clauses.push((
                Occur::Must,
                Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
            ));
        }
        if clauses.is_empty() {
            return Ok(Vec::new());
        }
        let searcher = self.reader.searcher();
        let docs = searcher.num_docs();
        let avg = |field| -> tantivy::Result<f64> {
            let total: u64 = searcher
                .segment_readers()
                .iter()
                .map(|r| r.inverted_index(field).map(|i| i.total_num_tokens()))
                .sum::<tantivy::Result<u64>>()?;
            Ok(if docs == 0 {
                1.0
            } else {
                total as f64 / docs as f64
            })
        };
        let mut stats = Vec::with_capacity(terms.len());
        for t in terms {
            let name = Term::from_field_text(f.name, t);
            let text = Term::from_field_text(f.text, t);
            stats.push(TermStats {
                idf_name: rank::idf(searcher.doc_freq(&name)?, docs),
                idf_text: rank::idf(searcher.doc_freq(&text)?, docs),
                name,
                text,
            });
        }
        let ranker = Ranker {
            terms: stats,
            avg_name: avg(f.name)?,
            avg_text: avg(f.text)?,
            limit: q.limit,
            fields: f,
            named,
        };
        let top = searcher.search(&BooleanQuery::new(clauses), &ranker)?;
        let mut hits = Vec::with_capacity(top.len());
        for Ranked(tier, score, order, addr) in top {
            let doc: TantivyDocument = searcher.doc(addr)?;
            let display = doc
                .get_first(f.display)
                .and_then(|v| tantivy::schema::Value::as_str(&v))
                .and_then(|s| serde_json::from_str::<Display>(s).ok());
            if let Some(display) = display {
                hits.push((
                    tier,
                    Hit {
                        score,
                        order,
                        display,
                    },
                ));
            }
        }
        Ok(hits)
    }
}

struct TermStats {
    name: Term,
    text: Term,
    idf_name: f64,
    idf_text: f64,
}

/// Scores matching documents with [`rank`] and keeps the best, equal
/// scores in guidebook order.
struct Ranker<'a> {
    terms: Vec<TermStats>,
    avg_name: f64,
    avg_text: f64,
    limit: usize,
    fields: &'a Fields,
    /// Types whose records rank first (tier 0).
    named: &'a [String],
}

/// (tier, score, order, address), ordered so that "greater" is worse:
/// later tier, lower score, then later order.
struct Ranked(u8, u64, u64, DocAddress);

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == std::cmp::Ordering::Equal
    }
}
impl Eq for Ranked {}
impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0
            .cmp(&other.0)
            .then(other.1.cmp(&self.1))
            .then(self.2.cmp(&other.2))
    }
}

struct Cursor {
    postings: Option<SegmentPostings>,
}

impl Cursor {
    /// Term frequency in `doc`; documents arrive in increasing order.
    fn tf(&mut self, doc: DocId) -> u32 {
        match &mut self.postings {
            Some(p) => {
                if p.doc() < doc {
                    p.seek(doc);
                }
                if p.doc() == doc && p.doc() != TERMINATED {
                    p.term_freq()
                } else {
                    0
                }
            }
            None => 0,
        }
    }
}

struct RankSegment {
    limit: usize,
    segment: SegmentOrdinal,
    order: tantivy::columnar::Column<u64>,
    name_len: tantivy::columnar::Column<u64>,
    text_len: tantivy::columnar::Column<u64>,
    /// The type column's ordinals and those of the named types.
    types: Option<(tantivy::columnar::Column<u64>, Vec<u64>)>,
    /// Per query term: (cursor in name, idf, cursor in text, idf).
    cursors: Vec<(Cursor, f64, Cursor, f64)>,
    avg_name: f64,
    avg_text: f64,
    heap: BinaryHeap<Ranked>,
}

impl Collector for Ranker<'_> {
    type Fruit = Vec<Ranked>;
    type Child = RankSegment;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<RankSegment> {
        let name_index = reader.inverted_index(self.fields.name)?;
        let text_index = reader.inverted_index(self.fields.text)?;
        let mut cursors = Vec::with_capacity(self.terms.len());
        for t in &self.terms {
            let name = name_index.read_postings(&t.name, IndexRecordOption::WithFreqs)?;
            let text = text_index.read_postings(&t.text, IndexRecordOption::WithFreqs)?;
            cursors.push((
                Cursor { postings: name },
                t.idf_name,
                Cursor { postings: text },
                t.idf_text,
            ));
        }
        let ff = reader.fast_fields();
        let mut types = None;
        if !self.named.is_empty() {
            if let Some(column) = ff.str("type")? {
                let mut ords = Vec::with_capacity(self.named.len());
                for t in self.named {
                    ords.extend(column.dictionary().term_ord(t)?);
                }
                types = Some((column.ords().clone(), ords));
            }
        }
        Ok(RankSegment {
            limit: self.limit,
            segment,
            order: ff.u64("order")?,
            name_len: ff.u64("name_len")?,
            text_len: ff.u64("text_len")?,
            types,
            cursors,
            avg_name: self.avg_name,
            avg_text: self.avg_text,
            heap: BinaryHeap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<Ranked>>) -> tantivy::Result<Vec<Ranked>> {
        let mut all: Vec<Ranked> = fruits.into_iter().flatten().collect();
        all.sort();
        all.truncate(self.limit);
        Ok(all)
    }
}

impl SegmentCollector for RankSegment {
    type Fruit = Vec<Ranked>;

    fn collect(&mut self, doc: DocId, _: Score) {
        let name_len = self.name_len.first(doc).unwrap_or(0);
        let text_len = self.text_len.first(doc).unwrap_or(0);
        let mut score = 0u64;
        let len = rank::Fields {
            name: name_len,
            text: text_len,
        };
        let avg = rank::Fields {
            name: self.avg_name,
            text: self.avg_text,
        };
        for (name, idf_name, text, idf_text) in &mut self.cursors {
            let idf = rank::Fields {
                name: *idf_name,
                text: *idf_text,
            };
            let tf = rank::Fields {
                name: name.tf(doc),
                text: text.tf(doc),
            };
            score += u64::from(rank::impact(idf, tf, len, avg));
        }
        let order = self.order.first(doc).unwrap_or(u64::MAX);
        let named = self
            .types
            .as_ref()
            .and_then(|(column, named)| Some(named.contains(&column.first(doc)?)));
        let tier = if named == Some(true) { 0 } else { 1 };
        let r = Ranked(tier, score, order, DocAddress::new(self.segment, doc));
        if self.heap.len() < self.limit {
            self.heap.push(r);
        } else if self.heap.peek().is_some_and(|worst| r < *worst) {
            self.heap.pop();
            self.heap.push(r);
        }
    }

    fn harvest(self) -> Vec<Ranked> {
        self.heap.into_vec()
    }
}
