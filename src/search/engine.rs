//! The prebuilt tantivy index: its schema, the analyzer as a tantivy
//! tokenizer, writing it, and answering queries from it.
//!
//! A query is analysed with [`Mode::Query`]; every resulting term must
//! match in the name or the text (AND), and a record's score is the sum
//! over terms of `NAME_BOOST × BM25(name) + BM25(text)` with tantivy's BM25
//! (k1 = 1.2, b = 0.75). Equal scores keep guidebook order. The browser
//! index reproduces exactly this.

use std::collections::{BinaryHeap, HashSet};
use std::path::Path;

use serde::{Deserialize, Serialize};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    Facet, FacetOptions, Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST,
    STORED,
};
use tantivy::tokenizer::{Token as TToken, TokenStream, Tokenizer};
use tantivy::{
    DocId, Index, IndexReader, Score, SegmentOrdinal, SegmentReader, TantivyDocument, Term,
};

use super::analyzer::{analyze, Mode, Token};
use super::doc::{Display, SearchDoc, NAME_BOOST};

/// Changes whenever the schema or the analyzer changes what is indexed.
pub const FORMAT: u32 = 1;
pub const MANIFEST: &str = "carebook-index.json";
const TOKENIZER: &str = "carebook";

#[derive(Clone, Default)]
pub struct CarebookTokenizer;

pub struct CarebookStream {
    tokens: Vec<Token>,
    next: usize,
    current: TToken,
}

impl Tokenizer for CarebookTokenizer {
    type TokenStream<'a> = CarebookStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> CarebookStream {
        CarebookStream {
            tokens: analyze(text, Mode::Index),
            next: 0,
            current: TToken::default(),
        }
    }
}

impl TokenStream for CarebookStream {
    fn advance(&mut self) -> bool {
        let Some(t) = self.tokens.get(self.next) else {
            return false;
        };
        self.current.text.clear();
        self.current.text.push_str(&t.term);
        self.current.position = t.position as usize;
        self.next += 1;
        true
    }
    fn token(&self) -> &TToken {
        &self.current
    }
    fn token_mut(&mut self) -> &mut TToken {
        &mut self.current
    }
}

pub struct Fields {
    pub name: Field,
    pub text: Field,
    pub order: Field,
    pub facets: Field,
    pub display: Field,
}

pub fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text_opts = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let fields = Fields {
        name: b.add_text_field("name", text_opts.clone()),
        text: b.add_text_field("text", text_opts),
        order: b.add_u64_field("order", FAST | STORED),
        facets: b.add_facet_field("facets", FacetOptions::default()),
        display: b.add_text_field("display", STORED),
    };
    (b.build(), fields)
}

#[derive(Serialize, Deserialize)]
struct Manifest {
    format: u32,
    carebook: String,
    documents: usize,
}

fn facet(kind: &str, value: &str) -> Facet {
    Facet::from_path([kind, value])
}

/// Writes the index of `docs` into the empty directory `dir`.
pub fn write(docs: &[SearchDoc], dir: &Path) -> tantivy::Result<()> {
    let (schema, f) = schema();
    let index = Index::create_in_dir(dir, schema)?;
    index.tokenizers().register(
        TOKENIZER,
        tantivy::tokenizer::TextAnalyzer::from(CarebookTokenizer),
    );
    // Segments may come out in any order: ties are broken by the `order`
    // fast field, not by document address.
    let mut writer = index.writer_with_num_threads(2, 256 << 20)?;
    for d in docs {
        let mut doc = TantivyDocument::default();
        doc.add_text(f.name, &d.name);
        doc.add_text(f.text, &d.text);
        doc.add_u64(f.order, d.order);
        doc.add_facet(f.facets, facet("type", &d.type_key));
        if let Some(a) = &d.area_key {
            doc.add_facet(f.facets, facet("area", a));
        }
        for c in &d.caps {
            doc.add_facet(f.facets, facet("cap", c));
        }
        doc.add_text(
            f.display,
            serde_json::to_string(&d.display).unwrap_or_default(),
        );
        writer.add_document(doc)?;
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    let manifest = Manifest {
        format: FORMAT,
        carebook: env!("CARGO_PKG_VERSION").into(),
        documents: docs.len(),
    };
    std::fs::write(
        dir.join(MANIFEST),
        serde_json::to_vec_pretty(&manifest).unwrap_or_default(),
    )?;
    Ok(())
}

/// An opened index, ready for queries.
pub struct Searcher {
    reader: IndexReader,
    fields: Fields,
}

/// Why an index cannot be used, in words for the user.
#[derive(Debug)]
pub struct OpenError(pub String);

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
        let index = Index::open_in_dir(dir).map_err(|e| {
            OpenError(format!(
                "cannot open the search index at {}: {e}; {rebuild} again",
                dir.display()
            ))
        })?;
        index.tokenizers().register(
            TOKENIZER,
            tantivy::tokenizer::TextAnalyzer::from(CarebookTokenizer),
        );
        let (_, fields) = schema();
        let reader = index
            .reader()
            .map_err(|e| OpenError(format!("cannot read the search index: {e}")))?;
        Ok(Searcher { reader, fields })
    }

    pub fn search(&self, q: &SearchQuery) -> tantivy::Result<Vec<Hit>> {
        let mut seen = HashSet::new();
        let terms: Vec<String> = q
            .text
            .iter()
            .flat_map(|t| analyze(t, Mode::Query))
            .map(|t| t.term)
            .filter(|t| seen.insert(t.clone()))
            .collect();
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for t in &terms {
            let name: Box<dyn Query> = Box::new(BoostQuery::new(
                Box::new(TermQuery::new(
                    Term::from_field_text(self.fields.name, t),
                    IndexRecordOption::WithFreqs,
                )),
                NAME_BOOST,
            ));
            let text: Box<dyn Query> = Box::new(TermQuery::new(
                Term::from_field_text(self.fields.text, t),
                IndexRecordOption::WithFreqs,
            ));
            clauses.push((
                Occur::Must,
                Box::new(BooleanQuery::new(vec![
                    (Occur::Should, name),
                    (Occur::Should, text),
                ])),
            ));
        }
        let filters: Vec<(&str, &Vec<String>)> = vec![("type", &q.types), ("area", &q.areas)];
        for (kind, values) in filters {
            if values.is_empty() {
                continue;
            }
            // Several values of one facet: any of them.
            let any: Vec<(Occur, Box<dyn Query>)> = values
                .iter()
                .map(|v| {
                    let term = Term::from_facet(self.fields.facets, &facet(kind, v));
                    (
                        Occur::Should,
                        Box::new(TermQuery::new(term, IndexRecordOption::Basic)) as Box<dyn Query>,
                    )
                })
                .collect();
            clauses.push((
                Occur::Must,
                Box::new(BoostQuery::new(Box::new(BooleanQuery::new(any)), 0.0)),
            ));
        }
        // Each capability is required.
        for c in &q.caps {
            let term = Term::from_facet(self.fields.facets, &facet("cap", c));
            clauses.push((
                Occur::Must,
                Box::new(BoostQuery::new(
                    Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
                    0.0,
                )),
            ));
        }
        if clauses.is_empty() {
            return Ok(Vec::new());
        }
        let query = BooleanQuery::new(clauses);
        let searcher = self.reader.searcher();
        let top = searcher.search(&query, &TopInOrder { limit: q.limit })?;
        let mut hits = Vec::with_capacity(top.len());
        for (score, order, addr) in top {
            let doc: TantivyDocument = searcher.doc(addr)?;
            let display = doc
                .get_first(self.fields.display)
                .and_then(|v| tantivy::schema::Value::as_str(&v))
                .and_then(|s| serde_json::from_str::<Display>(s).ok());
            if let Some(display) = display {
                hits.push(Hit {
                    score,
                    order,
                    display,
                });
            }
        }
        Ok(hits)
    }
}

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
    pub score: f32,
    /// Guidebook order, the tie-break.
    pub order: u64,
    #[serde(flatten)]
    pub display: Display,
}

/// Top documents by score, equal scores in guidebook order (the `order`
/// fast field), whatever the segment layout.
struct TopInOrder {
    limit: usize,
}

/// Ordered so that the heap's top is the worst kept hit.
#[derive(PartialEq)]
struct Ranked(Score, u64, tantivy::DocAddress);

impl Eq for Ranked {}
impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        // better = higher score, then lower order; "greater" = worse
        other.0.total_cmp(&self.0).then(self.1.cmp(&other.1))
    }
}

struct TopSegment {
    limit: usize,
    segment: SegmentOrdinal,
    order: tantivy::columnar::Column<u64>,
    heap: BinaryHeap<Ranked>,
}

impl Collector for TopInOrder {
    type Fruit = Vec<(Score, u64, tantivy::DocAddress)>;
    type Child = TopSegment;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<TopSegment> {
        Ok(TopSegment {
            limit: self.limit,
            segment,
            order: reader.fast_fields().u64("order")?,
            heap: BinaryHeap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(
        &self,
        fruits: Vec<Vec<(Score, u64, tantivy::DocAddress)>>,
    ) -> tantivy::Result<Self::Fruit> {
        let mut all: Vec<Ranked> = fruits
            .into_iter()
            .flatten()
            .map(|(s, o, a)| Ranked(s, o, a))
            .collect();
        all.sort();
        all.truncate(self.limit);
        Ok(all.into_iter().map(|Ranked(s, o, a)| (s, o, a)).collect())
    }
}

impl SegmentCollector for TopSegment {
    type Fruit = Vec<(Score, u64, tantivy::DocAddress)>;

    fn collect(&mut self, doc: DocId, score: Score) {
        let order = self.order.first(doc).unwrap_or(u64::MAX);
        let r = Ranked(score, order, tantivy::DocAddress::new(self.segment, doc));
        if self.heap.len() < self.limit {
            self.heap.push(r);
        } else if self.heap.peek().is_some_and(|worst| r < *worst) {
            self.heap.pop();
            self.heap.push(r);
        }
    }

    fn harvest(self) -> Self::Fruit {
        self.heap
            .into_iter()
            .map(|Ranked(s, o, a)| (s, o, a))
            .collect()
    }
}
