//! Validated value types of the model: phone numbers, postal codes, times,
//! days of the week, dates and kana readings. Each parser returns a message
//! and a hint that the model turns into a positioned diagnostic.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::load::raw::{Scalar, ScalarKind};

/// What was wrong, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub message: String,
    pub hint: String,
}

fn problem(message: impl Into<String>, hint: impl Into<String>) -> Problem {
    Problem {
        message: message.into(),
        hint: hint.into(),
    }
}

/// Full-width digits and the many dash look-alikes folded to ASCII, to
/// suggest a fix when a number was typed with an IME.
fn ascii_fold(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '‐' | '‑' | '‒' | '–' | '—' | '−' | 'ー' | '－' | '―' | '─' | 'ｰ' => {
                '-'
            }
            c => c,
        })
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// A Japanese phone or FAX number, hyphenated: `06-6975-1234`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Phone(pub String);

impl Phone {
    pub fn parse(s: &Scalar, what: &str) -> Result<Phone, Problem> {
        if s.kind == ScalarKind::Number {
            return Err(problem(
                format!(
                    "{what} is written as a number ({}); its leading zero is lost",
                    s.text
                ),
                format!("quote it as text, hyphenated: {what}: \"0{}\"", s.text),
            ));
        }
        let text = s.text.trim();
        if is_phone(text) {
            return Ok(Phone(text.to_string()));
        }
        let folded = ascii_fold(text);
        if folded.len() >= 10
            && folded.starts_with('0')
            && folded.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(problem(
                format!("{what} \"{text}\" has no hyphens"),
                "write it hyphenated after the area code, e.g. \"06-6975-1234\"",
            ));
        }
        let hint = if is_phone(&folded) {
            format!("write it with ASCII digits and hyphens: \"{folded}\"")
        } else {
            "write it hyphenated, e.g. \"06-6975-1234\" (10 digits, or 11 for 070/080/090/050 numbers)"
                .to_string()
        };
        Err(problem(
            format!("{what} \"{text}\" is not a Japanese phone number"),
            hint,
        ))
    }

    /// The number with digits only, for `tel:` links and search.
    pub fn digits(&self) -> String {
        self.0.chars().filter(char::is_ascii_digit).collect()
    }

    /// The number as dialled from abroad, `+81-6-6975-1234`, the form
    /// schema.org's `telephone` expects.
    pub fn international(&self) -> String {
        format!("+81-{}", self.0.strip_prefix('0').unwrap_or(&self.0))
    }
}

fn is_phone(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    if groups.len() != 3
        || groups
            .iter()
            .any(|g| g.is_empty() || !g.bytes().all(|b| b.is_ascii_digit()))
    {
        return false;
    }
    let digits: usize = groups.iter().map(|g| g.len()).sum();
    let mobile = ["070", "080", "090", "050", "020"].contains(&groups[0]);
    groups[0].starts_with('0')
        && groups[0].len() <= 5
        && if mobile { digits == 11 } else { digits == 10 }
}

/// A postal code `537-0025`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Postal(pub String);

impl Postal {
    pub fn parse(s: &Scalar) -> Result<Postal, Problem> {
        let text = s.text.trim();
        let ok = |t: &str| {
            t.len() == 8
                && t.as_bytes()[3] == b'-'
                && t.bytes()
                    .enumerate()
                    .all(|(i, b)| i == 3 || b.is_ascii_digit())
        };
        if s.kind == ScalarKind::String && ok(text) {
            return Ok(Postal(text.to_string()));
        }
        let folded = ascii_fold(text.trim_start_matches('〒'));
        let suggestion = if folded.len() == 7 && folded.bytes().all(|b| b.is_ascii_digit()) {
            format!("{}-{}", &folded[..3], &folded[3..])
        } else {
            folded
        };
        let hint = if ok(&suggestion) {
            format!("write it as \"{suggestion}\"")
        } else {
            "write three digits, a hyphen and four digits, e.g. \"537-0025\"".to_string()
        };
        Err(problem(
            format!("postal code \"{text}\" is not in the form 123-4567"),
            hint,
        ))
    }
}

/// A time of day, `HH:MM`; 24:00 is allowed as a closing time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Time {
    pub minutes: u16,
}

impl Time {
    pub fn parse(s: &Scalar) -> Result<Time, Problem> {
        let text = s.text.trim();
        let bad = || {
            problem(
                format!("time \"{text}\" is not HH:MM"),
                "write 24-hour time with two-digit hours in quotes, e.g. \"09:00\" or \"17:30\"",
            )
        };
        if s.kind != ScalarKind::String {
            return Err(bad());
        }
        let b = text.as_bytes();
        if b.len() != 5
            || b[2] != b':'
            || !b
                .iter()
                .enumerate()
                .all(|(i, c)| i == 2 || c.is_ascii_digit())
        {
            return Err(bad());
        }
        let h = u16::from(b[0] - b'0') * 10 + u16::from(b[1] - b'0');
        let m = u16::from(b[3] - b'0') * 10 + u16::from(b[4] - b'0');
        if m >= 60 || h > 24 || (h == 24 && m > 0) {
            return Err(problem(
                format!("time \"{text}\" does not exist"),
                "hours go from 00 to 24 and minutes from 00 to 59",
            ));
        }
        Ok(Time {
            minutes: h * 60 + m,
        })
    }

    /// `9:00`, as printed in guidebooks.
    pub fn short(&self) -> String {
        format!("{}:{:02}", self.minutes / 60, self.minutes % 60)
    }
}

impl fmt::Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.minutes / 60, self.minutes % 60)
    }
}

pub const DAY_CHARS: [char; 8] = ['月', '火', '水', '木', '金', '土', '日', '祝'];
/// schema.org dayOfWeek names, in the order of [`DAY_CHARS`].
pub const DAY_SCHEMA: [&str; 8] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "PublicHolidays",
];

/// A set of days: bit i is `DAY_CHARS[i]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Days(pub u8);

impl Days {
    pub fn parse(s: &Scalar) -> Result<Days, Problem> {
        let text = s.text.trim();
        let hint = "use the day characters 月火水木金土日 and 祝, as a range (月～金) or a list (月水金, 月・水・金)";
        let index = |c: char| DAY_CHARS.iter().position(|&d| d == c);
        let mut set = 0u8;
        let mut prev: Option<usize> = None;
        let mut range = false;
        for c in text.chars() {
            match c {
                '～' | '〜' | '~' | '-' | '－' | 'ー' => {
                    if prev.is_none() || range {
                        return Err(problem(
                            format!("days \"{text}\": a range needs a day on each side"),
                            hint,
                        ));
                    }
                    range = true;
                }
                '・' | ',' | '、' | '，' | ' ' | '　' | '/' => {}
                _ => {
                    let Some(i) = index(c) else {
                        return Err(problem(
                            format!("days \"{text}\": 「{c}」 is not a day"),
                            hint,
                        ));
                    };
                    if range {
                        let start = prev.unwrap_or(i);
                        if i < start || i == 7 {
                            return Err(problem(
                                format!("days \"{text}\": the range runs backwards"),
                                "a range goes forward through 月火水木金土日, e.g. 月～金",
                            ));
                        }
                        for d in start..=i {
                            set |= 1 << d;
                        }
                        range = false;
                    }
                    set |= 1 << i;
                    prev = Some(i);
                }
            }
        }
        if range || set == 0 {
            return Err(problem(format!("days \"{text}\" names no day"), hint));
        }
        Ok(Days(set))
    }

    pub fn contains(&self, i: usize) -> bool {
        self.0 & (1 << i) != 0
    }

    /// `月～金`, `月・水・金`, `土・日・祝`: runs of three or more weekdays as ranges.
    pub fn label(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        let mut i = 0;
        while i < 7 {
            if self.contains(i) {
                let start = i;
                while i + 1 < 7 && self.contains(i + 1) {
                    i += 1;
                }
                if i - start >= 2 {
                    parts.push(format!("{}～{}", DAY_CHARS[start], DAY_CHARS[i]));
                } else {
                    parts.extend((start..=i).map(|d| DAY_CHARS[d].to_string()));
                }
            }
            i += 1;
        }
        if self.contains(7) {
            parts.push("祝".to_string());
        }
        parts.join("・")
    }
}

/// A calendar date written `YYYY-MM-DD`.
pub fn parse_date(s: &Scalar) -> Result<NaiveDate, Problem> {
    let text = s.text.trim();
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .filter(|_| text.len() == 10)
        .ok_or_else(|| {
            problem(
                format!("date \"{text}\" is not a date in the form YYYY-MM-DD"),
                "write e.g. 2026-09-15 (year-month-day, with zero-padded month and day)",
            )
        })
}

/// `2026年9月15日`
pub fn date_ja(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// The Japanese era year: 令和8年 for 2026 (令和元年 began on 2019-05-01).
/// 「令和8年10月現在」: the date a guidebook is current to, as printed.
pub fn as_of_wareki(d: NaiveDate) -> String {
    format!("{}{}月現在", wareki_year(d), d.month())
}

/// 「2026年10月現在」
pub fn as_of_ja(d: NaiveDate) -> String {
    format!("{}年{}月現在", d.year(), d.month())
}

pub fn wareki_year(d: NaiveDate) -> String {
    let reiwa_start = NaiveDate::from_ymd_opt(2019, 5, 1).unwrap_or(d);
    if d >= reiwa_start {
        match d.year() - 2018 {
            1 => "令和元年".to_string(),
            y => format!("令和{y}年"),
        }
    } else if d.year() >= 1989 {
        match d.year() - 1988 {
            1 => "平成元年".to_string(),
            y => format!("平成{y}年"),
        }
    } else {
        format!("{}年", d.year())
    }
}

/// Months from `earlier` to `later`, counting a month only once its day is reached.
pub fn months_between(earlier: NaiveDate, later: NaiveDate) -> i64 {
    let mut m = (i64::from(later.year()) - i64::from(earlier.year())) * 12
        + i64::from(later.month())
        - i64::from(earlier.month());
    if later.day() < earlier.day() {
        m -= 1;
    }
    m
}

/// The first character that cannot appear in a kana reading, if any.
pub fn non_kana(s: &str) -> Option<char> {
    s.chars().find(|&c| {
        !matches!(c,
            '\u{3041}'..='\u{3096}' | '\u{309B}'..='\u{309E}' // hiragana, voiced marks, iteration
            | '\u{30A1}'..='\u{30FE}'                          // katakana, ・, ー, iteration
            | '\u{FF66}'..='\u{FF9F}'                          // half-width katakana
            | ' ' | '\u{3000}')
    })
}

pub fn check_kana(s: &str) -> Result<(), Problem> {
    if s.trim().is_empty() {
        return Err(problem(
            "kana reading is empty",
            "write the name's reading in hiragana, e.g. kana: ひがしなりくりにっく",
        ));
    }
    match non_kana(s) {
        None => Ok(()),
        Some(c) => Err(problem(
            format!("kana reading \"{s}\" contains 「{c}」, which is not kana"),
            "write the whole reading in hiragana or katakana (numbers and letters as they are read, e.g. だいいち, えーびーしー)",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn st(s: &str) -> Scalar {
        Scalar {
            text: s.into(),
            kind: ScalarKind::String,
        }
    }

    #[test]
    fn phones() {
        assert!(Phone::parse(&st("06-6975-1234"), "phone").is_ok());
        assert!(Phone::parse(&st("090-1234-5678"), "phone").is_ok());
        assert!(Phone::parse(&st("0120-123-456"), "phone").is_ok());
        assert!(Phone::parse(&st("06-6975-12345"), "phone").is_err());
        assert!(Phone::parse(&st("0669751234"), "phone").is_err());
        let e = Phone::parse(&st("０６－６９７５－１２３４"), "phone").unwrap_err();
        assert!(e.hint.contains("\"06-6975-1234\""), "{e:?}");
        let n = Scalar {
            text: "669751234".into(),
            kind: ScalarKind::Number,
        };
        assert!(Phone::parse(&n, "fax")
            .unwrap_err()
            .message
            .contains("leading zero"));
    }

    #[test]
    fn days_and_times() {
        assert_eq!(Days::parse(&st("月～金")).unwrap().label(), "月～金");
        assert_eq!(Days::parse(&st("月水金")).unwrap().label(), "月・水・金");
        assert_eq!(Days::parse(&st("土,日,祝")).unwrap().label(), "土・日・祝");
        assert_eq!(Days::parse(&st("月-水・金")).unwrap().label(), "月～水・金");
        assert!(Days::parse(&st("金～月")).is_err());
        assert!(Days::parse(&st("平日")).is_err());
        assert_eq!(Time::parse(&st("09:05")).unwrap().short(), "9:05");
        assert!(Time::parse(&st("9:00")).is_err());
        assert!(Time::parse(&st("25:00")).is_err());
        assert!(Time::parse(&st("24:00")).is_ok());
    }

    #[test]
    fn postal_and_kana_and_dates() {
        assert!(Postal::parse(&st("537-0025")).is_ok());
        assert_eq!(
            Postal::parse(&st("5370025")).unwrap_err().hint,
            "write it as \"537-0025\""
        );
        assert!(check_kana("ひがしなり クリニック").is_ok());
        assert!(check_kana("東成くりにっく").is_err());
        let d = |s| parse_date(&st(s)).unwrap();
        assert_eq!(months_between(d("2025-10-01"), d("2026-10-01")), 12);
        assert_eq!(months_between(d("2025-10-02"), d("2026-10-01")), 11);
        assert!(parse_date(&st("2026-02-30")).is_err());
        assert_eq!(wareki_year(d("2026-10-01")), "令和8年");
        assert_eq!(wareki_year(d("2019-05-01")), "令和元年");
        assert_eq!(wareki_year(d("2019-04-30")), "平成31年");
    }
}
