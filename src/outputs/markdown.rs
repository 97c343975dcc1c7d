//! Markdown to HTML for descriptions and free pages. Raw HTML in the source
//! is shown as text unless the guidebook allows it, and then sanitised.

use pulldown_cmark::{html, Event, Options, Parser};

pub fn to_html(source: &str, allow_html: bool) -> String {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_FOOTNOTES;
    let parser = Parser::new_ext(source, options).map(|event| match event {
        Event::Html(h) | Event::InlineHtml(h) if !allow_html => Event::Text(h),
        e => e,
    });
    let mut out = String::with_capacity(source.len() * 3 / 2);
    html::push_html(&mut out, parser);
    if allow_html {
        ammonia::clean(&out)
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_is_escaped_unless_allowed() {
        let md = "本文 <script>alert(1)</script>\n\n<div onclick=\"x()\">枠</div>\n";
        let escaped = to_html(md, false);
        assert!(escaped.contains("&lt;script&gt;"), "{escaped}");
        assert!(!escaped.contains("<script"));
        let sanitised = to_html(md, true);
        assert!(!sanitised.contains("<script"), "{sanitised}");
        assert!(!sanitised.contains("onclick"), "{sanitised}");
        assert!(sanitised.contains("<div>枠</div>"), "{sanitised}");
    }
}
