//! How a query is widened before an index answers it: everyday words and
//! readings become the words the records use (訪看 → 訪問看護, みとり →
//! 看取り), and a query that names a facility type puts facilities of that
//! type first. The plan is a list of plain searches whose results are
//! merged; `carebook search`, the server and the browser (search.js, a port
//! of this file) make the same plan, so they give the same results.

use serde::{Deserialize, Serialize};

use super::analyzer::fold;
use crate::model::config::Config;

/// Alternatives of one query searched at most (a query with several
/// everyday words would otherwise multiply).
pub const MAX_ALTERNATIVES: usize = 8;

/// What widening needs to know of a guidebook; written into both indexes
/// (the tantivy manifest and the browser's meta.js).
#[derive(Debug, Clone, Default, PartialEq, Hash, Serialize, Deserialize)]
pub struct Expansion {
    /// An everyday word, folded, and the words the records use for it: the
    /// settings' `[search.synonyms]`, then the readings of capabilities,
    /// types and areas.
    pub synonyms: Vec<(String, Vec<String>)>,
    /// Each facility type's key and the folded names that name it (its
    /// name and reading).
    pub types: Vec<(String, Vec<String>)>,
}

/// One search of a plan: its words, and the type filter it runs with (the
/// other filters are the query's own). Hits of tier 0 come first.
#[derive(Debug, Clone, PartialEq)]
pub struct Sub {
    pub tier: u8,
    pub words: Vec<String>,
    pub types: Vec<String>,
}

impl Expansion {
    pub fn of(cfg: &Config) -> Expansion {
        let mut synonyms: Vec<(String, Vec<String>)> = Vec::new();
        let mut add = |key: &str, words: Vec<String>| {
            let key = fold(key);
            // (a reading that folds to its own label adds nothing)
            let words: Vec<String> = words.into_iter().filter(|w| fold(w) != key).collect();
            if key.is_empty() || words.is_empty() {
                return;
            }
            match synonyms.iter_mut().find(|(k, _)| *k == key) {
                Some((_, have)) => {
                    for w in words {
                        if !have.contains(&w) {
                            have.push(w);
                        }
                    }
                }
                None => synonyms.push((key, words)),
            }
        };
        for (k, words) in &cfg.search.synonyms {
            add(k, words.clone());
        }
        for t in &cfg.types {
            add(&t.kana, vec![t.name.clone()]);
            for c in &t.capabilities {
                add(&c.kana, vec![c.label.clone()]);
            }
        }
        for a in &cfg.areas {
            add(&a.kana, vec![a.name.clone()]);
        }
        let types = cfg
            .types
            .iter()
            .map(|t| {
                let names = [&t.name, &t.kana]
                    .into_iter()
                    .map(|n| fold(n))
                    .filter(|n| !n.is_empty())
                    .collect();
                (t.key.clone(), names)
            })
            .collect();
        Expansion { synonyms, types }
    }

    /// The ways one word may be meant: itself, then the word with each
    /// everyday word in it replaced by what the records call it.
    fn options(&self, word: &str) -> Vec<String> {
        let folded = fold(word);
        let mut out = vec![word.to_string()];
        for (key, words) in &self.synonyms {
            if !folded.contains(key.as_str()) {
                continue;
            }
            // The word already says it in full (包括 in 地域包括支援センター).
            if words.iter().any(|w| {
                let w = fold(w);
                w.contains(key.as_str()) && folded.contains(w.as_str())
            }) {
                continue;
            }
            for w in words {
                let replaced = folded.replace(key.as_str(), w);
                if !out.contains(&replaced) {
                    out.push(replaced);
                }
            }
        }
        out
    }

    /// The query's alternatives, the query as typed first: every
    /// combination of its words' options, the last word varying fastest,
    /// at most [`MAX_ALTERNATIVES`].
    pub fn alternatives(&self, words: &[String]) -> Vec<Vec<String>> {
        let mut alts: Vec<Vec<String>> = vec![Vec::new()];
        for w in words {
            let options = self.options(w);
            let mut next = Vec::new();
            'all: for a in &alts {
                for o in &options {
                    if next.len() == MAX_ALTERNATIVES {
                        break 'all;
                    }
                    let mut b = a.clone();
                    b.push(o.clone());
                    next.push(b);
                }
            }
            alts = next;
        }
        alts
    }

    /// The facility types that a word of some alternative names: a type's
    /// name or reading, or four or more characters of its name
    /// (訪問看護 → 訪問看護ステーション), in the settings' order.
    pub fn intended(&self, alts: &[Vec<String>]) -> Vec<String> {
        let words: Vec<String> = alts.iter().flatten().map(|w| fold(w)).collect();
        self.types
            .iter()
            .filter(|(_, names)| {
                words.iter().any(|w| {
                    names
                        .iter()
                        .any(|n| n == w || (w.chars().count() >= 4 && n.contains(w.as_str())))
                })
            })
            .map(|(key, _)| key.clone())
            .collect()
    }

    /// The searches that answer a query of `words` with the type filter
    /// `types` (empty: any): facilities of a type the query names first
    /// (tier 0), then everything that matches (tier 1), each for every
    /// alternative.
    pub fn plan(&self, words: &[String], types: &[String]) -> Vec<Sub> {
        let alts = self.alternatives(words);
        let intended = self.intended(&alts);
        let mut subs = Vec::new();
        let first: Vec<String> = if types.is_empty() {
            intended
        } else {
            types
                .iter()
                .filter(|t| intended.contains(t))
                .cloned()
                .collect()
        };
        // (with the same types as tier 1, a tier 0 would add nothing)
        if !first.is_empty() && first.len() != types.len() {
            for a in &alts {
                subs.push(Sub {
                    tier: 0,
                    words: a.clone(),
                    types: first.clone(),
                });
            }
        }
        for a in alts {
            subs.push(Sub {
                tier: 1,
                words: a,
                types: types.to_vec(),
            });
        }
        subs
    }
}

/// A hit as merging sees it: (score, guidebook order, what it carries).
pub type Scored<T> = (u64, u64, T);

/// Merges the hits of a plan's searches (each best first): a record once,
/// at its best tier and, within that, its best score; then by tier, score
/// and guidebook order. `hits` gives per search its tier and its hits as
/// (score, order, value).
pub fn merge<T: Clone>(results: &[(u8, Vec<Scored<T>>)], limit: usize) -> Vec<Scored<T>> {
    let mut best: std::collections::HashMap<u64, (u8, u64, T)> = Default::default();
    for (tier, hits) in results {
        for (score, order, v) in hits {
            let e = best.entry(*order).or_insert((*tier, *score, v.clone()));
            if (*tier, std::cmp::Reverse(*score)) < (e.0, std::cmp::Reverse(e.1)) {
                *e = (*tier, *score, v.clone());
            }
        }
    }
    let mut all: Vec<(u8, u64, u64, T)> = best
        .into_iter()
        .map(|(order, (tier, score, v))| (tier, score, order, v))
        .collect();
    all.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    all.into_iter()
        .take(limit)
        .map(|(_, score, order, v)| (score, order, v))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expansion() -> Expansion {
        Expansion {
            synonyms: vec![
                (fold("訪看"), vec!["訪問看護".into()]),
                (
                    fold("ケアマネ"),
                    vec!["居宅介護支援".into(), "介護支援専門員".into()],
                ),
                (fold("包括"), vec!["地域包括支援センター".into()]),
                (fold("みとり"), vec!["看取り".into()]),
            ],
            types: vec![
                ("nursing".into(), vec![fold("訪問看護ステーション")]),
                ("care".into(), vec![fold("居宅介護支援事業所")]),
                ("pharmacy".into(), vec![fold("薬局"), fold("やっきょく")]),
            ],
        }
    }
    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn everyday_words_become_the_records_words() {
        let e = expansion();
        assert_eq!(
            e.alternatives(&words("訪看 北部")),
            vec![words("訪看 北部"), words("訪問看護 北部")]
        );
        // in any script and width, and inside a longer word
        assert_eq!(e.alternatives(&words("ｹｱﾏﾈ")).len(), 3);
        assert_eq!(
            e.alternatives(&words("ミトリ"))[1],
            vec!["看取り".to_string()]
        );
        assert_eq!(
            e.alternatives(&words("訪看ステーション"))[1],
            vec!["訪問看護すてーしょん".to_string()]
        );
        // a word that already says it in full is left alone
        assert_eq!(e.alternatives(&words("地域包括支援センター")).len(), 1);
    }

    #[test]
    fn alternatives_are_bounded() {
        let e = expansion();
        let many = e.alternatives(&words("ケアマネ ケアマネ ケアマネ ケアマネ"));
        assert_eq!(many.len(), MAX_ALTERNATIVES);
        assert_eq!(many[0], words("ケアマネ ケアマネ ケアマネ ケアマネ"));
    }

    #[test]
    fn a_query_naming_a_type_searches_that_type_first() {
        let e = expansion();
        let plan = e.plan(&words("訪問看護"), &[]);
        assert_eq!(plan.len(), 2);
        assert_eq!(
            (plan[0].tier, plan[0].types.clone()),
            (0, vec!["nursing".to_string()])
        );
        assert_eq!((plan[1].tier, plan[1].types.len()), (1, 0));
        // by an everyday word or a reading too
        assert_eq!(e.plan(&words("訪看"), &[])[0].types, vec!["nursing"]);
        assert_eq!(e.plan(&words("やっきょく"), &[])[0].types, vec!["pharmacy"]);
        // two characters of a name name nothing; a filter on the type already
        // puts it first
        assert!(e.plan(&words("訪問"), &[]).iter().all(|s| s.tier == 1));
        assert!(e
            .plan(&words("薬局"), &["pharmacy".into()])
            .iter()
            .all(|s| s.tier == 1));
        let narrowed = e.plan(&words("薬局"), &["pharmacy".into(), "nursing".into()]);
        assert_eq!(narrowed[0].types, vec!["pharmacy"]);
    }

    #[test]
    fn merged_hits_keep_the_best_tier_and_score() {
        let a = (0, vec![(5, 3, 'c')]);
        let b = (1, vec![(9, 1, 'a'), (7, 3, 'c'), (7, 2, 'b')]);
        let c = (1, vec![(8, 2, 'b')]);
        let m: Vec<char> = merge(&[a, b, c], 10).into_iter().map(|h| h.2).collect();
        assert_eq!(m, vec!['c', 'a', 'b']);
        assert_eq!(merge(&[(1, vec![(1, 1, 'x'), (1, 0, 'y')])], 1)[0].2, 'y');
    }
}
