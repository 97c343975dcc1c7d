//! Stage 3, outputs: each output reads only the model and writes its files
//! through the staging directory. New outputs (search index, pamphlet, open
//! data) implement [`Renderer`].

pub mod html;
pub mod markdown;
#[cfg(feature = "pamphlet")]
pub mod pamphlet;
pub mod search_index;
pub mod search_static;
pub mod site;
pub mod theme;

use crate::diag::Diagnostic;
use crate::model::Guidebook;
use crate::write::Staging;

pub trait Renderer: Sync {
    /// Short name for progress and errors.
    fn name(&self) -> &'static str;
    /// Writes this output's files; returns problems (such as a broken
    /// template override) as diagnostics.
    fn render(&self, book: &Guidebook, out: &Staging) -> Result<(), Vec<Diagnostic>>;
}
