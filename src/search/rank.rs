//! The ranking both indexes use, written out so that the browser computes
//! bit for bit what `carebook search` computes:
//!
//! score(d) = Σ over query terms t, in query order, of
//!            NAME_BOOST · bm25(name, t, d) + bm25(text, t, d)
//!
//! bm25(f, t, d) = idf_f(t) · tf·(k1+1) / (tf + k1·(1 − b + b·len_f(d)/avglen_f))
//! idf_f(t)      = ln(1 + (N − df_f(t) + 0.5) / (df_f(t) + 0.5))
//!
//! with tantivy's k1 = 1.2 and b = 0.75, exact token counts as lengths, and
//! f64 throughout. A term missing from a field adds nothing. The natural
//! logarithm is the one step whose last bit may differ between libraries,
//! so idf values are computed here and shipped to the browser. Equal
//! scores keep guidebook order.

pub const K1: f64 = 1.2;
pub const B: f64 = 0.75;
pub const NAME_BOOST: f64 = 2.0;

pub fn idf(doc_freq: u64, docs: u64) -> f64 {
    let (n, df) = (docs as f64, doc_freq as f64);
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

/// One field's contribution, given the term's idf in that field.
pub fn bm25(idf: f64, tf: u32, len: u64, avg_len: f64) -> f64 {
    if tf == 0 {
        return 0.0;
    }
    let tf = f64::from(tf);
    idf * (tf * (K1 + 1.0)) / (tf + K1 * (1.0 - B + B * (len as f64) / avg_len))
}
