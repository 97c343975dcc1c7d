//! The one text analyzer that defines what matches, for every index.
//!
//! 1. Unicode NFKC (full-width digits and letters, half-width katakana),
//!    then lower case.
//! 2. Katakana folded to hiragana, so a reading matches in either script.
//! 3. The text is cut into runs: CJK runs (kanji, kana, and ー after kana)
//!    become overlapping bigrams, a one-character run stays as itself;
//!    Latin and digit runs become words; everything else separates.
//! 4. Numbers written in hyphenated groups (phone and FAX numbers, with any
//!    dash: `-`, U+2212, U+2010, ー between digits) are also indexed as one
//!    token of all their digits, so `06-6975-1234`, `0669751234` and
//!    `6975-1234` all find the record.
//!
//! Queries go through the same steps with two differences: a particle such
//! as の or で standing alone between kanji or katakana separates words
//! instead of becoming a required term (`東成区の訪問看護` = `東成区 訪問看護`),
//! and grouped numbers are not joined (a query for `6975-1234` must not
//! require the digits `69751234`, which no record has).

use unicode_normalization::UnicodeNormalization;

/// One term and its position, counted in tokens from the start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub term: String,
    pub position: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Index,
    Query,
}

/// Particles that separate query words when written between kanji or
/// katakana (東成区の訪問看護, 北部で看取り).
const PARTICLES: &[char] = &['の', 'に', 'を', 'は', 'が', 'で', 'と', 'へ', 'も', 'や'];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Kanji, hiragana, folded katakana, and ー after kana.
    Cjk,
    /// ASCII letters and digits after NFKC.
    Word,
    Dash,
    Other,
}

/// A normalised character and whether it was hiragana before folding
/// (particles are told apart from katakana by that).
struct Ch {
    c: char,
    class: Class,
    hiragana: bool,
}

fn is_kanji(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}' | '々' | '〆' | 'ヶ')
}

fn is_hiragana(c: char) -> bool {
    matches!(c, '\u{3041}'..='\u{3096}' | 'ゝ' | 'ゞ')
}

fn is_katakana(c: char) -> bool {
    matches!(c, '\u{30A1}'..='\u{30F6}' | 'ヽ' | 'ヾ')
}

fn normalise(text: &str) -> Vec<Ch> {
    let mut out: Vec<Ch> = Vec::with_capacity(text.len() / 2);
    for c in text.nfkc().flat_map(char::to_lowercase) {
        let ch = if is_hiragana(c) {
            Ch {
                c,
                class: Class::Cjk,
                hiragana: true,
            }
        } else if is_katakana(c) {
            let h = char::from_u32(c as u32 - 0x60).unwrap_or(c);
            Ch {
                c: h,
                class: Class::Cjk,
                hiragana: false,
            }
        } else if is_kanji(c) {
            Ch {
                c,
                class: Class::Cjk,
                hiragana: false,
            }
        } else if c == 'ー' {
            // The long vowel mark lengthens kana; between digits it is a dash.
            match out.last() {
                Some(prev) if prev.class == Class::Cjk => Ch {
                    c,
                    class: Class::Cjk,
                    hiragana: false,
                },
                _ => Ch {
                    c: '-',
                    class: Class::Dash,
                    hiragana: false,
                },
            }
        } else if c.is_ascii_alphanumeric() {
            Ch {
                c,
                class: Class::Word,
                hiragana: false,
            }
        } else if matches!(
            c,
            '-' | '\u{2010}'
                | '\u{2011}'
                | '\u{2012}'
                | '\u{2013}'
                | '\u{2014}'
                | '\u{2015}'
                | '\u{2212}'
                | '\u{FF70}'
        ) {
            Ch {
                c: '-',
                class: Class::Dash,
                hiragana: false,
            }
        } else {
            Ch {
                c,
                class: Class::Other,
                hiragana: false,
            }
        };
        out.push(ch);
    }
    out
}

/// Marks stand-alone particles between kanji or katakana as separators.
fn split_particles(chars: &mut [Ch]) {
    for i in 1..chars.len().saturating_sub(1) {
        let (prev, cur, next) = (&chars[i - 1], &chars[i], &chars[i + 1]);
        let between = |n: &Ch| n.class == Class::Cjk && !n.hiragana;
        if cur.hiragana && PARTICLES.contains(&cur.c) && between(prev) && between(next) {
            chars[i].class = Class::Other;
        }
    }
}

pub fn analyze(text: &str, mode: Mode) -> Vec<Token> {
    let mut chars = normalise(text);
    if mode == Mode::Query {
        split_particles(&mut chars);
    }
    // Runs of one class: (class, text).
    let mut runs: Vec<(Class, String)> = Vec::new();
    for ch in &chars {
        match runs.last_mut() {
            Some((class, s)) if *class == ch.class => s.push(ch.c),
            _ => runs.push((ch.class, ch.c.to_string())),
        }
    }
    let mut tokens = Vec::new();
    let mut pos = 0u32;
    let mut r = 0;
    while r < runs.len() {
        let (class, run) = &runs[r];
        match class {
            Class::Cjk => {
                let cs: Vec<char> = run.chars().collect();
                if cs.len() == 1 {
                    tokens.push(Token {
                        term: run.clone(),
                        position: pos,
                    });
                    pos += 1;
                } else {
                    for w in cs.windows(2) {
                        tokens.push(Token {
                            term: w.iter().collect(),
                            position: pos,
                        });
                        pos += 1;
                    }
                }
            }
            Class::Word => {
                if mode == Mode::Index {
                    if let Some(digits) = grouped_number(&runs[r..]) {
                        tokens.push(Token {
                            term: digits.0,
                            position: pos,
                        });
                        // every group is a word of its own as well
                        for g in 0..digits.1 {
                            tokens.push(Token {
                                term: runs[r + 2 * g].1.clone(),
                                position: pos,
                            });
                            pos += 1;
                        }
                        r += 2 * digits.1 - 1;
                        continue;
                    }
                }
                tokens.push(Token {
                    term: run.clone(),
                    position: pos,
                });
                pos += 1;
            }
            Class::Dash | Class::Other => {}
        }
        r += 1;
    }
    tokens
}

/// Digit groups joined by single dashes at the start of `runs` (such as
/// `06-6975-1234`): all their digits, and how many groups.
fn grouped_number(runs: &[(Class, String)]) -> Option<(String, usize)> {
    let digits =
        |r: &(Class, String)| r.0 == Class::Word && r.1.bytes().all(|b| b.is_ascii_digit());
    let mut joined = String::new();
    let mut groups = 0;
    let mut i = 0;
    while i < runs.len() && digits(&runs[i]) {
        joined.push_str(&runs[i].1);
        groups += 1;
        if i + 2 < runs.len()
            && runs[i + 1].0 == Class::Dash
            && runs[i + 1].1.chars().count() == 1
            && digits(&runs[i + 2])
        {
            i += 2;
        } else {
            break;
        }
    }
    (groups > 1).then_some((joined, groups))
}

/// The terms only, in order.
pub fn terms(text: &str, mode: Mode) -> Vec<String> {
    analyze(text, mode).into_iter().map(|t| t.term).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn idx(s: &str) -> Vec<String> {
        terms(s, Mode::Index)
    }
    fn q(s: &str) -> Vec<String> {
        terms(s, Mode::Query)
    }
    /// Every query term is among the record's terms (AND semantics).
    fn finds(record: &str, query: &str) -> bool {
        let r = idx(record);
        let qs = q(query);
        !qs.is_empty() && qs.iter().all(|t| r.contains(t))
    }

    #[test]
    fn widths_and_scripts_fold() {
        assert_eq!(q("０６"), q("06"));
        assert_eq!(q("サクラ"), q("さくら"));
        assert_eq!(q("ｻｸﾗ"), q("さくら"));
        assert_eq!(q("ｸﾘﾆｯｸ"), q("クリニック"));
        assert_eq!(q("ＡＢＣ"), vec!["abc"]);
        assert!(finds("さくら内科クリニック", "サクラ"));
        assert!(finds("さくら内科クリニック", "ｸﾘﾆｯｸ"));
    }

    #[test]
    fn cjk_runs_become_bigrams() {
        assert_eq!(idx("訪問看護"), vec!["訪問", "問看", "看護"]);
        assert_eq!(idx("北 部"), vec!["北", "部"]);
        assert_eq!(idx("センター"), vec!["せん", "んた", "たー"]);
        let t = analyze("東成 訪問", Mode::Index);
        assert_eq!(t.iter().map(|t| t.position).collect::<Vec<_>>(), vec![0, 1]);
    }

    #[test]
    fn phone_numbers_match_with_any_dash_or_none() {
        let record = "電話 06-6975-1234 FAX 06-6975-1235";
        for query in [
            "06-6975-1234",
            "0669751234",
            "6975-1234",
            "06−6975−1234",
            "06‐6975‐1234",
            "06ー6975ー1234",
            "０６－６９７５－１２３４",
        ] {
            assert!(
                finds(record, query),
                "{query} does not find {record}: {:?} vs {:?}",
                q(query),
                idx(record)
            );
        }
        assert!(!finds(record, "0669751299"));
        assert!(idx(record).contains(&"0669751235".to_string()));
    }

    #[test]
    fn three_kanji_word_needs_its_bigrams() {
        assert!(finds("新幹線の駅に近い", "新幹線"));
        assert!(!finds("新しい幹線道路", "新幹線"));
    }

    #[test]
    fn particles_separate_query_words() {
        assert_eq!(q("東成区の訪問看護"), q("東成区 訪問看護"));
        assert!(finds(
            "東成区にある訪問看護ステーション",
            "東成区の訪問看護"
        ));
        // hiragana words keep their の
        assert_eq!(q("ひまわりのいえ"), idx("ひまわりのいえ"));
    }

    #[test]
    fn kana_reading_matches_in_hiragana() {
        assert!(finds(
            "ひがしなりほうもんかんごすてーしょん",
            "ほうもんかんご"
        ));
        assert!(finds(
            "ヒガシナリホウモンカンゴステーション",
            "ほうもんかんご"
        ));
        assert!(finds("看取り", "看取り"));
    }
}
