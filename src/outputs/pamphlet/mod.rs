//! The printable pamphlet: the model as JSON, typeset in-process by typst
//! with the theme's `pamphlet/pamphlet.typ`, written as PDF into the site.
//! One edition for the whole guidebook, or one per area.

pub mod data;
pub mod world;

use std::path::Path;
use std::sync::Arc;

use typst::foundations::Smart;
use typst::utils::LazyHash;
use typst::Library;
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards};

use crate::diag::{Diagnostic, Pos};
use crate::model::config::Edition;
use crate::model::Guidebook;
use crate::outputs::theme::Theme;
use crate::outputs::{Problems, Renderer};
use crate::write::Staging;
use data::Scope;
use world::{Fonts, PamphletWorld, MAIN};

/// An area map in the pamphlet folder, placed on the area key page: the
/// first of these names that exists.
pub const AREA_MAPS: &[&str] = &["area-map.svg", "area-map.png", "area-map.jpg"];

pub struct Pamphlet {
    theme: Arc<Theme>,
    fonts: Fonts,
    library: LazyHash<Library>,
    /// Where a build's pamphlet records the size of each PDF it made.
    bytes: Option<crate::outputs::PamphletBytes>,
}

impl Pamphlet {
    /// Loads the theme's fonts. Without a template or a Japanese font there is
    /// no pamphlet, which is a warning: the site is still built.
    /// Problems are reported at `settings`, the guidebook's carebook.toml.
    pub fn new(theme: Arc<Theme>, settings: &Path) -> Result<Pamphlet, Diagnostic> {
        if !theme.pamphlet.contains_key(MAIN) {
            return Err(Diagnostic::warning(
                settings,
                Pos::File,
                format!("no pamphlet: the theme has no pamphlet/{MAIN}"),
            )
            .with_hint(
                "copy pamphlet/ from carebook's default theme into the theme, or set enabled = false under [pamphlet]",
            ));
        }
        let fonts = Fonts::from_theme(&theme);
        if !fonts.has_japanese() {
            return Err(Diagnostic::warning(
                settings,
                Pos::File,
                "no pamphlet: no font for Japanese text was found among the theme's pamphlet fonts",
            )
            .with_hint(
                "put a Japanese OpenType font such as BIZ UD Gothic (OFL; Debian package fonts-morisawa-bizud-gothic) as .ttf or .otf into pamphlet/fonts/ of the guidebook",
            ));
        }
        Ok(Pamphlet {
            theme,
            fonts,
            library: PamphletWorld::library(),
            bytes: None,
        })
    }

    /// The pamphlet, recording into `bytes` the size of each PDF it makes.
    pub fn recording_bytes(self, bytes: crate::outputs::PamphletBytes) -> Pamphlet {
        Pamphlet {
            bytes: Some(bytes),
            ..self
        }
    }

    /// Typesets one edition. Warnings come back beside the PDF.
    pub fn typeset(
        &self,
        book: &Guidebook,
        edition: &Edition,
    ) -> (Option<Vec<u8>>, Vec<Diagnostic>) {
        let p = &book.config.pamphlet;
        let single;
        let scope = Scope {
            types: &p.types,
            areas: match edition.area {
                Some(a) => {
                    single = [a];
                    &single
                }
                None => &p.areas,
            },
            edition: edition.area,
            area_map: AREA_MAPS
                .iter()
                .copied()
                .find(|m| self.theme.pamphlet.contains_key(*m)),
        };
        let json = serde_json::to_vec(&data::data(book, &scope)).expect("plain data serialises");
        let world = PamphletWorld::new(&self.library, &self.fonts, &self.theme, json);
        // For whoever tunes the template: typst's own timings, as a trace
        // for chrome://tracing or Perfetto.
        let trace = std::env::var_os("CAREBOOK_TYPST_TRACE");
        if trace.is_some() {
            typst_timing::enable();
        }
        let result = typst::compile::<PagedDocument>(&world);
        // typst's layout caches hold a copy of nearly every frame, hundreds
        // of MB for a large guidebook; a build is a single pass, so they go
        // before the PDF export adds its own memory.
        typst::comemo::evict(0);
        let mut diags: Vec<Diagnostic> = result
            .warnings
            .iter()
            .map(|w| world.diagnostic(w, &book.root))
            .collect();
        let document = match result.output {
            Ok(d) => d,
            Err(errors) => {
                diags.extend(errors.iter().map(|e| world.diagnostic(e, &book.root)));
                return (None, diags);
            }
        };
        let options = PdfOptions {
            // A stable identifier keeps rebuilds byte-identical.
            ident: Smart::Custom(format!("carebook:{}", edition.file)),
            // PDF/A when asked for: typst checks it while writing (fonts
            // embedded, Unicode text, an sRGB output intent, tags for A-2a).
            standards: PdfStandards::new(&match book.config.pamphlet.pdf_standard {
                Some("a-2a") => vec![PdfStandard::A_2a],
                Some("a-2u") => vec![PdfStandard::A_2u],
                Some("a-2b") => vec![PdfStandard::A_2b],
                _ => vec![],
            })
            .expect("the PDF/A standards are ones typst writes"),
            ..PdfOptions::default()
        };
        let pdf = typst_pdf::pdf(&document, &options);
        drop(document);
        if let Some(path) = trace {
            typst_timing::disable();
            let written = std::fs::File::create(&path)
                .map_err(|e| e.to_string())
                .and_then(|f| {
                    typst_timing::export_json(std::io::BufWriter::new(f), |span| {
                        world.span_origin(span)
                    })
                });
            if let Err(e) = written {
                eprintln!(
                    "cannot write the typst trace {}: {e}",
                    path.to_string_lossy()
                );
            }
        }
        typst::comemo::evict(0);
        match pdf {
            Ok(pdf) => (Some(pdf), diags),
            Err(errors) => {
                diags.extend(errors.iter().map(|e| world.diagnostic(e, &book.root)));
                (None, diags)
            }
        }
    }
}

impl Renderer for Pamphlet {
    fn name(&self) -> &'static str {
        "pamphlet"
    }

    fn render(&self, book: &Guidebook, out: &Staging, report: &Problems) -> Option<Staging> {
        // One edition after another: typst's caches are global, and each
        // edition clears them when it is done, so the peak memory is that of
        // the largest edition rather than the sum of those typeset together.
        for edition in book.config.pamphlet_editions() {
            let (pdf, diags) = self.typeset(book, &edition);
            report.extend(diags);
            if let Some(pdf) = pdf {
                if let Some(b) = &self.bytes {
                    b.lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .insert(edition.file.clone(), pdf.len() as u64);
                }
                if let Err(e) = out.write_owned(&edition.file, pdf) {
                    report.push(Diagnostic::error(
                        out.path().join(&edition.file),
                        Pos::File,
                        format!("cannot write the pamphlet: {e}"),
                    ));
                }
            }
        }
        None
    }
}

/// The pamphlet of a build, if the settings ask for one and the theme can
/// make it (else a warning says why, and no page links to a PDF).
pub fn for_build(
    book: &Guidebook,
    theme: &Arc<Theme>,
    root: &Path,
    report: &Problems,
) -> Option<Pamphlet> {
    if !book.config.pamphlet.enabled {
        return None;
    }
    Pamphlet::new(theme.clone(), &root.join(crate::load::config::FILE))
        .map_err(|warning| report.push(warning))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outputs::theme::{Origin, ThemeFile};
    use std::borrow::Cow;

    fn theme_with(files: &[(&str, &'static [u8])]) -> Arc<Theme> {
        let mut theme = Theme::default();
        for (rel, data) in files {
            theme.pamphlet.insert(
                rel.to_string(),
                ThemeFile {
                    data: Cow::Borrowed(*data),
                    origin: Origin::BuiltIn,
                },
            );
        }
        Arc::new(theme)
    }

    #[test]
    fn without_a_japanese_font_there_is_a_warning_not_an_error() {
        let settings = Path::new("carebook.toml");
        let e = Pamphlet::new(theme_with(&[(MAIN, b"= x")]), settings)
            .err()
            .expect("no fonts, no pamphlet");
        let text = e.to_string();
        assert!(
            text.contains("warning: no pamphlet: no font for Japanese"),
            "{text}"
        );
        assert!(text.contains("fonts-morisawa-bizud-gothic"), "{text}");

        let e = Pamphlet::new(theme_with(&[]), settings).err().unwrap();
        assert!(
            e.to_string().contains("has no pamphlet/pamphlet.typ"),
            "{e}"
        );

        let font =
            include_bytes!("../../../themes/default/pamphlet/fonts/BIZUDPGothic-Regular.ttf");
        assert!(Pamphlet::new(
            theme_with(&[(MAIN, b"= x"), ("fonts/a.ttf", font)]),
            settings
        )
        .is_ok());
    }
}
