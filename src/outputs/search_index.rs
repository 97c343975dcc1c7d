//! The prebuilt tantivy index beside the site (not published): written into
//! its own staging directory and swapped in with the site.

use std::path::Path;

use crate::diag::{Diagnostic, Pos};
use crate::model::Guidebook;
use crate::search::{doc, engine};
use crate::write::Staging;

/// Writes the index for `book` into a staging directory for `target`.
pub fn stage(book: &Guidebook, target: &Path) -> Result<Staging, Diagnostic> {
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
    let analyzed = doc::analyze_all(&docs);
    if let Err(e) = engine::write(&docs, &analyzed, staging.path()) {
        staging.abort();
        return Err(fail(e.to_string()));
    }
    Ok(staging)
}
