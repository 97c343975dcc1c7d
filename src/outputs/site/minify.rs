//! The theme's scripts and stylesheets as published: both are part of
//! every first search's download, so they go out minified while the theme
//! keeps its comments and names. Scripts are parsed and their local names
//! shortened (oxc); stylesheets lose comments and spaces (minifier). A file
//! either cannot read is published as written, never broken.

use oxc_allocator::Allocator;
use oxc_codegen::{Codegen, CodegenOptions};
use oxc_mangler::MangleOptions;
use oxc_minifier::{CompressOptions, Minifier, MinifierOptions};
use oxc_parser::Parser;
use oxc_span::SourceType;

/// `src` minified, or `None` when it is not a file of a kind minified here
/// or does not parse.
pub fn published(rel: &str, src: &str) -> Option<String> {
    if rel.ends_with(".js") {
        script(src)
    } else if rel.ends_with(".css") {
        minifier::css::minify(src).ok().map(|m| m.to_string())
    } else {
        None
    }
}

/// A classic script (not a module: pages load it with a plain `<script>`,
/// which also works from disk). Property names are kept: the index format's
/// field names are shared with Rust by name.
fn script(src: &str) -> Option<String> {
    let alloc = Allocator::default();
    let parsed = Parser::new(&alloc, src, SourceType::cjs()).parse();
    if parsed.panicked || !parsed.diagnostics.is_empty() {
        return None;
    }
    let mut program = parsed.program;
    let options = MinifierOptions {
        mangle: Some(MangleOptions::default()),
        compress: Some(CompressOptions::default()),
        ..MinifierOptions::default()
    };
    let min = Minifier::new(options).minify(&alloc, &mut program);
    let code = Codegen::new()
        .with_options(CodegenOptions::minify())
        .with_scoping(min.scoping)
        .build(&program)
        .code;
    Some(code)
}

#[cfg(test)]
mod tests {
    use super::published;

    #[test]
    fn scripts_lose_comments_and_long_local_names_but_keep_properties() {
        let src = "/* why */ (function (global) { var longLocalName = { field: 1 }; global.out = longLocalName.field + 1; })(this);";
        let min = published("a.js", src).unwrap();
        assert!(
            !min.contains("why") && !min.contains("longLocalName"),
            "{min}"
        );
        assert!(min.contains(".field") || min.contains("field:"), "{min}");
        assert!(min.contains(".out"), "{min}");
    }

    #[test]
    fn a_script_that_does_not_parse_is_left_alone() {
        assert_eq!(published("a.js", "function ( {"), None);
    }

    #[test]
    fn stylesheets_lose_comments_and_spaces() {
        let min = published("s.css", "/* note */\na {\n  color: red;\n}\n").unwrap();
        assert_eq!(min.trim(), "a{color:red;}");
    }

    #[test]
    fn other_files_are_not_touched() {
        assert_eq!(published("favicon.svg", "<svg/>"), None);
    }
}
