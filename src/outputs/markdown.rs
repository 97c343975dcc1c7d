//! Markdown of descriptions and free pages, to HTML for the site and to typst
//! markup for the pamphlet. Raw HTML in the source is shown as text unless the
//! guidebook allows it, and then sanitised; the pamphlet always shows it as
//! text.

use pulldown_cmark::{html, CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::outputs::html::{safe_href, SCHEMES};

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_FOOTNOTES
}

/// Links and images whose address fails [`safe_href`] lose the link or the
/// image and keep their text, whatever `allow_html` says.
fn safe_links<'a>(events: impl Iterator<Item = Event<'a>>) -> impl Iterator<Item = Event<'a>> {
    // Per open link or image: whether its tags are dropped.
    let mut open: Vec<bool> = Vec::new();
    events.filter(move |event| match event {
        Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
            let drop = safe_href(dest_url).is_none();
            open.push(drop);
            !drop
        }
        Event::End(TagEnd::Link | TagEnd::Image) => !open.pop().unwrap_or(false),
        _ => true,
    })
}

pub fn to_html(source: &str, allow_html: bool) -> String {
    let parser = safe_links(Parser::new_ext(source, options())).map(|event| match event {
        Event::Html(h) | Event::InlineHtml(h) if !allow_html => Event::Text(h),
        e => e,
    });
    let mut out = String::with_capacity(source.len() * 3 / 2);
    html::push_html(&mut out, parser);
    if allow_html {
        ammonia::Builder::default()
            .url_schemes(SCHEMES.iter().copied().collect())
            .clean(&out)
            .to_string()
    } else {
        out
    }
}

/// Text as typst markup that shows exactly these characters: every ASCII
/// punctuation mark is escaped, since most of them mean something there.
pub fn typst_text(text: &str, out: &mut String) {
    for c in text.chars() {
        if c.is_ascii_punctuation() {
            out.push('\\');
        }
        out.push(c);
    }
}

/// A typst string literal.
fn typst_string(text: &str, out: &mut String) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Markdown to typst markup, which the pamphlet template evaluates. Headings
/// start at level 2 (the page's title is level 1) and stay out of the
/// contents.
pub fn to_typst(source: &str) -> String {
    let mut out = String::with_capacity(source.len() * 3 / 2);
    // Open lists: Some(next number) for ordered ones.
    let mut lists: Vec<Option<u64>> = Vec::new();
    let mut in_code = false;
    let indent = |lists: &Vec<Option<u64>>| "  ".repeat(lists.len().saturating_sub(1));
    for event in safe_links(Parser::new_ext(source, options())) {
        match event {
            Event::Start(tag) => match tag {
                Tag::Paragraph => {}
                Tag::Heading { level, .. } => {
                    let level = match level {
                        HeadingLevel::H1 | HeadingLevel::H2 => 2,
                        HeadingLevel::H3 => 3,
                        _ => 4,
                    };
                    out.push_str(&format!("#heading(level: {level}, outlined: false)["));
                }
                Tag::BlockQuote(_) => out.push_str("#quote(block: true)["),
                Tag::CodeBlock(kind) => {
                    in_code = true;
                    out.push_str("#raw(block: true, lang: ");
                    match kind {
                        CodeBlockKind::Fenced(lang) if !lang.is_empty() => {
                            typst_string(&lang, &mut out)
                        }
                        _ => out.push_str("none"),
                    }
                    out.push_str(", ");
                }
                Tag::List(start) => {
                    if !lists.is_empty() {
                        out.push('\n');
                    }
                    lists.push(start);
                }
                Tag::Item => {
                    out.push_str(&indent(&lists));
                    match lists.last_mut() {
                        Some(Some(n)) => {
                            out.push_str(&format!("{n}. "));
                            *n += 1;
                        }
                        _ => out.push_str("- "),
                    }
                }
                Tag::Table(align) => {
                    out.push_str(&format!("#table(columns: {}, ", align.len().max(1)))
                }
                Tag::TableHead => out.push_str("table.header("),
                Tag::TableRow => {}
                Tag::TableCell => out.push('['),
                Tag::Emphasis => out.push_str("#emph["),
                Tag::Strong => out.push_str("#strong["),
                Tag::Strikethrough => out.push_str("#strike["),
                Tag::Link { dest_url, .. } => {
                    out.push_str("#link(");
                    typst_string(&dest_url, &mut out);
                    out.push_str(")[");
                }
                Tag::FootnoteDefinition(label) => {
                    out.push_str("#block[#super[");
                    typst_text(&label, &mut out);
                    out.push_str("] ");
                }
                _ => {}
            },
            Event::End(tag) => match tag {
                TagEnd::Paragraph => out.push_str(if lists.is_empty() { "\n\n" } else { " " }),
                TagEnd::Heading(_) => out.push_str("]\n\n"),
                TagEnd::BlockQuote(_) => out.push_str("]\n\n"),
                TagEnd::CodeBlock => {
                    in_code = false;
                    out.push_str(")\n\n");
                }
                TagEnd::List(_) => {
                    lists.pop();
                    if lists.is_empty() {
                        out.push('\n');
                    }
                }
                TagEnd::Item => out.push('\n'),
                TagEnd::Table => out.push_str(")\n\n"),
                TagEnd::TableHead => out.push_str("), "),
                TagEnd::TableCell => out.push_str("], "),
                TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link => {
                    out.push(']')
                }
                TagEnd::FootnoteDefinition => out.push_str("]\n\n"),
                _ => {}
            },
            Event::Text(t) if in_code => typst_string(&t, &mut out),
            Event::Text(t) | Event::Html(t) | Event::InlineHtml(t) => typst_text(&t, &mut out),
            Event::Code(t) => {
                out.push_str("#raw(");
                typst_string(&t, &mut out);
                out.push(')');
            }
            Event::FootnoteReference(label) => {
                out.push_str("#super[");
                typst_text(&label, &mut out);
                out.push(']');
            }
            Event::SoftBreak => out.push(' '),
            Event::HardBreak => out.push_str("\\\n"),
            Event::Rule => out.push_str("#line(length: 100%)\n\n"),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typst_markup_escapes_and_structures() {
        let md = "## 見出し\n\n本文に*強調*と**太字**、[リンク](https://e.jp/?a=\"b\")。#x $y$ <z> @w\n\n- 一\n- 二\n  1. 入れ子\n";
        let t = to_typst(md);
        assert!(
            t.starts_with("#heading(level: 2, outlined: false)[見出し]"),
            "{t}"
        );
        assert!(t.contains("#emph[強調]と#strong[太字]"), "{t}");
        assert!(
            t.contains("#link(\"https://e.jp/?a=\\\"b\\\"\")[リンク]"),
            "{t}"
        );
        assert!(t.contains("\\#x \\$y\\$ \\<z\\> \\@w"), "{t}");
        assert!(t.contains("- 一\n- 二\n  1. 入れ子\n"), "{t}");
    }

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

    #[test]
    fn script_links_lose_their_link_but_keep_their_text() {
        let md = "[相談フォーム](javascript:alert(document.title)) <javascript:alert(1)> \
                  [x](&#x6A;avascript:alert(1)) [y]( javascript:alert(1)) \
                  ![図](data:text/html,x) [ok](https://example.jp/) [rel](acp.html)\n\n\
                  <a href=\"javascript:alert(1)\">raw</a>\n";
        for allow_html in [false, true] {
            let html = to_html(md, allow_html);
            // (the raw <a> of the last line may remain as escaped text)
            assert!(!html.contains("<a href=\"javascript"), "{html}");
            assert!(!html.contains("<img src=\"data:"), "{html}");
            assert_eq!(html.matches("<a href=").count(), 2, "{html}");
            assert!(html.contains("相談フォーム"), "{html}");
            assert!(html.contains("<a href=\"https://example.jp/\""), "{html}");
            assert!(html.contains("<a href=\"acp.html\""), "{html}");
        }
        let typst = to_typst(md);
        assert!(!typst.contains("#link(\"javascript"), "{typst}");
        assert!(typst.contains("#link(\"https://example.jp/\")"), "{typst}");
    }
}
