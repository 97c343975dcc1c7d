//! The one text analyzer that defines what matches, for every index.
//!
//! 1. Unicode NFKC (full-width digits and letters, half-width katakana),
//!    then lower case.
//! 2. Katakana folded to hiragana, so a reading matches in either script.
//! 3. The text is cut into runs: CJK runs (kanji, kana, and ー after kana)
//!    become overlapping bigrams and trigrams, a one-character run stays as
//!    itself; Latin and digit runs become words; everything else separates.
//!    A query word of two characters is its bigram, of three its trigram,
//!    and a longer one the trigrams that cover it, at fixed offsets (a
//!    phrase): trigrams are far more selective than bigrams, so the
//!    browser reads much less of the index.
//! 4. Numbers written in hyphenated groups (phone and FAX numbers, with any
//!    dash: `-`, U+2212, U+2010, ー between digits) are indexed as each group
//!    and as the digits of every span of two or more groups, so
//!    `06-6975-1234`, `0669751234` and `6975-1234` all find the record.
//!
//! Queries go through the same steps with two differences: a particle such
//! as の or で standing alone between kanji or katakana separates words
//! instead of becoming a required term (`東成区の訪問看護` = `東成区 訪問看護`),
//! and a grouped number is one term of its digits (`6975-1234` is
//! `69751234`: one precise term, not three common ones).
//! [`parse_query`] adds the phrases: a CJK word's bigrams must be adjacent.

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
    fold_place_ke(&mut out);
    out
}

/// ケ, ヶ, ヵ and カ written between kanji (霞ケ丘, 霞ヶ丘, 一ヵ所) are one
/// character: place names are written with any of them.
fn fold_place_ke(chars: &mut [Ch]) {
    for i in 1..chars.len().saturating_sub(1) {
        let from_katakana = !chars[i].hiragana && matches!(chars[i].c, 'け' | 'か' | 'ゖ' | 'ゕ');
        if from_katakana && is_kanji(chars[i - 1].c) && is_kanji(chars[i + 1].c) {
            chars[i].c = 'ヶ';
        }
    }
}

/// The text as the analyzer sees it, before it is cut into terms (NFKC,
/// lower case, katakana as hiragana, place-name ケ folded): what synonyms
/// and type names are compared in.
pub fn fold(text: &str) -> String {
    normalise(text).into_iter().map(|c| c.c).collect()
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
    runs(text, mode).into_iter().flatten().collect()
}

/// The tokens of each run of the text, in order. Positions leave a gap
/// between runs, so that bigrams of different runs are never adjacent
/// (`新幹 幹線` does not contain the phrase 新幹線).
fn runs(text: &str, mode: Mode) -> Vec<Vec<Token>> {
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
    let mut out: Vec<Vec<Token>> = Vec::new();
    let mut pos = 0u32;
    let mut r = 0;
    while r < runs.len() {
        let (class, run) = &runs[r];
        let mut tokens = Vec::new();
        let mut push = |term: String, position: u32| tokens.push(Token { term, position });
        match class {
            Class::Cjk => {
                let cs: Vec<char> = run.chars().collect();
                let n = cs.len();
                let gram = |at: usize, len: usize| cs[at..at + len].iter().collect::<String>();
                match (mode, n) {
                    (_, 1) => push(run.clone(), pos),
                    // Every bigram and every trigram, a trigram at the
                    // position of the bigram it starts with.
                    (Mode::Index, _) => {
                        for i in 0..n - 1 {
                            push(gram(i, 2), pos + i as u32);
                            if i + 3 <= n {
                                push(gram(i, 3), pos + i as u32);
                            }
                        }
                    }
                    (Mode::Query, 2) => push(gram(0, 2), pos),
                    // Trigrams that cover the word: every third, and the last.
                    (Mode::Query, _) => {
                        let mut at: Vec<usize> = (0..=n - 3).step_by(3).collect();
                        if at.last() != Some(&(n - 3)) {
                            at.push(n - 3);
                        }
                        for i in at {
                            push(gram(i, 3), pos + i as u32);
                        }
                    }
                }
                pos += n.max(2) as u32 - 1;
            }
            Class::Word => match grouped_number(&runs[r..]) {
                Some(groups) => {
                    let groups: Vec<&str> =
                        groups.iter().map(|&g| runs[r + g].1.as_str()).collect();
                    match mode {
                        // Each group, and the digits of every span of two
                        // or more groups (06-6975-1234: 0669751234,
                        // 066975, 69751234), at the span's first group.
                        Mode::Index => {
                            for (i, g) in groups.iter().enumerate() {
                                push(g.to_string(), pos);
                                for j in i + 2..=groups.len() {
                                    push(groups[i..j].concat(), pos);
                                }
                                pos += 1;
                            }
                        }
                        // One term: the number as digits only.
                        Mode::Query => {
                            push(groups.concat(), pos);
                            pos += 1;
                        }
                    }
                    r += 2 * groups.len() - 2;
                }
                None => {
                    push(run.clone(), pos);
                    pos += 1;
                }
            },
            Class::Dash | Class::Other => {}
        }
        if !tokens.is_empty() {
            out.push(tokens);
            // More than the widest step between a phrase's trigrams.
            pos += 3;
        }
        r += 1;
    }
    out
}

/// A query as the indexes answer it: its distinct terms in query order,
/// each required, and its phrases: the trigrams that cover a word of four
/// or more CJK characters, (offset, term), which must stand at those
/// offsets from each other in one field (so 木曜午後 does not match
/// 木曜・土曜午後).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    pub terms: Vec<String>,
    pub phrases: Vec<Vec<(u32, String)>>,
}

pub fn parse_query<S: AsRef<str>>(words: &[S]) -> Query {
    let mut q = Query::default();
    for w in words {
        for run in runs(w.as_ref(), Mode::Query) {
            for t in &run {
                if !q.terms.contains(&t.term) {
                    q.terms.push(t.term.clone());
                }
            }
            if run.len() > 1 {
                let first = run[0].position;
                q.phrases.push(
                    run.into_iter()
                        .map(|t| (t.position - first, t.term))
                        .collect(),
                );
            }
        }
    }
    q
}

/// Digit groups joined by single dashes at the start of `runs` (such as
/// `06-6975-1234`): the indexes of the groups' runs, if there are two or
/// more.
fn grouped_number(runs: &[(Class, String)]) -> Option<Vec<usize>> {
    let digits =
        |r: &(Class, String)| r.0 == Class::Word && r.1.bytes().all(|b| b.is_ascii_digit());
    let mut groups = Vec::new();
    let mut i = 0;
    while i < runs.len() && digits(&runs[i]) {
        groups.push(i);
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
    (groups.len() > 1).then_some(groups)
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
    /// Every query term is among the record's terms (AND semantics) and
    /// every phrase stands at consecutive positions.
    fn finds(record: &str, query: &str) -> bool {
        let r = analyze(record, Mode::Index);
        let has = |t: &str, at: u32| r.iter().any(|x| x.term == t && x.position == at);
        // phrases: every (offset, trigram) at its offset from a start
        let query = parse_query(&[query]);
        !query.terms.is_empty()
            && query.terms.iter().all(|t| r.iter().any(|x| &x.term == t))
            && query.phrases.iter().all(|p| {
                r.iter()
                    .any(|start| p.iter().all(|(o, t)| has(t, start.position + o)))
            })
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
        assert_eq!(
            idx("訪問看護"),
            vec!["訪問", "訪問看", "問看", "問看護", "看護"]
        );
        assert_eq!(idx("北 部"), vec!["北", "部"]);
        assert_eq!(idx("センター")[..3], ["せん", "せんた", "んた"]);
        // a gap between runs wider than a phrase's steps
        let t = analyze("東成 訪問", Mode::Index);
        assert_eq!(t.iter().map(|t| t.position).collect::<Vec<_>>(), vec![0, 4]);
        // a query word: its bigram, its trigram, or trigrams that cover it
        assert_eq!(q("薬局"), vec!["薬局"]);
        assert_eq!(q("看取り"), vec!["看取り"]);
        assert_eq!(
            q("地域包括支援センター"),
            vec!["地域包", "括支援", "せんた", "んたー"]
        );
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
        assert!(!finds(record, "6975-1299"));
        assert!(finds(record, "06-6975"));
        assert!(idx(record).contains(&"0669751235".to_string()));
        // a number in the query is one term of its digits
        assert_eq!(q("06-6975-1234"), vec!["0669751234"]);
        assert_eq!(q("6975ー1234"), vec!["69751234"]);
    }

    #[test]
    fn words_of_three_or_more_characters_are_phrases() {
        let phrase = |p: &[(u32, &str)]| -> Vec<(u32, String)> {
            p.iter().map(|(o, t)| (*o, t.to_string())).collect()
        };
        assert_eq!(
            parse_query(&["訪問看護 看取り 内科"]).phrases,
            vec![phrase(&[(0, "訪問看"), (1, "問看護")])]
        );
        assert_eq!(
            parse_query(&["ほうもんかんご"]).phrases,
            vec![phrase(&[(0, "ほうも"), (3, "んかん"), (4, "かんご")])]
        );
        assert!(finds(
            "ひがしなりほうもんかんごすてーしょん",
            "ほうもんかんご"
        ));
        assert!(!finds("ほうもん かんご", "ほうもんかんご"));
        assert!(finds("毎週木曜午後", "木曜午後"));
        assert!(!finds("木曜・土曜午後", "木曜午後"));
        assert!(!finds("新幹 幹線", "新幹線"));
        assert!(finds("ケアケアの会", "ケアケア"));
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
        assert_eq!(q("ひまわりのいえ"), vec!["ひまわ", "りのい", "のいえ"]);
        assert!(finds("ひまわりのいえ", "ひまわりのいえ"));
    }

    #[test]
    fn place_name_ke_is_one_character() {
        for (a, b) in [
            ("霞ケ丘", "霞ヶ丘"),
            ("霞ヶ丘", "霞ｹ丘"),
            ("一ヵ所", "一カ所"),
        ] {
            assert!(finds(a, b), "{a} / {b}");
            assert!(finds(b, a), "{b} / {a}");
        }
        // (only between kanji: katakana words keep their カ and ケ)
        assert!(!finds("ケア", "カア"));
        assert_eq!(fold("霞ケ丘"), fold("霞ヶ丘"));
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
