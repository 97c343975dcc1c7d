//! What may reach a page's markup from a guidebook's text: the one list of
//! URL schemes a link or an image may use, and JSON made safe to sit inside
//! a `<script>` element.

/// Schemes a published `href` or `src` may use; anything without a scheme is
/// a relative link and allowed.
pub const SCHEMES: &[&str] = &["http", "https", "mailto", "tel"];

/// `url` if a browser would follow it only to a web page, an e-mail, a phone
/// call or a file of the site, else `None` (`javascript:`, `data:`,
/// `vbscript:`, … however disguised). Browsers drop tabs and line breaks
/// anywhere in a URL and leading spaces and control characters before they
/// look for the scheme, so the check does too.
pub fn safe_href(url: &str) -> Option<&str> {
    let cleaned: String = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    // A scheme is what comes before the first `:`, if no `/`, `?` or `#`
    // comes before it.
    let end = cleaned.find([':', '/', '?', '#']);
    match end {
        Some(i) if cleaned[i..].starts_with(':') => {
            let scheme = cleaned[..i].to_ascii_lowercase();
            SCHEMES.contains(&scheme.as_str()).then_some(url)
        }
        _ => Some(url),
    }
}

/// JSON as text that can sit inside `<script>` in HTML: `<`, `>` and `&` as
/// `\u003c`, `\u003e` and `\u0026` (so that neither `</script>` nor `<!--`
/// can end or hide the element), and the two line separators JavaScript
/// strings may not hold before ES2019. These characters only occur inside
/// JSON strings, where the escapes mean the same.
pub fn json_in_html(v: &serde_json::Value) -> String {
    let text = v.to_string();
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_listed_schemes_and_relative_links_pass() {
        for ok in [
            "https://example.jp/",
            "HTTP://example.jp",
            "mailto:a@example.jp",
            "tel:0600000001",
            "../pages/acp.html",
            "acp.html#top",
            "/guidebook/",
            "?q=a:b",
            "#sec",
        ] {
            assert_eq!(safe_href(ok), Some(ok), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            " javascript:alert(1)",
            "\u{1}javascript:alert(1)",
            "java\tscript:alert(1)",
            "java\nscript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox",
            "file:///etc/passwd",
        ] {
            assert_eq!(safe_href(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn json_cannot_end_or_hide_a_script_element() {
        let v = serde_json::json!({"name": "</script><!--<script>&\u{2028}"});
        let s = json_in_html(&v);
        assert!(
            !s.contains('<') && !s.contains('>') && !s.contains('&'),
            "{s}"
        );
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
    }
}
