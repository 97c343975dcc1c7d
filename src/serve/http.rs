//! The preview's HTTP side (axum): the preview folder's files, with the
//! live-reload script added to HTML pages; server-sent events that tell open
//! pages to reload and what is wrong; and the search API over the latest
//! good build's tantivy index.

use std::convert::Infallible;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{RawQuery, State as AxumState};
use axum::http::{header, HeaderValue, Request, StatusCode};
use axum::middleware::{self, Next};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use futures_util::stream::{self, Stream};
use tokio::sync::{broadcast, watch};
use tower_http::services::{ServeDir, ServeFile};

use super::State;
use crate::search::engine::{SearchQuery, Searcher};

/// The longest query the API takes, in characters.
pub const MAX_QUERY: usize = 1000;
/// The most results one call returns.
pub const MAX_LIMIT: usize = 1000;

const LIVE_JS: &str = include_str!("live.js");
const LIVE_CSS: &str = include_str!("live.css");
/// Where the live script is, and what HTML pages get before `</body>`.
const LIVE_TAG: &str = "<script src=\"/__carebook/live.js\"></script>";

/// What the handlers share.
#[derive(Clone)]
pub struct Shared {
    pub state: watch::Receiver<State>,
    /// The data of each `reload` event (see [`super::Reload`]).
    pub reloads: broadcast::Sender<Arc<str>>,
    pub searcher: Arc<RwLock<Option<Searcher>>>,
}

/// The router of a preview whose pages are in `preview` and whose browser
/// search index is in `search`.
pub fn router(preview: PathBuf, search: PathBuf, shared: Shared) -> Router {
    let not_found = ServeFile::new(preview.join("404.html"));
    let files = ServeDir::new(&preview)
        .append_index_html_on_directories(true)
        .not_found_service(not_found.clone());
    Router::new()
        .route("/__carebook/live.js", get(live_js))
        .route("/__carebook/live.css", get(live_css))
        .route("/__carebook/events", get(events))
        .route("/api/search", get(search_api))
        .nest_service(
            "/search",
            ServeDir::new(search).not_found_service(not_found),
        )
        .fallback_service(files)
        .layer(middleware::from_fn(with_live_script))
        .with_state(shared)
}

async fn live_js() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        LIVE_JS,
    )
}

async fn live_css() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        LIVE_CSS,
    )
}

/// Adds the live script to every HTML page served, and asks browsers not to
/// keep a page that the next rebuild changes.
async fn with_live_script(req: Request<Body>, next: Next) -> Response {
    let response = next.run(req).await;
    let html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let (mut parts, body) = response.into_parts();
    parts
        .headers
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if !html {
        return Response::from_parts(parts, body);
    }
    let Ok(bytes) = axum::body::to_bytes(body, 64 << 20).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "cannot read the page").into_response();
    };
    let mut page = String::from_utf8_lossy(&bytes).into_owned();
    match page.rfind("</body>") {
        Some(at) => page.insert_str(at, LIVE_TAG),
        None => page.push_str(LIVE_TAG),
    }
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(page))
}

/// Server-sent events: `state` (the problems, and whether search and the
/// pamphlet are up to date) at once and on every change, `reload` with the
/// pages a rebuild changed (a page that missed events reloads: `lagged`).
async fn events(
    AxumState(shared): AxumState<Shared>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let state = shared.state.clone();
    let reloads = shared.reloads.subscribe();
    let first = true;
    let stream = stream::unfold(
        (state, reloads, first),
        |(mut state, mut reloads, first)| async move {
            let event = if first {
                state_event(&state.borrow_and_update())
            } else {
                tokio::select! {
                    changed = state.changed() => {
                        changed.ok()?;
                        state_event(&state.borrow_and_update())
                    }
                    reload = reloads.recv() => match reload {
                        Ok(data) => Event::default().event("reload").data(&*data),
                        Err(broadcast::error::RecvError::Lagged(_)) => Event::default().event("reload").data("lagged"),
                        Err(broadcast::error::RecvError::Closed) => return None,
                    },
                }
            };
            Some((Ok(event), (state, reloads, false)))
        },
    );
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

fn state_event(s: &State) -> Event {
    Event::default()
        .event("state")
        .data(serde_json::to_string(s).unwrap_or_default())
}

fn bad_request(message: String) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(serde_json::json!({ "error": message })),
    )
        .into_response()
}

/// `GET /api/search?q=…&type=…&area=…&cap=…&limit=…`: the results of
/// `carebook search --json`, from the latest good build.
async fn search_api(AxumState(shared): AxumState<Shared>, RawQuery(query): RawQuery) -> Response {
    let mut q = SearchQuery {
        limit: 10,
        ..SearchQuery::default()
    };
    for (key, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        let value = value.into_owned();
        match &*key {
            "q" => {
                if value.chars().count() > MAX_QUERY {
                    return bad_request(format!("the query is longer than {MAX_QUERY} characters"));
                }
                q.text = value.split_whitespace().map(String::from).collect();
            }
            "type" => q.types.push(value),
            "area" => q.areas.push(value),
            "cap" => q.caps.push(value),
            "limit" => match value.parse::<usize>() {
                Ok(n) if (1..=MAX_LIMIT).contains(&n) => q.limit = n,
                _ => {
                    return bad_request(format!(
                        "limit must be a whole number from 1 to {MAX_LIMIT}"
                    ))
                }
            },
            other => return bad_request(format!("unknown parameter `{other}`")),
        }
    }
    // (the index is searched on a blocking thread: a search reads files)
    let result = tokio::task::spawn_blocking(move || {
        let guard = shared.searcher.read().unwrap_or_else(|p| p.into_inner());
        let Some(searcher) = guard.as_ref() else {
            return Err((
                StatusCode::SERVICE_UNAVAILABLE,
                "the search index is being built; try again in a moment".to_string(),
            ));
        };
        if let Err((message, hint)) = searcher.check_query(&q) {
            return Err((StatusCode::BAD_REQUEST, format!("{message}; {hint}")));
        }
        searcher
            .run(&q)
            .map_err(|e| (StatusCode::INTERNAL_SERVER_ERROR, e))
    })
    .await;
    match result {
        Ok(Ok(hits)) => Json(hits).into_response(),
        Ok(Err((status, message))) => {
            (status, Json(serde_json::json!({ "error": message }))).into_response()
        }
        Err(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            Json(serde_json::json!({ "error": "the search failed" })),
        )
            .into_response(),
    }
}
