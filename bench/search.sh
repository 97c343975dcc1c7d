#!/usr/bin/env bash
# carebook search benchmark (issue 3), with Pagefind side by side in the same
# run: on the synthetic guidebooks of 10,000 and 100,000 facilities,
#
#   - bytes the browser downloads for a first query (carebook's search page
#     and a Pagefind page, headless chromium over a loopback server);
#   - keypress-to-results time in headless chromium, cold and warm;
#   - `carebook search` latency over 1,000 queries;
#   - index build time (carebook --timings; Pagefind's CLI on the same site);
#
# and the recall cases of issue 3 on the sample guidebook for both engines.
# To compare two versions of search.js on a site this script built, in one
# interleaved run: bench/search/ab.mjs (in chromium) and bench/search/cpu.mjs
# (their JavaScript alone, in Node).
# Writes its section of BENCHMARKS.md between <!-- search-bench:begin -->
# and <!-- search-bench:end --> (the rest of the file is kept).
#
#   bash bench/search.sh                   # from anywhere in the repository
#
# Environment:
#   BENCH_SEARCH_SIZES="10000 100000"  facility counts
#   BENCH_SEARCH_RUNS=3                carebook builds per size (median)
#   BENCH_SEARCH_CLI_COUNT=1000        `carebook search` invocations per size
#   BENCH_SEARCH_TYPE_DELAY=80         ms between typed keys
#   BENCH_SEARCH_KEY_ROUNDS=3          times carebook's queries are typed
#   BENCH_SEARCH_TIMEOUT=15000         ms after which a query counts as never rendered
#   BENCH_REPORT=BENCHMARKS.md         where to write
#   BENCH_SKIP_BUILD=1                 use the existing target/release binaries
#   BENCH_CAREBOOK=PATH                benchmark another carebook binary
#
# Needs node + npm (the bench's own deps are installed with `npm ci` from
# bench/search/package-lock.json: playwright-core, no browser download, and
# pagefind, which ships its binary), Debian's chromium at /usr/bin/chromium
# and /usr/bin/time. Inputs and outputs go to bench/work/ (git-ignored).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

SIZES=${BENCH_SEARCH_SIZES:-"10000 100000"}
RUNS=${BENCH_SEARCH_RUNS:-3}
CLI_COUNT=${BENCH_SEARCH_CLI_COUNT:-1000}
REPORT=${BENCH_REPORT:-BENCHMARKS.md}
WORK=bench/work
RES=$WORK/search-results
CAREBOOK_SRC=${BENCH_CAREBOOK:-target/release/carebook}
SYNTH=target/release/examples/synth
TIME=/usr/bin/time
STARTED=$(date +%s)

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'bench/search.sh: %s\n' "$*" >&2; exit 1; }

# ------------------------------------------------------------------ tools

command -v node >/dev/null 2>&1 || die "node is missing"
command -v npm >/dev/null 2>&1 || die "npm is missing"
[ -x /usr/bin/chromium ] || [ -n "${BENCH_CHROMIUM:-}" ] || die "/usr/bin/chromium is missing (Debian package chromium)"
[ -x "$TIME" ] || die "/usr/bin/time is missing (Debian package time)"

log "npm ci (bench/search)"
(cd bench/search && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
PAGEFIND=bench/search/node_modules/@pagefind/linux-x64/bin/pagefind_extended
[ -x "$PAGEFIND" ] || PAGEFIND=bench/search/node_modules/.bin/pagefind

if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
    log "cargo build --release"
    cargo build --release
    log "cargo build --release --example synth"
    cargo build --release --example synth
fi
[ -x "$CAREBOOK_SRC" ] || die "$CAREBOOK_SRC not found: cargo build --release failed?"
[ -x "$SYNTH" ] || die "$SYNTH not found: cargo build --release --example synth"
"$CAREBOOK_SRC" build --help | grep -q -- --timings ||
    die "$CAREBOOK_SRC has no \`build --timings\`: rebuild it (cargo build --release)"

# A copy, so that a rebuild of target/ during the run cannot swap binaries.
mkdir -p "$WORK/search-bin" "$RES"
rm -f "$RES"/*
CB=$WORK/search-bin/carebook
cp "$CAREBOOK_SRC" "$CB"
CB_SHA=$(sha256sum "$CB" | cut -c1-16)
# provenance, for the report
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ "$COMMIT" != unknown ] && [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then
    COMMIT="$COMMIT (with uncommitted changes)"
fi
{
    echo "started $STARTED"
    echo "commit $COMMIT"
    echo "binary $CAREBOOK_SRC"
    echo "built $(date -u -r "$CAREBOOK_SRC" '+%Y-%m-%d %H:%M UTC')"
    echo "sha256 $CB_SHA"
} >"$RES/run.txt"

# ------------------------------------------------------------------ inputs

SYNTH_SIG=$(sha256sum examples/synth.rs | cut -c1-16)

# generate DIR N: the same inputs (and stamp) as bench/run.sh, reused while
# the facility count and synth.rs are unchanged.
generate() {
    local dir=$1 n=$2
    local want="$n $SYNTH_SIG"
    if [ -f "$dir/.bench-stamp" ] && [ "$(cat "$dir/.bench-stamp")" = "$want" ]; then
        log "reusing $dir"
        return
    fi
    log "generating $n facilities into $dir"
    rm -rf "$dir"
    mkdir -p "$dir"
    "$SYNTH" "$n" "$dir" >/dev/null
    printf '%s\n' "$want" >"$dir/.bench-stamp"
}

# pagefind_site SRC DIR: DIR becomes the guidebook SRC (its carebook.toml,
# its content/ as a symbolic link) with template overrides that add what
# Pagefind needs, built into DIR/public: data-pagefind-body on each record's
# <article> (so that Pagefind indexes the records, as carebook does, and not
# the navigation and lists repeated on every page) and data-pagefind-filter
# for type, area and the capabilities a facility has. The overrides are made
# from the default theme's templates at run time; the theme is not changed.
# The site is rebuilt only when the binary, the inputs or the overrides changed.
pagefind_site() {
    local src=$1 dir=$2 t=themes/default/templates
    mkdir -p "$dir/templates"
    cp "$src/carebook.toml" "$dir/carebook.toml"
    ln -sfn "$(cd "$src" && pwd)/content" "$dir/content"
    grep -q '<article class="record">' "$t/facility.html" || die "$t/facility.html has no <article class=\"record\">"
    sed -e 's|<article class="record">|<article class="record" data-pagefind-body><span data-pagefind-filter="type:{{ f.type.key }}"></span><span data-pagefind-filter="area:{{ f.area.key }}"></span>{% for c in f.caps %}{% if c.has %}<span data-pagefind-filter="cap:{{ c.key }}"></span>{% endif %}{% endfor %}|' \
        "$t/facility.html" >"$dir/templates/facility.html"
    sed -e 's|<article class="record">|<article class="record" data-pagefind-body><span data-pagefind-filter="type:window"></span>|' \
        "$t/window.html" >"$dir/templates/window.html"
    sed -e 's|<article class="record">|<article class="record" data-pagefind-body><span data-pagefind-filter="type:meeting"></span>|' \
        "$t/meeting.html" >"$dir/templates/meeting.html"
    local want inputs
    # the synthetic guidebooks carry a stamp; anything else is rebuilt every time
    if [ -f "$src/.bench-stamp" ]; then inputs=$(cat "$src/.bench-stamp"); else inputs="unstamped $(date +%s%N)"; fi
    want="$CB_SHA $inputs $(cat "$dir"/templates/*.html | sha256sum | cut -c1-16)"
    if [ -f "$dir/.site-stamp" ] && [ "$(cat "$dir/.site-stamp")" = "$want" ] && [ -d "$dir/public" ]; then
        log "reusing $dir/public"
        return
    fi
    log "carebook build of $dir (the same site with Pagefind attributes)"
    "$CB" build --root "$dir" --out "$dir/public" --index "$dir/search-index" --quiet
    local pages want_pages
    pages=$(find "$dir/public/facilities" -name '*.html' | wc -l)
    want_pages=$(find "$src/content/facilities" -type f | wc -l)
    [ "$pages" -eq "$want_pages" ] || die "the Pagefind site of $dir has $pages facility pages, not $want_pages"
    printf '%s\n' "$want" >"$dir/.site-stamp"
}

# pagefind_index DIR NAME: Pagefind's CLI over DIR/public, timed.
pagefind_index() {
    local dir=$1 name=$2
    rm -rf "$dir/public/pagefind_bench"
    sync
    log "pagefind --site $dir/public"
    "$TIME" -f '%e %M' -o "$RES/pagefind-$name.time" \
        "$PAGEFIND" --site "$dir/public" --output-subdir pagefind_bench >"$RES/pagefind-$name.log" 2>&1 ||
        { tail -n 30 "$RES/pagefind-$name.log" >&2; die "pagefind failed"; }
    cp bench/search/pagefind_bench.html "$dir/public/pagefind_bench.html"
}

# ------------------------------------------------------------------ per size

# Reads every file of a site once (so that the server answers from the
# page cache), then waits up to 120 s for the 1-minute load average to fall
# under 1, so that what ran before does not slow the browser run.
settle() {
    find "$1" -type f -print0 | xargs -0 cat >/dev/null
    local i
    for ((i = 0; i < 24; i++)); do
        awk '{ exit !($1 < 1.0) }' /proc/loadavg && return 0
        sleep 5
    done
    log "  load average still $(cut -d' ' -f1 /proc/loadavg) after 120 s"
}

for n in $SIZES; do
    dir=$WORK/$n
    generate "$dir" "$n"
    log "carebook build --timings, $n facilities, $RUNS runs"
    : >"$RES/build-$n.txt"
    for ((r = 1; r <= RUNS; r++)); do
        # A build keeps the indexes of the previous one when they were made
        # from the same records: without the old tantivy index, both are made.
        rm -rf "$dir/search-index"
        "$TIME" -f 'wall %e rss %M' -o "$RES/build-$n.time" \
            "$CB" build --root "$dir" --out "$dir/public" --index "$dir/search-index" --quiet --timings \
            2>"$RES/build-$n.log" || { cat "$RES/build-$n.log" >&2; die "carebook build failed"; }
        { echo "run $r"; cat "$RES/build-$n.time"; grep '^timing: ' "$RES/build-$n.log"; } >>"$RES/build-$n.txt"
        log "  run $r: $(tr '\n' ' ' <"$RES/build-$n.time")"
    done

    # carebook's browser run comes before Pagefind indexes (its peak RSS
    # is many GiB and evicts the site from the page cache), each browser
    # run on a quiet machine with its files cached, as on a warm server.
    settle "$dir/public"
    log "browser: $n facilities, carebook"
    node bench/search/browser.mjs --size "$n" --carebook "$dir/public" --out "$RES/browser-$n-carebook.json"

    pagefind_site "$dir" "$WORK/pagefind-$n"
    pagefind_index "$WORK/pagefind-$n" "$n"

    settle "$WORK/pagefind-$n/public"
    log "browser: $n facilities, Pagefind"
    node bench/search/browser.mjs --size "$n" --pagefind "$WORK/pagefind-$n/public" --out "$RES/browser-$n-pagefind.json"
    node -e '
const fs = require("fs");
const [a, b, out] = process.argv.slice(1);
const x = JSON.parse(fs.readFileSync(a)), y = JSON.parse(fs.readFileSync(b));
for (const k of ["loadavg", "bytes", "keys"]) Object.assign(x[k], y[k]);
fs.writeFileSync(out, JSON.stringify(x, null, 1));
' "$RES/browser-$n-carebook.json" "$RES/browser-$n-pagefind.json" "$RES/browser-$n.json"

    log "carebook search, $CLI_COUNT invocations"
    node bench/search/cli.mjs --carebook "$CB" --index "$dir/search-index" \
        --count "$CLI_COUNT" --out "$RES/cli-$n.json"
done

# ------------------------------------------------------------------ recall

SAMPLE=$WORK/search-sample
log "recall cases on the sample guidebook"
"$CB" build --root . --out "$SAMPLE/public" --index "$SAMPLE/search-index" --quiet 2>/dev/null
pagefind_site . "$WORK/pagefind-sample"
pagefind_index "$WORK/pagefind-sample" sample
node bench/search/recall.mjs --root . --carebook "$SAMPLE/public" \
    --pagefind "$WORK/pagefind-sample/public" --out "$RES/recall.json"

# ------------------------------------------------------------------ report

echo "finished $(date +%s)" >>"$RES/run.txt"
log "writing $REPORT"
node bench/search/report.mjs --results "$RES" --sizes "$SIZES" --runs "$RUNS" \
    --report "$REPORT" --carebook "$CB" --pagefind "$PAGEFIND" --work "$WORK"
log "done in $(( ($(date +%s) - STARTED) / 60 )) min"
