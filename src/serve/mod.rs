//! `carebook serve`: a live preview for the guidebook's keepers. It builds
//! the guidebook into a folder of its own (never the published output),
//! serves it over HTTP, watches the guidebook's files and, on every change,
//! updates the model file by file and renders again only the pages whose
//! inputs changed; open pages reload by themselves, and the guidebook's
//! problems show over them while the last good pages stay served. The
//! search indexes and the pamphlet, which depend on every record, are
//! brought up to date in the background after edits settle.

mod background;
mod http;
mod session;
mod watch;

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use serde::Serialize;

use crate::diag::{Diagnostic, Severity};
pub use http::{MAX_LIMIT, MAX_QUERY};

/// How long file events must be quiet before they make one change.
const SETTLE: Duration = Duration::from_millis(20);

pub struct Options {
    pub root: PathBuf,
    pub port: u16,
    pub bind: IpAddr,
    pub open: bool,
}

/// What a `reload` event tells open pages, as JSON: which pages changed
/// (their paths from the site root; `null`: any may have), so that only
/// those reload, and whether more follow (the list pages a record's move
/// only shifted come in a second event).
#[derive(Debug, Clone, Serialize)]
pub struct Reload<'a> {
    pub generation: u64,
    pub paths: Option<&'a [String]>,
    pub more: bool,
}

/// Above this many, a `reload` event names no pages: every page reloads.
const MAX_RELOAD_PATHS: usize = 500;

impl Reload<'_> {
    /// The event's data.
    pub fn data(generation: u64, paths: &[String], more: bool) -> Arc<str> {
        let r = Reload {
            generation,
            paths: (paths.len() <= MAX_RELOAD_PATHS).then_some(paths),
            more,
        };
        serde_json::to_string(&r).unwrap_or_default().into()
    }
}

/// What open pages are told (as JSON in `state` events).
#[derive(Debug, Clone, Default, Serialize)]
pub struct State {
    /// Counts the rebuilds that changed pages.
    pub generation: u64,
    /// The guidebook's errors, which stop the preview's pages from
    /// following the edits until they are fixed.
    pub problems: Vec<Problem>,
    /// How many warnings it has (stale records, say), printed in the
    /// terminal.
    pub warnings: usize,
    /// `ready`, `behind` (being brought up to date) or `off`.
    pub search: &'static str,
    pub pamphlet: &'static str,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Problem {
    pub file: String,
    pub line: Option<usize>,
    pub col: Option<usize>,
    pub severity: &'static str,
    pub message: String,
    pub hint: Option<String>,
}

impl Problem {
    fn of(d: &Diagnostic) -> Problem {
        let (line, col) = d.line_col().unzip();
        Problem {
            file: d.file.display().to_string().replace('\\', "/"),
            line,
            col,
            severity: match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            },
            message: d.message.clone(),
            hint: d.hint.clone(),
        }
    }
}

/// A folder of this process's own under the system's temporary folder;
/// those of previews that were killed outright are removed on the way.
fn scratch_dir() -> std::io::Result<PathBuf> {
    let tmp = std::env::temp_dir();
    for e in std::fs::read_dir(&tmp)?.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let pid = name
            .strip_prefix("carebook-serve-")
            .and_then(|p| p.parse::<u32>().ok());
        if pid.is_some_and(|pid| !crate::write::running(pid)) {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
    let dir = tmp.join(format!("carebook-serve-{}", std::process::id()));
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// Runs the preview until interrupted. Errors are about the preview itself
/// (a port in use, a folder that cannot be written), not the guidebook.
pub fn run(opts: Options) -> Result<(), String> {
    let root = opts.root.canonicalize().map_err(|e| {
        format!(
            "cannot open the guidebook folder {}: {e}",
            opts.root.display()
        )
    })?;
    let scratch = scratch_dir().map_err(|e| format!("cannot make the preview's folder: {e}"))?;
    crate::write::remove_on_interrupt(&scratch, "stopped the preview");
    let preview = scratch.join("site");
    std::fs::create_dir_all(&preview).map_err(|e| e.to_string())?;

    let (state_tx, state_rx) = tokio::sync::watch::channel(State::default());
    let (reload_tx, _) = tokio::sync::broadcast::channel(64);
    let searcher = Arc::new(RwLock::new(None));
    let pamphlet_bytes = crate::outputs::PamphletBytes::default();
    // Events closer than this are one change: an editor's save (a write
    // and a rename, or two writes) takes far less.
    let watcher = watch::Watcher::start(&root, SETTLE)?;
    let background = background::Worker::start(
        scratch.clone(),
        preview.clone(),
        searcher.clone(),
        state_tx.clone(),
        pamphlet_bytes.clone(),
        watcher.notifier(),
    );
    let mut session = session::Session::new(
        root.clone(),
        preview.clone(),
        state_tx,
        reload_tx.clone(),
        background,
        pamphlet_bytes,
    );
    session.rebuild_all();

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the server: {e}"))?;
    let addr = SocketAddr::new(opts.bind, opts.port);
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind(addr))
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    let url = match local.ip() {
        ip if ip.is_unspecified() => format!("http://127.0.0.1:{}/", local.port()),
        IpAddr::V6(ip) => format!("http://[{ip}]:{}/", local.port()),
        ip => format!("http://{ip}:{}/", local.port()),
    };
    println!("serving the preview of {} at {url}", root.display());
    if !local.ip().is_loopback() {
        println!(
            "the preview is reachable by others on the network at {}:{} (it shows the guidebook as edited, unpublished)",
            local.ip(),
            local.port()
        );
    }
    println!("watching for changes; press Ctrl-C to stop");
    let app = http::router(
        preview,
        scratch.join("search-site").join("search"),
        http::Shared {
            state: state_rx,
            reloads: reload_tx,
            searcher,
        },
    );
    runtime.spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            eprintln!("error: the preview server stopped: {e}");
            std::process::exit(1);
        }
    });
    if opts.open {
        open_browser(&url);
    }
    watcher.run(|changes| session.apply(changes))
}

/// Opens `url` in the desktop's browser, if there is one to ask.
fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if std::process::Command::new(opener).arg(url).spawn().is_err() {
        println!("open {url} in a browser");
    }
}
