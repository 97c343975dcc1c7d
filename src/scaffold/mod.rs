//! `carebook new` and `carebook init`: commented starting points for
//! coordinators, filled with the guidebook's own vocabularies.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::load;
use crate::model::Config;

const CONFIG: &str = include_str!("carebook.toml");
const FACILITY: &str = include_str!("facility.yaml");
const MEETING: &str = include_str!("meeting.yaml");
const WINDOW: &str = include_str!("window.yaml");
const PAGE: &str = include_str!("page.md");
const INDEX: &str = include_str!("index.md");

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    Facility,
    Meeting,
    Window,
}

fn today() -> String {
    chrono::Local::now().date_naive().to_string()
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

fn fill(template: &str, config: Option<&Config>) -> String {
    let (types, areas, first_type, first_area, caps) = match config {
        Some(c) => {
            let t = c.types.first();
            (
                c.types
                    .iter()
                    .map(|t| format!("{} ({})", t.key, t.name))
                    .collect::<Vec<_>>()
                    .join(", "),
                c.areas
                    .iter()
                    .map(|a| format!("{} ({})", a.key, a.name))
                    .collect::<Vec<_>>()
                    .join(", "),
                t.map_or("clinic", |t| t.key.as_str()).to_string(),
                c.areas
                    .first()
                    .map_or("north", |a| a.key.as_str())
                    .to_string(),
                c.types
                    .iter()
                    .map(|t| {
                        let keys: Vec<String> = t
                            .capabilities
                            .iter()
                            .map(|c| format!("{} {}", c.key, c.label))
                            .collect();
                        format!("\n#   {}: {}", t.key, keys.join(", "))
                    })
                    .collect::<String>(),
            )
        }
        None => Default::default(),
    };
    template
        .replace("{{types}}", &types)
        .replace("{{areas}}", &areas)
        .replace("{{type}}", &first_type)
        .replace("{{area}}", &first_area)
        .replace(
            "{{capabilities}}",
            &format!("capability keys of each type:{caps}"),
        )
        .replace("{{window}}", "soudan-shienshitsu")
        .replace("{{today}}", &today())
}

/// Problems, one per line, as the CLI prints them.
fn problems(ds: &[crate::diag::Diagnostic]) -> String {
    ds.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Writes a commented record template; returns its path.
pub fn new_record(root: &Path, kind: Kind, id: &str) -> Result<PathBuf, String> {
    if !valid_id(id) {
        return Err(format!(
            "\"{id}\" cannot be a record id\n  hint: the name becomes the file name and URL: use lower-case ASCII letters, digits, `-` and `_`, e.g. sakura-clinic"
        ));
    }
    let config = crate::pipeline::load_config(root).map_err(|ds| problems(&ds))?;
    let (dir, template) = match kind {
        Kind::Facility => ("content/facilities", FACILITY),
        Kind::Meeting => ("content/meetings", MEETING),
        Kind::Window => ("content/windows", WINDOW),
    };
    let path = root.join(dir).join(format!("{id}.yaml"));
    if let Some(taken) = existing_record(root, kind, id) {
        return Err(format!(
            "a {} with the id \"{id}\" already exists: {}\n  hint: choose another name or edit that file",
            format!("{kind:?}").to_lowercase(),
            taken.strip_prefix(root).unwrap_or(&taken).display()
        ));
    }
    if path.exists() {
        return Err(format!(
            "{} already exists\n  hint: choose another name or edit that file",
            path.display()
        ));
    }
    fs::create_dir_all(root.join(dir)).map_err(|e| e.to_string())?;
    fs::write(&path, fill(template, Some(&config))).map_err(|e| e.to_string())?;
    Ok(path)
}

/// The file of an existing record of `kind` whose id is `id`: named so in
/// any sub-folder, or setting `id:` itself.
fn existing_record(root: &Path, kind: Kind, id: &str) -> Option<PathBuf> {
    let content = load::load_content(root);
    fn find<T>(
        items: &[load::Loaded<T>],
        id: &str,
        own: impl Fn(&T) -> Option<&String>,
    ) -> Option<PathBuf> {
        items
            .iter()
            .find(|l| own(&l.raw).map_or_else(|| l.source.stem(), Clone::clone) == id)
            .map(|l| l.source.path.clone())
    }
    let unreadable = |k: load::RecordKind| {
        content
            .unreadable
            .iter()
            .find(|(kind, i, _)| *kind == k && i == id)
            .map(|(_, _, p)| p.clone())
    };
    match kind {
        Kind::Facility => find(&content.facilities, id, |r| r.id.as_ref())
            .or_else(|| unreadable(load::RecordKind::Facility)),
        Kind::Meeting => find(&content.meetings, id, |r| r.id.as_ref())
            .or_else(|| unreadable(load::RecordKind::Meeting)),
        Kind::Window => find(&content.windows, id, |r| r.id.as_ref())
            .or_else(|| unreadable(load::RecordKind::Window)),
    }
}

/// Creates a new guidebook in `dir` (which must be empty or absent).
pub fn init(dir: &Path) -> io::Result<()> {
    if dir.exists() && fs::read_dir(dir)?.next().is_some() {
        return Err(io::Error::other(format!(
            "{} is not empty; init makes a new guidebook in an empty or new directory",
            dir.display()
        )));
    }
    let config = CONFIG.replace("{{as_of}}", &today());
    let write = |rel: &str, text: &str| -> io::Result<()> {
        let p = dir.join(rel);
        if let Some(parent) = p.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(p, text)
    };
    write("carebook.toml", &config)?;
    let cfg = crate::pipeline::load_config(dir).map_err(|ds| io::Error::other(problems(&ds)))?;
    write("content/_index.md", INDEX)?;
    write(
        "content/facilities/sample-clinic.yaml",
        &fill(FACILITY, Some(&cfg)),
    )?;
    write(
        "content/meetings/sample-meeting.yaml",
        &fill(MEETING, Some(&cfg))
            .replace("# window: soudan-shienshitsu", "window: soudan-shienshitsu"),
    )?;
    write(
        "content/windows/soudan-shienshitsu.yaml",
        &fill(WINDOW, Some(&cfg)).replace("featured: false", "featured: true"),
    )?;
    write("content/pages/how-to-use.md", PAGE)?;
    write(".gitignore", "/public\n")?;
    Ok(())
}
