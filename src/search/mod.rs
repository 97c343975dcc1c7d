//! Search: one Japanese analyzer ([`analyzer`]), the records as search
//! documents ([`doc`]), and the prebuilt tantivy index ([`engine`]) that
//! `carebook build` writes and `carebook search` reads.

pub mod analyzer;
pub mod doc;
pub mod engine;
pub mod expand;
pub mod rank;
