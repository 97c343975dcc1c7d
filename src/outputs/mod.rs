//! Stage 3, outputs: each output reads only the model and writes its files
//! through the staging directory. Every output implements [`Renderer`]; what
//! they share is decided once per build in a [`BuildContext`].

pub mod html;
pub mod markdown;
pub mod opendata;
#[cfg(feature = "pamphlet")]
pub mod pamphlet;
pub mod search_index;
pub mod search_static;
pub mod site;
pub mod theme;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::diag::Diagnostic;
use crate::model::config::Edition;
use crate::model::Guidebook;
use crate::write::Staging;
use theme::Theme;

/// What a build decided before any output is made, read by every output.
pub struct BuildContext {
    pub theme: Arc<Theme>,
    /// The pamphlet editions this build writes: none when the pamphlet is
    /// off or cannot be made (a warning says why), so that no page links to
    /// a PDF that is not there.
    pub pamphlets: Vec<Edition>,
    /// Where the tantivy index goes (beside the site, not published).
    pub index_dir: PathBuf,
}

/// The size in bytes of each pamphlet PDF made, by file: the pamphlet
/// records it and the site's links state it, so a build makes the
/// pamphlet before the site.
pub type PamphletBytes = Arc<Mutex<BTreeMap<String, u64>>>;

impl BuildContext {
    /// Decides the build's context and makes from it the outputs, in order:
    /// the pamphlet (when it can be made; the site's links state its size),
    /// the site, the open data, the search indexes.
    /// Problems (a theme or template that cannot be read) and warnings (no
    /// pamphlet) go to `report`; `None` when the build cannot go on.
    pub fn decide(
        root: &Path,
        book: &Guidebook,
        index_dir: PathBuf,
        report: &Problems,
    ) -> Option<Vec<Box<dyn Renderer>>> {
        let theme = match Theme::load(root, &book.config.theme) {
            Ok(t) => Arc::new(t),
            Err(d) => {
                report.push(d);
                return None;
            }
        };
        let pamphlet = for_build(book, &theme, root, report);
        let ctx = BuildContext {
            pamphlets: match pamphlet {
                Some(_) => book.config.pamphlet_editions(),
                None => Vec::new(),
            },
            theme,
            index_dir,
        };
        let bytes = PamphletBytes::default();
        let site = site::Site::new(&ctx, bytes.clone())
            .map_err(|ds| report.extend(ds))
            .ok()?;
        let mut outputs: Vec<Box<dyn Renderer>> = Vec::new();
        if let Some(p) = pamphlet {
            outputs.push(Box::new(p.recording_bytes(bytes)));
        }
        outputs.push(Box::new(site));
        outputs.push(Box::new(opendata::OpenData));
        outputs.push(Box::new(search_index::SearchIndexes::new(&ctx)));
        Some(outputs)
    }
}

/// The pamphlet of a build, if the settings ask for one and it can be made
/// (else a warning says why).
#[cfg(feature = "pamphlet")]
pub fn for_build(
    book: &Guidebook,
    theme: &Arc<Theme>,
    root: &Path,
    report: &Problems,
) -> Option<pamphlet::Pamphlet> {
    pamphlet::for_build(book, theme, root, report)
}

/// Without the `pamphlet` feature there is none, and a guidebook that asks
/// for one is told why.
#[cfg(not(feature = "pamphlet"))]
pub fn for_build(
    book: &Guidebook,
    _theme: &Arc<Theme>,
    root: &Path,
    report: &Problems,
) -> Option<NoPamphlet> {
    if book.config.pamphlet.enabled {
        report.push(
            Diagnostic::warning(
                root.join(crate::load::config::FILE),
                crate::diag::Pos::File,
                "no pamphlet: this carebook was built without the pamphlet",
            )
            .with_hint("build carebook with its default features to make the PDF, or set enabled = false under [pamphlet]"),
        );
    }
    None
}

/// Stands for the pamphlet in a carebook built without it.
#[cfg(not(feature = "pamphlet"))]
pub struct NoPamphlet;

#[cfg(not(feature = "pamphlet"))]
impl NoPamphlet {
    /// (never made: there is nothing to record)
    pub fn recording_bytes(self, _: PamphletBytes) -> NoPamphlet {
        self
    }
}

#[cfg(not(feature = "pamphlet"))]
impl Renderer for NoPamphlet {
    fn name(&self) -> &'static str {
        "pamphlet"
    }
    fn render(&self, _: &Guidebook, _: &Staging, _: &Problems) -> Option<Staging> {
        None
    }
}

/// Problems the outputs report as they work (from several threads): errors
/// stop the build, warnings do not.
#[derive(Default)]
pub struct Problems(Mutex<Vec<Diagnostic>>);

impl Problems {
    pub fn push(&self, d: Diagnostic) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).push(d);
    }

    pub fn extend(&self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).extend(ds);
    }

    pub fn into_items(self) -> Vec<Diagnostic> {
        self.0.into_inner().unwrap_or_else(|p| p.into_inner())
    }
}

pub trait Renderer: Sync {
    /// Short name for progress and timings.
    fn name(&self) -> &'static str;
    /// Writes this output's files into `site` (the site being staged) and
    /// reports its problems to `report`. An output that writes a folder of
    /// its own beside the site stages it and returns it, to be swapped in
    /// with the site when the whole build succeeded.
    fn render(&self, book: &Guidebook, site: &Staging, report: &Problems) -> Option<Staging>;
}
