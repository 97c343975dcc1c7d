//! Search indexes: the prebuilt tantivy index beside the site (not
//! published; its own staging directory, swapped in with the site) and the
//! browser's static index inside the site. Both come from the same analysed
//! documents.

use std::path::Path;

use crate::diag::{Diagnostic, Pos};
use crate::model::Guidebook;
use crate::search::{doc, engine};
use crate::write::Staging;

/// Writes the tantivy index for `book` into a staging directory for
/// `target`, and the browser index into the site being staged.
pub fn stage(book: &Guidebook, target: &Path, site: &Staging) -> Result<Staging, Diagnostic> {
    let fail = |e: String| {
        Diagnostic::error(
            target,
            Pos::File,
            format!("cannot write the search index: {e}"),
        )
        .with_hint("set `search_index` in carebook.toml to a writable directory")
    };
    let staging = Staging::new(target).map_err(|e| fail(e.to_string()))?;
    let docs = doc::documents(book);
    let mut browser = super::search_static::Builder::default();
    let written = feed(&docs, staging.path(), &mut browser);
    if let Err(e) = written {
        staging.abort();
        return Err(fail(e.to_string()));
    }
    if let Err(d) = browser.write(book, &docs, site) {
        staging.abort();
        return Err(d);
    }
    Ok(staging)
}

/// Analyses the documents in parallel a batch at a time (tokens are many
/// times the size of the text) and feeds each to both indexes, which keep
/// only what they need; writes the tantivy index into `dir`.
fn feed(
    docs: &[doc::SearchDoc],
    dir: &Path,
    browser: &mut super::search_static::Builder,
) -> tantivy::Result<()> {
    let mut tantivy = engine::Writer::create(dir)?;
    for batch in docs.chunks(2048) {
        for (d, a) in batch.iter().zip(doc::analyze_all(batch)) {
            tantivy.add(d, &a)?;
            browser.add(&a);
        }
    }
    tantivy.finish(dir)
}
