//! The static website: one tera template per kind of page, rendered in
//! parallel. Every link is relative (`root` is `""` or `"../"`), so the site
//! works under any sub-path and opened from disk.

pub mod views;

use std::sync::atomic::AtomicUsize;
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera, Value};

use crate::diag::{Diagnostic, Pos};
use crate::model::values::{as_of_ja, as_of_wareki};
use crate::model::Guidebook;
use crate::outputs::theme::{Origin, Theme};
use crate::outputs::{markdown, Renderer};
use crate::progress;
use crate::write::Staging;
use views::{FacilityView, MeetingView, WindowView};

pub struct Site {
    theme: Arc<Theme>,
}

impl Site {
    pub fn new(theme: Arc<Theme>) -> Site {
        Site { theme }
    }
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
}

#[derive(Serialize)]
struct NavItem<'a> {
    key: &'a str,
    name: &'a str,
    kana: &'a str,
    count: usize,
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

/// `/guidebook/` from `https://example.org/guidebook/`: the root for pages
/// served at arbitrary paths (404).
fn base_path(base_url: &str) -> &str {
    match base_url.find("://") {
        Some(i) => base_url[i + 3..]
            .find('/')
            .map_or("/", |j| &base_url[i + 3 + j..]),
        None => base_url,
    }
}

struct Pages<'a> {
    tera: &'a Tera,
    out: &'a Staging,
    errors: std::sync::Mutex<Vec<Diagnostic>>,
    theme: &'a Theme,
    done: AtomicUsize,
}

impl Pages<'_> {
    /// Renders `template` to `path`; `root` is derived from the path's depth.
    fn page(&self, template: &str, path: &str, title: &str, mut ctx: Context) {
        let depth = path.matches('/').count();
        if !ctx.contains_key("root") {
            ctx.insert("root", &"../".repeat(depth));
        }
        ctx.insert("path", path);
        ctx.insert("title", title);
        let mut buf = Vec::with_capacity(16 * 1024);
        let result = self
            .tera
            .render_to(template, &ctx, &mut buf)
            .map_err(|e| self.template_error(template, &e))
            .and_then(|()| {
                self.out.write_owned(path, buf).map_err(|e| {
                    Diagnostic::error(path, Pos::File, format!("cannot write output: {e}"))
                })
            });
        if let Err(d) = result {
            self.errors
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(d);
        }
        progress::tick(&self.done);
    }

    fn template_error(&self, template: &str, e: &tera::Error) -> Diagnostic {
        template_diagnostic(self.theme, template, e)
    }
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

/// The search page's filters, as the browser index labels them.
fn search_context(book: &Guidebook) -> Context {
    let [types, areas, caps] = crate::search::doc::facet_labels(book);
    let mut c = ctx();
    c.insert(
        "filters",
        &serde_json::json!({"types": types, "areas": areas, "caps": caps}),
    );
    c
}

fn ctx() -> Context {
    Context::new()
}

impl Renderer for Site {
    fn name(&self) -> &'static str {
        "site"
    }

    fn render(&self, book: &Guidebook, out: &Staging) -> Result<(), Vec<Diagnostic>> {
        let cfg = &book.config;
        let mut tera = Tera::new();
        tera.autoescape_on(vec![".html", ".xml"]);
        let templates: Vec<(String, String)> = self
            .theme
            .templates
            .iter()
            .map(|(name, f)| (name.clone(), String::from_utf8_lossy(&f.data).into_owned()))
            .collect();
        if let Err(e) = tera.add_raw_templates(templates) {
            return Err(vec![template_diagnostic(&self.theme, "", &e)]);
        }
        for required in [
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
        ] {
            if !tera.contains_template(required) {
                return Err(vec![Diagnostic::error(
                    format!("templates/{required}"),
                    Pos::File,
                    format!("the theme has no template {required}"),
                )
                .with_hint(
                    "a theme overriding the default must provide every page template",
                )]);
            }
        }

        // Site-wide values every template sees.
        let type_counts: Vec<usize> = (0..cfg.types.len())
            .map(|t| book.facilities_of_type(t).count())
            .collect();
        let area_counts: Vec<usize> = (0..cfg.areas.len())
            .map(|a| book.facilities_in_area(a).count())
            .collect();
        let nav = Nav {
            types: cfg
                .types
                .iter()
                .zip(&type_counts)
                .map(|(t, &count)| NavItem {
                    key: &t.key,
                    name: &t.name,
                    kana: "",
                    count,
                    url: format!("types/{}.html", t.key),
                })
                .collect(),
            areas: cfg
                .areas
                .iter()
                .zip(&area_counts)
                .map(|(a, &count)| NavItem {
                    key: &a.key,
                    name: &a.name,
                    kana: &a.kana,
                    count,
                    url: format!("areas/{}.html", a.key),
                })
                .collect(),
            pages: book
                .pages
                .iter()
                .map(|p| PageLink {
                    slug: &p.slug,
                    title: &p.title,
                    url: format!("pages/{}.html", p.slug),
                })
                .collect(),
        };
        let site = SiteInfo {
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
        };
        let g = tera.global_context();
        g.insert("site", &site);
        g.insert("nav", &nav);
        let pamphlets: Vec<serde_json::Value> = cfg
            .pamphlet_editions()
            .into_iter()
            .map(|e| {
                let area = e.area.map(|a| cfg.areas[a].name.as_str());
                serde_json::json!({ "url": e.file, "area": area })
            })
            .collect();
        g.insert("pamphlets", &pamphlets);
        g.insert(
            "counts",
            &serde_json::json!({
                "facilities": book.facilities.len(),
                "meetings": book.meetings.len(),
                "windows": book.windows.len(),
            }),
        );

        let window_views: Vec<Value> = book
            .windows
            .iter()
            .map(|w| Value::from_serializable(&WindowView::new(w)))
            .collect();
        // List rows are small and share their type, area and capability
        // cells (tera values are reference-counted); detail views are built
        // per page and dropped, so memory stays flat as guidebooks grow.
        let shared = views::Shared::new(book);
        let rows: Vec<Value> = book
            .facilities
            .par_iter()
            .map(|f| views::row_value(f, &shared))
            .collect();
        let lists = list_pages(book);
        let mut area_type_counts = vec![vec![0usize; cfg.types.len()]; cfg.areas.len()];
        for f in &book.facilities {
            area_type_counts[f.area][f.kind] += 1;
        }

        let pages = Pages {
            tera: &tera,
            out,
            errors: Default::default(),
            theme: &self.theme,
            done: AtomicUsize::new(0),
        };
        let total = book.facilities.len()
            + book.windows.len()
            + book.meetings.len()
            + book.pages.len()
            + lists.len()
            + 4;
        progress::start("rendering pages", total);

        book.facilities.par_iter().for_each(|f| {
            let mut c = ctx();
            c.insert("f", &FacilityView::new(f, book));
            c.insert("jsonld", &views::facility_jsonld(f, book));
            pages.page("facility.html", &views::facility_url(&f.id), &f.name, c);
        });

        lists.par_iter().for_each(|l| {
            let mut c = ctx();
            let title = match l.page.current {
                1 => l.title.clone(),
                n => format!("{}（{}ページ目）", l.title, n),
            };
            c.insert("pager", &l.page.pager());
            c.insert("count", &l.count);
            match l.kind {
                ListKind::Type(ti) => {
                    c.insert("type", &cfg.types[ti]);
                    let list: Vec<Value> = l.items.iter().map(|&i| rows[i].clone()).collect();
                    c.insert_value("facilities", Value::from(list));
                    pages.page("type.html", &l.page.path(), &title, c);
                }
                ListKind::Area(ai) => {
                    c.insert("area", &cfg.areas[ai]);
                    let groups = area_groups(book, &l.items, &rows, &shared, &area_type_counts[ai]);
                    c.insert_value("groups", Value::from(groups));
                    pages.page("area.html", &l.page.path(), &title, c);
                }
            }
        });

        book.windows.iter().zip(&window_views).for_each(|(w, v)| {
            let mut c = ctx();
            c.insert_value("w", v.clone());
            c.insert("jsonld", &views::window_jsonld(w, book));
            pages.page("window.html", &views::window_url(&w.id), &w.name, c);
        });
        let mut c = ctx();
        c.insert_value("windows", Value::from(window_views.clone()));
        pages.page("windows.html", "windows.html", "相談窓口", c);

        let meeting_views: Vec<MeetingView> = book
            .meetings
            .iter()
            .map(|m| MeetingView::new(m, book))
            .collect();
        for m in &meeting_views {
            let mut c = ctx();
            c.insert("m", m);
            pages.page("meeting.html", &m.url, m.name, c);
        }
        let mut c = ctx();
        c.insert("meetings", &meeting_views);
        pages.page("meetings.html", "meetings.html", "会議体", c);

        for p in &book.pages {
            let mut c = ctx();
            c.insert(
                "page",
                &serde_json::json!({
                    "slug": p.slug,
                    "title": p.title,
                    "html": markdown::to_html(&p.body, cfg.allow_html),
                }),
            );
            pages.page("page.html", &format!("pages/{}.html", p.slug), &p.title, c);
        }

        let featured: Vec<Value> = book
            .windows
            .iter()
            .zip(&window_views)
            .filter(|(w, _)| w.featured)
            .map(|(_, v)| v.clone())
            .collect();
        let mut c = ctx();
        c.insert_value("featured", Value::from(featured));
        c.insert(
            "intro_html",
            &book
                .home
                .as_ref()
                .map(|h| markdown::to_html(&h.body, cfg.allow_html))
                .unwrap_or_default(),
        );
        pages.page("index.html", "index.html", &cfg.title, c);

        if tera.contains_template("opendata.html") {
            let c = crate::outputs::opendata::page_context(book);
            pages.page("opendata.html", "opendata/index.html", "オープンデータ", c);
        }
        if tera.contains_template("search.html") {
            pages.page("search.html", "search.html", "検索", search_context(book));
        }

        let mut c = ctx();
        c.insert("root", base_path(&cfg.base_url));
        pages.page("404.html", "404.html", "ページが見つかりません", c);
        progress::finish();

        let mut errors = pages.errors.into_inner().unwrap_or_else(|p| p.into_inner());
        if let Err(e) = write_sitemap(book, out) {
            errors.push(e);
        }
        for (rel, f) in &self.theme.statics {
            if let Err(e) = out.write(&format!("static/{rel}"), &published(rel, &f.data)) {
                errors.push(Diagnostic::error(
                    rel,
                    Pos::File,
                    format!("cannot write output: {e}"),
                ));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            // One broken template fails every page: report each template once.
            errors.sort_by(|a, b| (&a.file, &a.message).cmp(&(&b.file, &b.message)));
            errors.dedup_by(|a, b| a.file == b.file && a.message == b.message);
            Err(errors)
        }
    }
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn write_sitemap(book: &Guidebook, out: &Staging) -> Result<(), Diagnostic> {
    let base = &book.config.base_url;
    let mut paths: Vec<String> = vec![
        "index.html".into(),
        "windows.html".into(),
        "meetings.html".into(),
    ];
    paths.extend(
        book.config
            .types
            .iter()
            .map(|t| format!("types/{}.html", t.key)),
    );
    paths.extend(
        book.config
            .areas
            .iter()
            .map(|a| format!("areas/{}.html", a.key)),
    );
    paths.extend(book.pages.iter().map(|p| format!("pages/{}.html", p.slug)));
    paths.extend(book.windows.iter().map(|w| views::window_url(&w.id)));
    paths.extend(book.meetings.iter().map(|m| views::meeting_url(&m.id)));
    paths.extend(book.facilities.iter().map(|f| views::facility_url(&f.id)));
    let mut xml = String::with_capacity(paths.len() * 100 + 200);
    xml.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for p in &paths {
        xml.push_str("  <url><loc>");
        xml.push_str(&xml_escape(&format!("{base}{p}")));
        xml.push_str("</loc></url>\n");
    }
    xml.push_str("</urlset>\n");
    let robots = format!("User-agent: *\nAllow: /\n\nSitemap: {base}sitemap.xml\n");
    let io = |e: std::io::Error| {
        Diagnostic::error(
            "sitemap.xml",
            Pos::File,
            format!("cannot write output: {e}"),
        )
    };
    out.write("sitemap.xml", xml.as_bytes()).map_err(io)?;
    out.write("robots.txt", robots.as_bytes()).map_err(io)
}

/// Which list a list page belongs to.
#[derive(Clone, Copy)]
enum ListKind {
    Type(usize),
    Area(usize),
}

/// One page of a paginated list: `base.html`, then `base/2.html`, …
#[derive(Clone)]
struct PageOf {
    base: String,
    current: usize,
    total: usize,
}

#[derive(Serialize)]
struct PagerLink {
    number: usize,
    url: String,
    current: bool,
}

#[derive(Serialize)]
struct Pager {
    current: usize,
    total: usize,
    prev: String,
    next: String,
    pages: Vec<PagerLink>,
}

impl PageOf {
    fn url(&self, n: usize) -> String {
        match n {
            1 => format!("{}.html", self.base),
            n => format!("{}/{n}.html", self.base),
        }
    }

    fn path(&self) -> String {
        self.url(self.current)
    }

    /// `None` for a list that fits on one page.
    fn pager(&self) -> Option<Pager> {
        (self.total > 1).then(|| Pager {
            current: self.current,
            total: self.total,
            prev: if self.current > 1 {
                self.url(self.current - 1)
            } else {
                String::new()
            },
            next: if self.current < self.total {
                self.url(self.current + 1)
            } else {
                String::new()
            },
            pages: (1..=self.total)
                .map(|n| PagerLink {
                    number: n,
                    url: self.url(n),
                    current: n == self.current,
                })
                .collect(),
        })
    }
}

struct ListPage {
    kind: ListKind,
    title: String,
    page: PageOf,
    /// Facility indices on this page, in display order.
    items: Vec<usize>,
    /// Facilities in the whole list.
    count: usize,
}

/// Splits `items` into pages of `size` (0: one page), at least one page.
fn paginate(items: Vec<usize>, size: usize) -> Vec<Vec<usize>> {
    if size == 0 || items.len() <= size {
        return vec![items];
    }
    items.chunks(size).map(<[usize]>::to_vec).collect()
}

/// Every type and area list page of the site.
fn list_pages(book: &Guidebook) -> Vec<ListPage> {
    let cfg = &book.config;
    let mut by_type: Vec<Vec<usize>> = vec![Vec::new(); cfg.types.len()];
    let mut by_area: Vec<Vec<usize>> = vec![Vec::new(); cfg.areas.len()];
    for (i, f) in book.facilities.iter().enumerate() {
        by_type[f.kind].push(i);
        by_area[f.area].push(i);
    }
    // Area pages group by type, in the configured type order.
    for list in &mut by_area {
        list.sort_by_key(|&i| book.facilities[i].kind);
    }
    let mut out = Vec::new();
    let lists = by_type
        .into_iter()
        .enumerate()
        .map(|(i, l)| {
            (
                ListKind::Type(i),
                format!("types/{}", cfg.types[i].key),
                cfg.types[i].name.clone(),
                l,
            )
        })
        .chain(by_area.into_iter().enumerate().map(|(i, l)| {
            (
                ListKind::Area(i),
                format!("areas/{}", cfg.areas[i].key),
                cfg.areas[i].name.clone(),
                l,
            )
        }));
    for (kind, base, title, items) in lists {
        let count = items.len();
        let chunks = paginate(items, cfg.page_size);
        let total = chunks.len();
        for (n, items) in chunks.into_iter().enumerate() {
            out.push(ListPage {
                kind,
                title: title.clone(),
                page: PageOf {
                    base: base.clone(),
                    current: n + 1,
                    total,
                },
                items,
                count,
            });
        }
    }
    out
}

/// The rows of one area page grouped by type; `count` is the type's total
/// in the whole area, which may span pages.
fn area_groups(
    book: &Guidebook,
    items: &[usize],
    rows: &[Value],
    shared: &views::Shared,
    counts: &[usize],
) -> Vec<Value> {
    let mut groups: Vec<Value> = Vec::new();
    let mut start = 0;
    while start < items.len() {
        let kind = book.facilities[items[start]].kind;
        let end = start
            + items[start..]
                .iter()
                .take_while(|&&i| book.facilities[i].kind == kind)
                .count();
        let mut m = tera::Map::default();
        m.insert("type".into(), shared.type_full[kind].clone());
        m.insert(
            "facilities".into(),
            Value::from(
                items[start..end]
                    .iter()
                    .map(|&i| rows[i].clone())
                    .collect::<Vec<_>>(),
            ),
        );
        m.insert("count".into(), Value::from(counts[kind]));
        groups.push(Value::from(m));
        start = end;
    }
    groups
}

/// A theme's static file as published: scripts minified (the search code is
/// part of every first search's download; the theme keeps its comments).
/// A script the minifier cannot read is published as it is.
fn published<'a>(rel: &str, data: &'a [u8]) -> std::borrow::Cow<'a, [u8]> {
    if rel.ends_with(".js") {
        if let Ok(src) = std::str::from_utf8(data) {
            if let Ok(min) = minifier::js::minify(src) {
                return min.to_string().into_bytes().into();
            }
        }
    }
    data.into()
}
