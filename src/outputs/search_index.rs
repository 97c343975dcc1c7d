//! Search indexes: the prebuilt tantivy index beside the site (not
//! published; its own staging directory, swapped in with the site) and the
//! browser's static index inside the site. Both come from the same analysed
//! documents.

use std::hash::{Hash, Hasher};
use std::path::Path;

use crate::diag::{Diagnostic, Pos};
use crate::model::Guidebook;
use crate::search::{doc, engine};
use crate::write::Staging;

/// Both search indexes as an output of a build.
pub struct SearchIndexes {
    dir: std::path::PathBuf,
}

impl SearchIndexes {
    pub fn new(ctx: &super::BuildContext) -> SearchIndexes {
        SearchIndexes {
            dir: ctx.index_dir.clone(),
        }
    }
}

impl super::Renderer for SearchIndexes {
    fn name(&self) -> &'static str {
        "search indexes"
    }

    /// The browser index goes into the site; the tantivy index is staged
    /// beside it (none when the previous one is kept as it is).
    fn render(
        &self,
        book: &Guidebook,
        site: &Staging,
        report: &super::Problems,
    ) -> Option<Staging> {
        stage(book, &self.dir, site)
            .map_err(|d| report.push(d))
            .ok()
            .flatten()
    }
}

/// Writes the tantivy index for `book` into a staging directory for
/// `target`, and the browser index into the site being staged. When both
/// indexes of the previous build were made from the same documents by this
/// same carebook, they are kept as they are instead: `Ok(None)`.
pub fn stage(
    book: &Guidebook,
    target: &Path,
    site: &Staging,
) -> Result<Option<Staging>, Diagnostic> {
    let fail = |e: String| {
        Diagnostic::error(
            target,
            Pos::File,
            format!("cannot write the search index: {e}"),
        )
        .with_hint("set `search_index` in carebook.toml to a writable directory")
    };
    let docs = doc::documents(book);
    let expansion = crate::search::expand::Expansion::of(&book.config);
    let print = fingerprint(book, &docs, &expansion);
    if let Some(print) = &print {
        if unchanged(print, target, site) {
            site.keep(SEARCH).map_err(|e| fail(e.to_string()))?;
            return Ok(None);
        }
    }
    let print = print.unwrap_or_default();
    let staging = Staging::new(target).map_err(|e| fail(e.to_string()))?;
    let mut browser = super::search_static::Builder::default();
    let tantivy = match feed(&docs, staging.path(), &mut browser) {
        Ok(t) => t,
        Err(e) => {
            staging.abort();
            return Err(fail(e.to_string()));
        }
    };
    // tantivy commits and merges its segments on one thread while the
    // browser index is encoded and written on the others.
    let (committed, written) = std::thread::scope(|s| {
        let [types, areas, caps] =
            doc::facet_labels(book).map(|l| l.into_iter().map(|f| f.key).collect());
        let facets = engine::Facets {
            types,
            areas,
            caps,
            expansion: expansion.clone(),
        };
        let commit = s.spawn(|| tantivy.finish(staging.path(), &print, facets));
        let written = browser.write(book, &docs, &expansion, site, &print);
        let committed = commit.join().unwrap_or_else(|_| {
            Err(tantivy::TantivyError::InternalError(
                "the index writer panicked".into(),
            ))
        });
        (committed, written)
    });
    if let Err(e) = committed {
        staging.abort();
        return Err(fail(e.to_string()));
    }
    if let Err(d) = written {
        staging.abort();
        return Err(d);
    }
    Ok(Some(staging))
}

/// The browser index's folder in the site.
const SEARCH: &str = "search";

/// What both indexes are made from: the searchable documents and filters,
/// and this carebook binary (its version, size and time), so that a new
/// build of carebook never keeps an index an older one wrote. None when the
/// binary cannot be looked at: then the indexes are always rebuilt.
fn fingerprint(
    book: &Guidebook,
    docs: &[doc::SearchDoc],
    expansion: &crate::search::expand::Expansion,
) -> Option<String> {
    let exe = std::fs::metadata(std::env::current_exe().ok()?).ok()?;
    let mut h = std::hash::DefaultHasher::new();
    env!("CARGO_PKG_VERSION").hash(&mut h);
    exe.len().hash(&mut h);
    exe.modified().ok()?.hash(&mut h);
    docs.hash(&mut h);
    doc::facet_labels(book).hash(&mut h);
    expansion.hash(&mut h);
    Some(format!("{:016x}", h.finish()))
}

/// Whether the tantivy index at `target` and the browser index of the
/// output being replaced both carry `print`.
fn unchanged(print: &str, target: &Path, site: &Staging) -> bool {
    let Some(previous) = site.previous() else {
        return false;
    };
    let meta = std::fs::read_to_string(previous.join(SEARCH).join("meta.js")).unwrap_or_default();
    engine::fingerprint_of(target).as_deref() == Some(print)
        && meta.contains(&super::search_static::fingerprint_field(print))
}

/// Analyses the documents in parallel a batch at a time (tokens are many
/// times the size of the text) and feeds each to both indexes, which keep
/// only what they need; the tantivy index in `dir` is left to commit.
fn feed(
    docs: &[doc::SearchDoc],
    dir: &Path,
    browser: &mut super::search_static::Builder,
) -> tantivy::Result<engine::Writer> {
    let mut tantivy = engine::Writer::create(dir)?;
    for batch in docs.chunks(2048) {
        for (d, a) in batch.iter().zip(doc::analyze_all(batch)) {
            // The browser index borrows the tokens; tantivy then takes them.
            browser.add(&a);
            tantivy.add(d, a)?;
        }
    }
    Ok(tantivy)
}

/// Whether the site at `site` and the index at `index` come from different
/// builds (as a build interrupted after replacing the site and before the
/// index leaves them). False when either is missing.
pub fn index_differs_from_site(site: &Path, index: &Path) -> bool {
    let Ok(meta) = std::fs::read_to_string(site.join(SEARCH).join("meta.js")) else {
        return false;
    };
    engine::fingerprint_of(index)
        .is_some_and(|print| !meta.contains(&super::search_static::fingerprint_field(&print)))
}
