//! A guidebook file as text: UTF-8 (a file saved in another encoding is
//! reported where it first stops being UTF-8), free of invisible and control
//! characters, and in Unicode NFC, so that text pasted from a Mac
//! (か + ゙, decomposed) is the same text as typed (が).

use std::path::Path;

use unicode_normalization::{is_nfc, UnicodeNormalization};

use crate::diag::{Diagnostic, Pos};

/// The name of a character that a guidebook file may not hold: control
/// characters (but tab, line feed and carriage return), and the invisible
/// ones that make text display other than it reads (zero-width characters,
/// bidirectional overrides, the Unicode line and paragraph separators).
pub fn forbidden(c: char) -> Option<&'static str> {
    Some(match c {
        '\t' | '\n' | '\r' => return None,
        '\u{0}' => "NUL",
        '\u{7}' => "BELL",
        '\u{8}' => "BACKSPACE",
        '\u{1b}' => "ESCAPE",
        '\u{7f}' => "DELETE",
        c if c < ' ' || ('\u{80}'..='\u{9f}').contains(&c) => "a control character",
        '\u{200b}' => "ZERO WIDTH SPACE",
        '\u{200c}' => "ZERO WIDTH NON-JOINER",
        '\u{200d}' => "ZERO WIDTH JOINER",
        '\u{2060}' => "WORD JOINER",
        '\u{feff}' => "ZERO WIDTH NO-BREAK SPACE",
        '\u{200e}' => "LEFT-TO-RIGHT MARK",
        '\u{200f}' => "RIGHT-TO-LEFT MARK",
        '\u{061c}' => "ARABIC LETTER MARK",
        '\u{202a}' => "LEFT-TO-RIGHT EMBEDDING",
        '\u{202b}' => "RIGHT-TO-LEFT EMBEDDING",
        '\u{202c}' => "POP DIRECTIONAL FORMATTING",
        '\u{202d}' => "LEFT-TO-RIGHT OVERRIDE",
        '\u{202e}' => "RIGHT-TO-LEFT OVERRIDE",
        '\u{2066}' => "LEFT-TO-RIGHT ISOLATE",
        '\u{2067}' => "RIGHT-TO-LEFT ISOLATE",
        '\u{2068}' => "FIRST STRONG ISOLATE",
        '\u{2069}' => "POP DIRECTIONAL ISOLATE",
        // Line breaks for YAML, not for carebook's line numbers nor for
        // most editors: positions would disagree, even point past the end
        // of the file (found by fuzzing, tests/fuzz-regressions).
        '\u{2028}' => "LINE SEPARATOR",
        '\u{2029}' => "PARAGRAPH SEPARATOR",
        _ => return None,
    })
}

/// `U+202E RIGHT-TO-LEFT OVERRIDE`
pub fn describe(c: char) -> String {
    match forbidden(c) {
        Some(name) if !name.starts_with("a ") => format!("U+{:04X} {name}", c as u32),
        _ => format!("U+{:04X}", c as u32),
    }
}

/// 1-based line and column (in characters) of byte `offset`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// Reads a guidebook file as NFC text; problems are reported at their
/// line and column, every one of the file.
pub fn read(path: &Path) -> Result<String, Vec<Diagnostic>> {
    let bytes = std::fs::read(path).map_err(|e| {
        vec![Diagnostic::error(
            path,
            Pos::File,
            format!("cannot read: {e}"),
        )]
    })?;
    decode(path, bytes)
}

/// [`read`] for bytes already read.
pub fn decode(path: &Path, bytes: Vec<u8>) -> Result<String, Vec<Diagnostic>> {
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => return Err(vec![not_utf8(path, e)]),
    };
    let mut problems: Vec<Diagnostic> = text
        .char_indices()
        .enumerate()
        // A byte order mark may open a file; nowhere else.
        .filter(|&(n, (_, c))| forbidden(c).is_some() && !(n == 0 && c == '\u{feff}'))
        .map(|(_, (i, c))| {
            let (line, col) = line_col(&text, i);
            Diagnostic::error(
                path,
                Pos::At { line, col },
                format!("invisible character {} in the text", describe(c)),
            )
            .with_hint(
                "it is not shown but changes how the text is read or displayed; delete it (retype the words around it)",
            )
        })
        .collect();
    // A carriage return not followed by a line feed (classic Mac line
    // endings) ends a line for YAML and Markdown, but not for the line
    // numbers carebook counts itself: positions would disagree, even point
    // past the end of the file (found by fuzzing, tests/fuzz-regressions).
    // Reported once, at the first.
    let lone_cr = text
        .match_indices('\r')
        .map(|(i, _)| i)
        .find(|&i| !text[i + 1..].starts_with('\n'));
    if let Some(i) = lone_cr {
        let (line, col) = line_col(&text, i);
        problems.push(
            Diagnostic::error(
                path,
                Pos::At { line, col },
                "line break written as a carriage return alone (U+000D, old Mac line endings)",
            )
            .with_hint("save the file with LF (Unix) or CRLF (Windows) line endings"),
        );
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(if is_nfc(&text) {
        text
    } else {
        text.nfc().collect()
    })
}

fn not_utf8(path: &Path, e: std::string::FromUtf8Error) -> Diagnostic {
    let at = e.utf8_error().valid_up_to();
    let bytes = e.as_bytes();
    // The valid part is text; the line and column are counted in it.
    let valid = std::str::from_utf8(&bytes[..at]).unwrap_or_default();
    let (line, col) = line_col(valid, at);
    // Shift_JIS text decodes without errors into Japanese, not into
    // control characters as an image or other binary file does.
    let (sjis, _, sjis_errors) = encoding_rs::SHIFT_JIS.decode(bytes);
    let japanese = sjis
        .chars()
        .any(|c| matches!(c, '\u{3040}'..='\u{30ff}' | '\u{4e00}'..='\u{9fff}'));
    let control = sjis
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'));
    let hint = if !sjis_errors && japanese && !control {
        "the file looks like Shift_JIS (CP932), as Excel and older Windows editors save: save it as UTF-8 (in Windows Notepad: 名前を付けて保存 → 文字コード UTF-8)"
    } else if control {
        "this does not look like a text file (an image or other binary file?); records are YAML or Markdown text"
    } else {
        "save the file as UTF-8 (in Windows Notepad: 名前を付けて保存 → 文字コード UTF-8)"
    };
    Diagnostic::error(
        path,
        Pos::At { line, col },
        format!("the file is not UTF-8 text (byte 0x{:02X})", bytes[at]),
    )
    .with_hint(hint)
}

/// The column in the file as written of column `col` of `line` in its NFC
/// form, where they differ (a decomposed character is one in NFC).
pub fn original_col(line: &str, col: usize) -> usize {
    if is_nfc(line) {
        return col;
    }
    // The last prefix whose NFC form ends just before the column.
    let ends: Vec<usize> = line
        .char_indices()
        .map(|(i, _)| i)
        .chain([line.len()])
        .collect();
    let mut found = 0;
    for (k, &end) in ends.iter().enumerate() {
        match line[..end].nfc().count().cmp(&(col - 1)) {
            std::cmp::Ordering::Equal => found = k,
            std::cmp::Ordering::Greater => break,
            std::cmp::Ordering::Less => {}
        }
    }
    found + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decomposed_columns_map_back_to_the_file() {
        // か + U+3099 is が in NFC: column 2 of "がX" is column 3 of the file.
        let line = "か\u{3099}X";
        assert_eq!(original_col(line, 1), 1);
        assert_eq!(original_col(line, 2), 3);
        assert_eq!(original_col("abc", 2), 2);
    }

    #[test]
    fn refuses_a_carriage_return_without_line_feed_once() {
        let p = Path::new("x.yaml");
        assert!(decode(p, b"name: A\r\nkana: a\r\n".to_vec()).is_ok());
        let e = decode(p, b"name: A\r\nkana: a\rid: b\rx\n".to_vec()).unwrap_err();
        assert_eq!(e.len(), 1);
        assert!(
            e[0].to_string()
                .starts_with("x.yaml:2:8: error: line break written as a carriage return alone"),
            "{}",
            e[0]
        );
    }

    #[test]
    fn decodes_to_nfc_and_refuses_invisible_characters() {
        let p = Path::new("x.yaml");
        let t = decode(p, "kana: か\u{3099}\n".into()).unwrap();
        assert_eq!(t, "kana: が\n");
        let e = decode(p, "name: A\u{202e}B\nkana: \u{0}\n".into()).unwrap_err();
        let text: Vec<String> = e.iter().map(ToString::to_string).collect();
        assert_eq!(
            text[0].lines().next().unwrap(),
            "x.yaml:1:8: error: invisible character U+202E RIGHT-TO-LEFT OVERRIDE in the text"
        );
        assert!(text[1].starts_with("x.yaml:2:7: error: invisible character U+0000 NUL"));
        let e = decode(p, b"name: A\n\x93\x8c\x90\xac\n".to_vec()).unwrap_err();
        let s = e[0].to_string();
        assert!(
            s.starts_with("x.yaml:2:1: error: the file is not UTF-8 text (byte 0x93)"),
            "{s}"
        );
        assert!(s.contains("Shift_JIS"), "{s}");
    }
}
