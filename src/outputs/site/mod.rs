//! The static website: one tera template per kind of page. The site is a
//! list of routes ([`routes`]); the [`SiteRenderer`] keeps its parsed
//! templates and renders any one route on its own, so that `carebook
//! serve` re-renders only the routes whose inputs changed, and `carebook
//! build` renders them all, the same way. Every link is relative (`root`
//! is `""` or `"../"`), so the site works under any sub-path and opened
//! from disk.

mod minify;
pub mod routes;
pub mod views;

use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera, Value};

use crate::diag::{Diagnostic, Pos};
use crate::kinds::RecordKind;
use crate::model::config::Edition;
use crate::model::values::{as_of_ja, as_of_wareki};
use crate::model::Guidebook;
use crate::outputs::theme::{Origin, Theme};
use crate::outputs::{markdown, BuildContext, PamphletBytes, Problems, Renderer};
use crate::write::Staging;
pub use routes::{Layout, ListOf, Route};
use views::{FacilityView, MeetingView, WindowView};

/// Templates every theme must have.
const REQUIRED: [&str; 10] = [
    "index.html",
    "type.html",
    "area.html",
    "facility.html",
    "windows.html",
    "window.html",
    "meetings.html",
    "meeting.html",
    "page.html",
    "404.html",
];

/// The theme's icon, published again at the site's root.
const FAVICON: &str = "favicon.ico";

/// `search.js` for `search.js/engine.js`: the script a part belongs to.
fn script_folder(rel: &str) -> Option<&str> {
    let (folder, _) = rel.split_once('/')?;
    folder.ends_with(".js").then_some(folder)
}

/// Renders routes; made once per theme and kept (its templates parsed).
pub struct SiteRenderer {
    theme: Arc<Theme>,
    /// The PDFs pages link to (decided by the build: none when there is no
    /// pamphlet).
    pamphlets: Vec<Edition>,
    tera: Tera,
    /// Per template: a hash of it and every template it extends, includes
    /// or imports.
    template_hashes: HashMap<String, u64>,
}

/// The templates a template names in `extends`, `include` and `import`.
fn named_templates(source: &str) -> Vec<String> {
    let mut out = Vec::new();
    for tag in source.split("{%").skip(1) {
        let tag = tag
            .split("%}")
            .next()
            .unwrap_or("")
            .trim()
            .trim_start_matches('-')
            .trim();
        let word = tag.split_whitespace().next().unwrap_or("");
        if matches!(word, "extends" | "include" | "import") {
            for quoted in tag.split(['"', '\'']).skip(1).step_by(2) {
                out.push(quoted.to_string());
            }
        }
    }
    out
}

impl SiteRenderer {
    /// Parses the theme's templates; a broken one is reported at its
    /// `file:line:col`.
    pub fn new(
        theme: Arc<Theme>,
        pamphlets: Vec<Edition>,
    ) -> Result<SiteRenderer, Vec<Diagnostic>> {
        let mut tera = Tera::new();
        tera.autoescape_on(vec![".html", ".xml"]);
        let templates: Vec<(String, String)> = theme
            .templates
            .iter()
            .map(|(name, f)| (name.clone(), String::from_utf8_lossy(&f.data).into_owned()))
            .collect();
        if let Err(e) = tera.add_raw_templates(templates.clone()) {
            return Err(vec![template_diagnostic(&theme, "", &e)]);
        }
        let missing: Vec<Diagnostic> = REQUIRED
            .iter()
            .filter(|t| !tera.contains_template(t))
            .map(|t| {
                Diagnostic::error(
                    format!("templates/{t}"),
                    Pos::File,
                    format!("the theme has no template {t}"),
                )
                .with_hint("a theme overriding the default must provide every page template")
            })
            .collect();
        if !missing.is_empty() {
            return Err(missing);
        }
        let sources: HashMap<&str, &str> = templates
            .iter()
            .map(|(n, t)| (n.as_str(), t.as_str()))
            .collect();
        let template_hashes = sources
            .keys()
            .map(|name| {
                // The template and all it reaches, each once.
                let mut seen = HashSet::new();
                let mut todo = vec![name.to_string()];
                let mut h = DefaultHasher::new();
                while let Some(t) = todo.pop() {
                    if let Some(src) = sources.get(t.as_str()).filter(|_| seen.insert(t.clone())) {
                        (&t, src).hash(&mut h);
                        todo.extend(named_templates(src));
                    }
                }
                (name.to_string(), h.finish())
            })
            .collect();
        Ok(SiteRenderer {
            theme,
            pamphlets,
            tera,
            template_hashes,
        })
    }

    /// The routes of the theme's static files. A folder whose name ends in
    /// `.js` (`static/search.js/engine.js`, `page.js`) is published as one
    /// script of that name, its files joined in name order: a page loads
    /// one file, which also works from disk, and the theme keeps its parts
    /// apart.
    pub fn static_routes(&self) -> Vec<Route> {
        let mut published: Vec<String> = self
            .theme
            .statics
            .keys()
            .map(|rel| script_folder(rel).unwrap_or(rel).to_string())
            .collect();
        published.dedup();
        let favicon = self.theme.statics.contains_key(FAVICON);
        published
            .into_iter()
            .map(Route::Static)
            .chain(favicon.then_some(Route::Favicon))
            .collect()
    }

    /// A static file as published: the file, or the parts of a script
    /// folder joined (a file of the same name, as a guidebook's override,
    /// wins).
    fn static_file(&self, rel: &str) -> Option<std::borrow::Cow<'_, [u8]>> {
        if let Some(f) = self.theme.statics.get(rel) {
            return Some(std::borrow::Cow::Borrowed(&f.data));
        }
        let prefix = format!("{rel}/");
        let parts: Vec<&[u8]> = self
            .theme
            .statics
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
            .map(|(_, f)| &*f.data)
            .collect();
        (!parts.is_empty()).then(|| parts.join(&b"\n"[..]).into())
    }

    /// Every route of the site.
    pub fn routes(&self, layout: &Layout) -> Vec<Route> {
        self.with_statics(layout.routes())
    }

    /// [`Layout::shared_routes`] of this theme, with its static files.
    pub fn shared_routes(&self, layout: &Layout) -> Vec<Route> {
        self.with_statics(layout.shared_routes())
    }

    /// `r` without the pages the theme has no template for, with its
    /// static files.
    fn with_statics(&self, mut r: Vec<Route>) -> Vec<Route> {
        for (route, template) in [
            (Route::Search, "search.html"),
            (Route::OpenData, "opendata.html"),
        ] {
            if !self.tera.contains_template(template) {
                r.retain(|r| *r != route);
            }
        }
        r.extend(self.static_routes());
        r
    }

    fn template(route: &Route, layout: &Layout) -> Option<&'static str> {
        Some(match route {
            Route::Home => "index.html",
            Route::List {
                of: ListOf::Type(_),
                ..
            } => "type.html",
            Route::List {
                of: ListOf::Area(_),
                ..
            } => "area.html",
            Route::Facility(_) => "facility.html",
            Route::Windows => "windows.html",
            Route::Window(_) => "window.html",
            Route::Meetings => "meetings.html",
            Route::Meeting(_) => "meeting.html",
            Route::Page(_) => "page.html",
            Route::Search => "search.html",
            Route::OpenData => "opendata.html",
            Route::NotFound => "404.html",
            Route::Sitemap | Route::Robots | Route::Static(_) | Route::Favicon => {
                let _ = layout;
                return None;
            }
        })
    }

    /// What the route's page is made from, with its template: a rebuild
    /// renders a route again only when this changes.
    pub fn fingerprint(&self, route: &Route, layout: &Layout) -> u64 {
        let mut h = rustc_hash::FxHasher::default();
        layout.inputs(route).hash(&mut h);
        self.pamphlets.hash(&mut h);
        if let Some(t) = Self::template(route, layout) {
            self.template_hashes.get(t).hash(&mut h);
        }
        if let Route::Static(rel) = route {
            self.static_file(rel).hash(&mut h);
        }
        if *route == Route::Favicon {
            self.static_file(FAVICON).hash(&mut h);
        }
        h.finish()
    }

    /// The bytes of one route's file.
    pub fn render(&self, route: &Route, layout: &Layout) -> Result<Vec<u8>, Diagnostic> {
        let book = layout.book;
        let cfg = &book.config;
        let path = layout.path(route);
        let missing = || {
            Diagnostic::error(
                &path,
                Pos::File,
                "no such page (the model changed meanwhile)",
            )
        };
        let mut c = Context::new();
        let (template, title): (&str, String) = match route {
            Route::Sitemap => return Ok(sitemap(layout).into_bytes()),
            // (read by crawlers only at a host's root; pages also carry a
            // robots meta tag when the guidebook is a sample)
            Route::Robots => {
                let rule = if cfg.sample {
                    "Disallow: /"
                } else {
                    "Allow: /"
                };
                return Ok(format!(
                    "User-agent: *\n{rule}\n\nSitemap: {}sitemap.xml\n",
                    cfg.base_url
                )
                .into_bytes());
            }
            Route::Static(rel) => {
                let data = self.static_file(rel).ok_or_else(missing)?;
                return Ok(published(rel, &data).into_owned());
            }
            Route::Favicon => {
                return Ok(self.static_file(FAVICON).ok_or_else(missing)?.into_owned())
            }
            Route::Facility(id) => {
                let f = book.facilities.get(id).ok_or_else(missing)?;
                c.insert("f", &FacilityView::new(f, book));
                c.insert("jsonld", &views::facility_jsonld(f, book));
                ("facility.html", f.name.clone())
            }
            Route::Window(id) => {
                let w = book.windows.get(id).ok_or_else(missing)?;
                c.insert("w", &WindowView::new(w));
                c.insert("jsonld", &views::window_jsonld(w, book));
                ("window.html", w.name.clone())
            }
            Route::Windows => {
                let views: Vec<WindowView> = book.windows.iter().map(WindowView::new).collect();
                c.insert("windows", &views);
                ("windows.html", "相談窓口".into())
            }
            Route::Meeting(id) => {
                let m = book.meetings.get(id).ok_or_else(missing)?;
                c.insert("m", &MeetingView::new(m, book));
                c.insert("jsonld", &views::meeting_jsonld(m, book));
                ("meeting.html", m.name.clone())
            }
            Route::Meetings => {
                let views: Vec<MeetingView> = book
                    .meetings
                    .iter()
                    .map(|m| MeetingView::new(m, book))
                    .collect();
                c.insert("meetings", &views);
                ("meetings.html", "会議体".into())
            }
            Route::Page(slug) => {
                let p = book.pages.get(slug).ok_or_else(missing)?;
                c.insert(
                    "page",
                    &serde_json::json!({
                        "slug": p.slug,
                        "title": p.title,
                        "html": markdown::to_html(&p.body, cfg.allow_html),
                    }),
                );
                ("page.html", p.title.clone())
            }
            Route::Home => {
                let featured: Vec<WindowView> = book
                    .windows
                    .iter()
                    .filter(|w| w.featured)
                    .map(WindowView::new)
                    .collect();
                c.insert("featured", &featured);
                c.insert(
                    "intro_html",
                    &book
                        .home
                        .as_ref()
                        .map(|h| markdown::to_html(&h.body, cfg.allow_html))
                        .unwrap_or_default(),
                );
                // Counts are the top page's alone: a count on every page
                // would make adding one facility change them all.
                c.insert("nav", &nav(layout, true));
                c.insert(
                    "counts",
                    &serde_json::json!({
                        "facilities": book.facilities.len(),
                        "meetings": book.meetings.len(),
                        "windows": book.windows.len(),
                    }),
                );
                ("index.html", cfg.title.clone())
            }
            Route::List { of, page } => {
                let l = layout.list(*of, *page).ok_or_else(missing)?;
                let pager = pager(l, layout.sections.get(of).map_or(&[][..], Vec::as_slice));
                let title = match (l.current, &pager) {
                    (1, _) => l.title.clone(),
                    (n, Some(p)) if !p.section.is_empty() => {
                        format!("{}（{}・{}ページ目）", l.title, p.section, n)
                    }
                    (n, _) => format!("{}（{}ページ目）", l.title, n),
                };
                c.insert("pager", &pager);
                c.insert("count", &l.count);
                let shared = views::Shared::new(book);
                match of {
                    ListOf::Type(t) => {
                        c.insert("type", &cfg.types[*t]);
                        let rows: Vec<Value> = l
                            .items
                            .iter()
                            .map(|f| views::row_value(f, &shared))
                            .collect();
                        c.insert_value("facilities", Value::from(rows));
                        ("type.html", title)
                    }
                    ListOf::Area(a) => {
                        c.insert("area", &cfg.areas[*a]);
                        let groups = area_groups(l, &shared, &layout.area_type_counts[*a]);
                        c.insert_value("groups", Value::from(groups));
                        ("area.html", title)
                    }
                }
            }
            Route::Search => {
                let [types, areas, caps] = crate::search::doc::facet_labels(book);
                c.insert(
                    "filters",
                    &serde_json::json!({"types": types, "areas": areas, "caps": caps}),
                );
                ("search.html", "検索".into())
            }
            Route::OpenData => {
                c.extend(crate::outputs::opendata::page_context(book));
                ("opendata.html", "オープンデータ".into())
            }
            // Relative links, like every page's: they work opened from
            // disk and wherever the site is served, for a missing address
            // beside 404.html (the page also gives base_url in full, which
            // works from any depth on the published site).
            Route::NotFound => ("404.html", "ページが見つかりません".into()),
        };
        self.page(template, &path, &title, c, layout)
    }

    /// Renders `template` for the page at `path`; `root` comes from the
    /// path's depth.
    fn page(
        &self,
        template: &str,
        path: &str,
        title: &str,
        mut ctx: Context,
        layout: &Layout,
    ) -> Result<Vec<u8>, Diagnostic> {
        let cfg = &layout.book.config;
        if !ctx.contains_key("root") {
            ctx.insert("root", &"../".repeat(path.matches('/').count()));
        }
        ctx.insert("path", path);
        ctx.insert("title", title);
        ctx.insert(
            "site",
            &SiteInfo {
                title: &cfg.title,
                publisher: &cfg.publisher,
                municipality: &cfg.municipality,
                municipality_code: &cfg.municipality_code,
                base_url: &cfg.base_url,
                as_of: cfg.as_of.to_string(),
                as_of_ja: as_of_ja(cfg.as_of),
                as_of_wareki: as_of_wareki(cfg.as_of),
                sample: cfg.sample,
                generator: "carebook",
                search_examples: search_examples(layout.book).join("、"),
                consult_mark: &cfg.pamphlet.consult_mark,
                consult_label: &cfg.pamphlet.consult_label,
            },
        );
        if !ctx.contains_key("nav") {
            ctx.insert("nav", &nav(layout, false));
        }
        // (the size on the top page only: see Layout::pamphlet_bytes)
        let home = path == layout.path(&Route::Home);
        let pamphlets: Vec<serde_json::Value> = self
            .pamphlets
            .iter()
            .map(|e| {
                let area = e.area.map(|a| cfg.areas[a].name.as_str());
                let size = home
                    .then(|| layout.pamphlet_bytes.get(&e.file))
                    .flatten()
                    .map(|&b| file_size_ja(b));
                serde_json::json!({ "url": &e.file, "area": area, "size": size })
            })
            .collect();
        ctx.insert("pamphlets", &pamphlets);
        let mut buf = Vec::with_capacity(16 * 1024);
        self.tera
            .render_to(template, &ctx, &mut buf)
            .map_err(|e| template_diagnostic(&self.theme, template, &e))?;
        Ok(buf)
    }
}

/// A file's size as Japanese sites state it beside a link: 「850KB」,
/// 「1.2MB」 (binary units, as file managers show them).
fn file_size_ja(bytes: u64) -> String {
    const KB: f64 = 1024.0;
    let b = bytes as f64;
    if b < KB * KB {
        format!("{}KB", (b / KB).ceil().max(1.0))
    } else {
        format!("{:.1}MB", b / (KB * KB))
    }
}

/// The navigation: types and areas (with their counts on the top page
/// only), free pages.
fn nav<'a>(layout: &'a Layout, counts: bool) -> Nav<'a> {
    let cfg = &layout.book.config;
    let count = |c: usize| if counts { Some(c) } else { None };
    Nav {
        types: cfg
            .types
            .iter()
            .zip(&layout.type_counts)
            .map(|(t, &c)| NavItem {
                key: &t.key,
                name: &t.name,
                kana: "",
                count: count(c),
                url: format!("types/{}.html", t.key),
            })
            .collect(),
        areas: cfg
            .areas
            .iter()
            .zip(&layout.area_counts)
            .map(|(a, &c)| NavItem {
                key: &a.key,
                name: &a.name,
                kana: &a.kana,
                count: count(c),
                url: format!("areas/{}.html", a.key),
            })
            .collect(),
        pages: layout
            .book
            .pages
            .iter()
            .map(|p| PageLink {
                slug: &p.slug,
                title: &p.title,
                url: RecordKind::Page.url(&p.slug),
            })
            .collect(),
    }
}

/// The whole site rendered into a staging directory, route by route.
pub struct Site {
    renderer: SiteRenderer,
    /// The sizes of the PDFs, recorded by the pamphlet (made before).
    pamphlet_bytes: PamphletBytes,
}

impl Site {
    pub fn new(ctx: &BuildContext, pamphlet_bytes: PamphletBytes) -> Result<Site, Vec<Diagnostic>> {
        Ok(Site {
            renderer: SiteRenderer::new(ctx.theme.clone(), ctx.pamphlets.clone())?,
            pamphlet_bytes,
        })
    }
}

impl Renderer for Site {
    fn name(&self) -> &'static str {
        "site"
    }

    fn render(&self, book: &Guidebook, out: &Staging, report: &Problems) -> Option<Staging> {
        let bytes = self
            .pamphlet_bytes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let layout = Layout::new(book).with_pamphlet_bytes(bytes);
        let routes = self.renderer.routes(&layout);
        crate::progress::start("rendering pages", routes.len());
        let done = std::sync::atomic::AtomicUsize::new(0);
        let mut errors: Vec<Diagnostic> = routes
            .par_iter()
            .filter_map(|route| {
                crate::progress::tick(&done);
                let path = layout.path(route);
                let bytes = match self.renderer.render(route, &layout) {
                    Ok(b) => b,
                    Err(d) => return Some(d),
                };
                out.write_owned(&path, bytes).err().map(|e| {
                    Diagnostic::error(&path, Pos::File, format!("cannot write output: {e}"))
                })
            })
            .collect();
        crate::progress::finish();
        // One broken template fails every page: report each template once.
        errors.sort_by(|a, b| (&a.file, &a.message).cmp(&(&b.file, &b.message)));
        errors.dedup_by(|a, b| a.file == b.file && a.message == b.message);
        report.extend(errors);
        None
    }
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn sitemap(layout: &Layout) -> String {
    let base = &layout.book.config.base_url;
    let mut xml = String::with_capacity(layout.book.facilities.len() * 100 + 200);
    xml.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    let mut routes = layout.routes();
    routes.retain(|r| {
        !matches!(
            r,
            Route::Search
                | Route::NotFound
                | Route::Sitemap
                | Route::Robots
                | Route::List { page: 2.., .. }
        )
    });
    let book = layout.book;
    for r in routes {
        xml.push_str("  <url><loc>");
        xml.push_str(&xml_escape(&format!("{base}{}", layout.path(&r))));
        xml.push_str("</loc>");
        // When a record was last confirmed: its page's last change.
        let verified = match &r {
            Route::Facility(id) => book.facilities.get(id).map(|f| f.verified),
            Route::Window(id) => book.windows.get(id).and_then(|w| w.verified),
            _ => None,
        };
        if let Some(d) = verified {
            xml.push_str(&format!("<lastmod>{d}</lastmod>"));
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

#[derive(Serialize)]
struct PagerLink {
    number: usize,
    url: String,
    current: bool,
}

#[derive(Serialize)]
struct PagerSection {
    label: String,
    url: String,
    current: bool,
}

#[derive(Serialize)]
struct Pager {
    current: usize,
    total: usize,
    prev: String,
    next: String,
    /// The sections of the list (五十音 rows, or types), to jump to.
    sections: Vec<PagerSection>,
    /// The current section's label, empty when the list has none.
    section: String,
    /// The pages of the current section (of the list, when it has none).
    pages: Vec<PagerLink>,
}

/// A section's label as readers see it: 「か行」, 「その他」, or a type.
fn section_label(of: ListOf, label: &str) -> String {
    match of {
        ListOf::Type(_) if label == "他" => "その他".into(),
        ListOf::Type(_) => format!("{label}行"),
        ListOf::Area(_) => label.into(),
    }
}

/// `None` for a list that fits on one page.
fn pager(l: &routes::ListPage, sections: &[routes::Section]) -> Option<Pager> {
    let here = sections.get(l.section);
    // The pages of the current section (none to show when it has one).
    let pages: Vec<usize> = match here {
        None => (1..=l.total).collect(),
        Some(s) if s.pages == 1 => Vec::new(),
        Some(s) => (s.first..s.first + s.pages).collect(),
    };
    (l.total > 1).then(|| Pager {
        current: l.current,
        total: l.total,
        prev: if l.current > 1 {
            l.url(l.current - 1)
        } else {
            String::new()
        },
        next: if l.current < l.total {
            l.url(l.current + 1)
        } else {
            String::new()
        },
        sections: sections
            .iter()
            .enumerate()
            .map(|(i, s)| PagerSection {
                label: section_label(l.of, &s.label),
                url: l.url(s.first),
                current: i == l.section,
            })
            .collect(),
        section: here.map_or(String::new(), |s| section_label(l.of, &s.label)),
        pages: pages
            .into_iter()
            .map(|n| PagerLink {
                number: n,
                url: l.url(n),
                current: n == l.current,
            })
            .collect(),
    })
}

/// The rows of one area page grouped by type; `count` is the type's total
/// in the whole area, which may span pages.
fn area_groups(l: &routes::ListPage, shared: &views::Shared, counts: &[usize]) -> Vec<Value> {
    l.items
        .chunk_by(|a, b| a.ftype == b.ftype)
        .map(|group| {
            let ftype = group[0].ftype;
            let mut m = tera::Map::default();
            m.insert("type".into(), shared.type_full[ftype].clone());
            m.insert(
                "facilities".into(),
                Value::from(
                    group
                        .iter()
                        .map(|f| views::row_value(f, shared))
                        .collect::<Vec<_>>(),
                ),
            );
            m.insert("count".into(), Value::from(counts[ftype]));
            Value::from(m)
        })
        .collect()
}

#[derive(Serialize)]
struct SiteInfo<'a> {
    title: &'a str,
    publisher: &'a str,
    municipality: &'a str,
    municipality_code: &'a str,
    base_url: &'a str,
    as_of: String,
    as_of_ja: String,
    /// 「令和8年10月現在」
    as_of_wareki: String,
    sample: bool,
    generator: &'static str,
    /// The search boxes' 「例：…」, from the guidebook itself.
    search_examples: String,
    /// The third mark of a capability (△) and what it means (要相談), as in
    /// the pamphlet.
    consult_mark: &'a str,
    consult_label: &'a str,
}

/// Examples for the search boxes: the settings' `[search] examples`, or
/// made from the guidebook's own vocabulary (a capability, an area, a
/// type), so that no other ward's names appear. (From the settings only:
/// every page shows them, and a record's edit re-renders only its pages.)
fn search_examples(book: &Guidebook) -> Vec<String> {
    let cfg = &book.config;
    if !cfg.search.examples.is_empty() {
        return cfg.search.examples.clone();
    }
    let capability = cfg.types.iter().flat_map(|t| &t.capabilities).next();
    let mut out: Vec<String> = capability.map(|c| c.label.clone()).into_iter().collect();
    out.extend(cfg.areas.first().map(|a| a.name.clone()));
    out.extend(cfg.types.last().map(|t| t.name.clone()));
    out
}

#[derive(Serialize)]
struct NavItem<'a> {
    key: &'a str,
    name: &'a str,
    kana: &'a str,
    /// On the top page only.
    #[serde(skip_serializing_if = "Option::is_none")]
    count: Option<usize>,
    url: String,
}

#[derive(Serialize)]
struct PageLink<'a> {
    slug: &'a str,
    title: &'a str,
    url: String,
}

#[derive(Serialize)]
struct Nav<'a> {
    types: Vec<NavItem<'a>>,
    areas: Vec<NavItem<'a>>,
    pages: Vec<PageLink<'a>>,
}

/// A tera error at the template file (on disk, or in the built-in theme)
/// and the line and column tera reports.
fn template_diagnostic(theme: &Theme, template: &str, e: &tera::Error) -> Diagnostic {
    let (name, pos, message) = match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => (
            r.filename().to_string(),
            Pos::At {
                line: r.span().start_line,
                col: r.span().start_col + 1,
            },
            r.message().to_string(),
        ),
        _ => {
            let mut message = e.to_string();
            let mut source = std::error::Error::source(e);
            while let Some(s) = source {
                message.push_str(&format!(": {s}"));
                source = s.source();
            }
            // Build errors come as a report: "error: MSG\n --> name:line:col".
            let located = message.lines().find_map(|l| {
                let at = l.trim_start().strip_prefix("--> ")?;
                let mut it = at.rsplitn(3, ':');
                let (col, line, name) = (
                    it.next()?.parse().ok()?,
                    it.next()?.parse().ok()?,
                    it.next()?,
                );
                Some((name.to_string(), Pos::At { line, col }))
            });
            let first = message
                .lines()
                .find_map(|l| l.strip_prefix("error: "))
                .map(|m| m.trim_start_matches("error: ").to_string());
            match (located, first) {
                (Some((name, pos)), Some(m)) => (name, pos, m),
                _ => (template.to_string(), Pos::File, message),
            }
        }
    };
    let file = match theme.templates.get(&name).map(|f| &f.origin) {
        Some(Origin::Disk(p)) => p.clone(),
        _ => format!("(built-in theme) templates/{name}").into(),
    };
    Diagnostic::error(file, pos, format!("template {name}: {message}"))
        .with_hint("fix the template, or delete the override to use the theme's")
}

/// A theme's static file as published (see [`minify`]).
fn published<'a>(rel: &str, data: &'a [u8]) -> std::borrow::Cow<'a, [u8]> {
    match std::str::from_utf8(data)
        .ok()
        .and_then(|src| minify::published(rel, src))
    {
        Some(min) => min.into_bytes().into(),
        None => data.into(),
    }
}
