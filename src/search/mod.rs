//! Search: the shared Japanese analyzer. The indexes built from it (a
//! prebuilt tantivy index and the browser's static index) come with the
//! search output.

pub mod analyzer;
