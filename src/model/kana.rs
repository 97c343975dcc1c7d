//! 五十音 order on kana readings, after JIS X 4061: readings compare first
//! with voiced marks and small kana taken as their plain forms and the long
//! vowel mark as the vowel it lengthens; only ties look at the marks.

/// Katakana (full or half width) to hiragana; other characters unchanged.
pub fn to_hiragana(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{30A1}'..='\u{30F6}' => out.push(char::from_u32(c as u32 - 0x60).unwrap_or(c)),
            '\u{FF66}'..='\u{FF9D}' => {
                let base = half_width(c);
                match chars.peek() {
                    Some('\u{FF9E}') => {
                        chars.next();
                        out.push(voiced(base));
                    }
                    Some('\u{FF9F}') => {
                        chars.next();
                        out.push(semi_voiced(base));
                    }
                    _ => out.push(base),
                }
            }
            _ => out.push(c),
        }
    }
    out
}

fn half_width(c: char) -> char {
    const TABLE: &str = "をぁぃぅぇぉゃゅょっーあいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわん";
    TABLE.chars().nth((c as u32 - 0xFF66) as usize).unwrap_or(c)
}

fn voiced(c: char) -> char {
    match c {
        'か'..='ぢ' if (c as u32) % 2 == 1 => char::from_u32(c as u32 + 1).unwrap_or(c),
        'つ' | 'て' | 'と' => char::from_u32(c as u32 + 1).unwrap_or(c),
        'は' | 'ひ' | 'ふ' | 'へ' | 'ほ' => char::from_u32(c as u32 + 1).unwrap_or(c),
        'う' => 'ゔ',
        _ => c,
    }
}

fn semi_voiced(c: char) -> char {
    match c {
        'は' | 'ひ' | 'ふ' | 'へ' | 'ほ' => char::from_u32(c as u32 + 2).unwrap_or(c),
        _ => c,
    }
}

/// The plain form of a hiragana: が→か, ぱ→は, ゃ→や, っ→つ.
fn plain(c: char) -> char {
    match c {
        'ぁ' | 'ぃ' | 'ぅ' | 'ぇ' | 'ぉ' | 'っ' | 'ゃ' | 'ゅ' | 'ょ' | 'ゎ' => {
            char::from_u32(c as u32 + 1).unwrap_or(c)
        }
        'ゕ' => 'か',
        'ゖ' => 'け',
        'ゔ' => 'う',
        'が'..='ぢ' if (c as u32).is_multiple_of(2) => char::from_u32(c as u32 - 1).unwrap_or(c),
        'づ' | 'で' | 'ど' => char::from_u32(c as u32 - 1).unwrap_or(c),
        'ば' | 'び' | 'ぶ' | 'べ' | 'ぼ' => char::from_u32(c as u32 - 1).unwrap_or(c),
        'ぱ' | 'ぴ' | 'ぷ' | 'ぺ' | 'ぽ' => char::from_u32(c as u32 - 2).unwrap_or(c),
        _ => c,
    }
}

fn vowel_of(c: char) -> Option<char> {
    const ROWS: [(&str, char); 5] = [
        ("あかさたなはまやらわ", 'あ'),
        ("いきしちにひみり", 'い'),
        ("うくすつぬふむゆる", 'う'),
        ("えけせてねへめれ", 'え'),
        ("おこそとのほもよろを", 'お'),
    ];
    ROWS.iter()
        .find(|(row, _)| row.contains(c))
        .map(|&(_, v)| v)
}

/// The key a reading sorts by: plain forms first, then the reading itself.
pub fn sort_key(kana: &str) -> String {
    let hira = to_hiragana(kana);
    let mut primary = String::with_capacity(hira.len());
    let mut last: Option<char> = None;
    for c in hira.chars() {
        let p = match c {
            ' ' | '\u{3000}' | '・' | '゛' | '゜' => continue,
            'ー' => match last.and_then(vowel_of) {
                Some(v) => v,
                None => continue,
            },
            c => plain(c),
        };
        primary.push(p);
        last = Some(p);
    }
    // A separator below every kana keeps "primary" comparisons first.
    primary.push('\u{1}');
    primary.push_str(&hira);
    primary
}

/// The 五十音 row a reading is listed under in an index: あ, か, さ, …, わ;
/// "他" when it does not start with kana.
pub fn row(kana: &str) -> &'static str {
    row_of_key(&sort_key(kana))
}

/// [`row`] of a reading's [`sort_key`].
pub fn row_of_key(key: &str) -> &'static str {
    const ROWS: [(&str, &str); 10] = [
        ("あいうえお", "あ"),
        ("かきくけこ", "か"),
        ("さしすせそ", "さ"),
        ("たちつてと", "た"),
        ("なにぬねの", "な"),
        ("はひふへほ", "は"),
        ("まみむめも", "ま"),
        ("やゆよ", "や"),
        ("らりるれろ", "ら"),
        ("わをん", "わ"),
    ];
    let first = key.chars().next().unwrap_or('\u{1}');
    ROWS.iter()
        .find(|(chars, _)| chars.contains(first))
        .map_or("他", |&(_, name)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_rows() {
        assert_eq!(row("がくえん"), "か");
        assert_eq!(row("ぱんや"), "は");
        assert_eq!(row("ゔぃら"), "あ");
        assert_eq!(row("ヒマワリ"), "は");
        assert_eq!(row("をかし"), "わ");
        assert_eq!(row("ABC"), "他");
        assert_eq!(row(""), "他");
    }

    #[test]
    fn folds_scripts() {
        assert_eq!(to_hiragana("サクラ"), "さくら");
        assert_eq!(to_hiragana("ｻｸﾗ"), "さくら");
        assert_eq!(to_hiragana("ｶﾞｯｺｳ"), "がっこう");
        assert_eq!(to_hiragana("ﾎﾟﾝ"), "ぽん");
    }

    #[test]
    fn gojuon_order() {
        let mut words = vec![
            "ばら",
            "はる",
            "ぱん",
            "はな",
            "あおい",
            "カメ",
            "がっこう",
            "かつ",
        ];
        words.sort_by_key(|w| sort_key(w));
        assert_eq!(
            words,
            vec![
                "あおい",
                "かつ",
                "がっこう",
                "カメ",
                "はな",
                "ばら",
                "はる",
                "ぱん"
            ]
        );
        // plain before voiced when otherwise equal
        assert!(sort_key("はし") < sort_key("ばし"));
        // ー counts as the vowel it lengthens: こーら sorts as こおら
        assert!(sort_key("こーら") < sort_key("こかげ"));
        assert!(sort_key("こえ") < sort_key("こーら"));
    }
}
