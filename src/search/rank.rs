//! The ranking both indexes use, written out once so that the browser
//! ranks exactly as `carebook search` does:
//!
//! score(d)     = Σ over distinct query terms t of impact(t, d)
//! impact(t, d) = round(SCALE · (NAME_BOOST · bm25(name, t, d) + bm25(text, t, d)))
//!
//! bm25(f, t, d) = idf_f(t) · tf·(k1+1) / (tf + k1·(1 − b + b·len_f(d)/avglen_f))
//! idf_f(t)      = ln(1 + (N − df_f(t) + 0.5) / (df_f(t) + 0.5))
//!
//! with tantivy's k1 = 1.2 and b = 0.75 and exact token counts as lengths.
//! Impacts are integers computed here, in Rust, for both indexes: the
//! browser only adds them up, so no floating point step can differ, and
//! its index can list each term's documents best first and stop reading
//! once the top results are settled. Equal scores keep guidebook order.

pub const K1: f64 = 1.2;
pub const B: f64 = 0.75;
pub const NAME_BOOST: f64 = 2.0;
/// Impact units per BM25 point: fine enough that field lengths still order
/// results, coarse enough that equal-looking records tie.
pub const SCALE: f64 = 20.0;

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

/// A term's statistics in the name and the text fields.
#[derive(Debug, Clone, Copy)]
pub struct Fields<T> {
    pub name: T,
    pub text: T,
}

/// What term `t` adds to the score of a document: its idf, its frequency in
/// the document and the document's lengths, per field.
pub fn impact(idf: Fields<f64>, tf: Fields<u32>, len: Fields<u64>, avg: Fields<f64>) -> u32 {
    let s = NAME_BOOST * bm25(idf.name, tf.name.min(MAX_TF), len.name, avg.name)
        + bm25(idf.text, tf.text.min(MAX_TF), len.text, avg.text);
    // The browser keeps impacts in 16 bits. bm25 is at most idf·(k1+1), so
    // this bound is never reached by a real guidebook; it is a guarantee.
    (s * SCALE).round().min(f64::from(MAX_IMPACT)) as u32
}

/// The largest impact (see `impact`).
pub const MAX_IMPACT: u16 = i16::MAX as u16;

/// Term frequencies are counted up to this (the browser index holds them
/// in 16 bits), for both indexes alike; in fields of real length BM25 has
/// long saturated there.
pub const MAX_TF: u32 = u16::MAX as u32;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn term_frequencies_are_capped_alike_for_both_indexes() {
        // (fields so long that a thousand more occurrences would count)
        let f = |tf: u32| {
            impact(
                Fields {
                    name: 20.0,
                    text: 20.0,
                },
                Fields { name: tf, text: tf },
                Fields {
                    name: 10_000_000,
                    text: 10_000_000,
                },
                Fields {
                    name: 10.0,
                    text: 10.0,
                },
            )
        };
        assert_eq!(f(MAX_TF + 1000), f(MAX_TF));
        assert!(f(MAX_TF) > f(MAX_TF / 2));
    }

    #[test]
    fn impacts_fit_in_sixteen_bits() {
        // A term in one document of a billion, repeated, in the shortest fields.
        let idf = idf(1, 1_000_000_000);
        let top = impact(
            Fields {
                name: idf,
                text: idf,
            },
            Fields {
                name: 1000,
                text: 1000,
            },
            Fields { name: 1, text: 1 },
            Fields {
                name: 100.0,
                text: 100.0,
            },
        );
        assert!(top <= u32::from(MAX_IMPACT));
        assert!(top > 1000, "{top}");
    }
}
