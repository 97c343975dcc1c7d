// Writes the search benchmark's section of BENCHMARKS.md from the results
// bench/search.sh collected, between <!-- search-bench:begin --> and
// <!-- search-bench:end --> (replaced if present, appended otherwise).
//
// node report.mjs --results DIR --sizes "10000 100000" --runs 3 --report FILE
//                 --carebook BIN --pagefind BIN --work bench/work
// (and reads RESULTS/run.txt, which bench/search.sh writes)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { execFileSync } from 'node:child_process';
import { median, quantile, args } from './lib.mjs';
import { HEADLINE, PLAIN, FILTERED, label } from './queries.mjs';

const a = args(process.argv.slice(2));
const RES = a.results;
const SIZES = String(a.sizes).trim().split(/\s+/).map(Number);
const BEGIN = '<!-- search-bench:begin -->';
const END = '<!-- search-bench:end -->';
const here = path.dirname(new URL(import.meta.url).pathname);

// ------------------------------------------------------------ formatting

const thousands = (n) => (typeof n === 'string' && n.startsWith('≥') ? '≥' + thousands(Number(n.slice(1))) : String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ','));
const kB = (b) => (b === null || b === undefined ? '–' : `${(b / 1000).toFixed(1)} kB`);
const ms = (x, d = 1) => (x === null || x === undefined || Number.isNaN(x) ? '–' : x === Infinity ? '∞' : `${x.toFixed(d)} ms`);
const s = (x) => `${x.toFixed(2)} s`;
const pct = (x) => `${(100 * x).toFixed(0)} %`;
const mark = (ok) => (ok ? '✓' : '✗');
const mib = (kib) => `${(kib / 1024).toFixed(0)} MiB`;
const read = (f) => JSON.parse(fs.readFileSync(path.join(RES, f), 'utf8'));
const exists = (f) => fs.existsSync(path.join(RES, f));
const sh = (cmd, argv) => { try { return execFileSync(cmd, argv, { encoding: 'utf8' }).trim(); } catch { return ''; } };

function walk(dir, filter = () => true) {
  let files = 0;
  let bytes = 0;
  const go = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) go(p);
      else if (filter(path.relative(dir, p))) { files++; bytes += fs.statSync(p).size; }
    }
  };
  if (fs.existsSync(dir)) go(dir);
  return { files, bytes };
}

/** p95 with queries that never rendered counted as infinitely slow. */
const p95 = (xs) => quantile(xs.map((x) => (x === null ? Infinity : x)), 0.95);
const med = (xs) => median(xs.map((x) => (x === null ? Infinity : x)));
/** Keypress samples grouped by query: its median cold time and files over the rounds. */
function perQuery(keys) {
  const by = new Map();
  for (const k of keys) by.set(k.label, [...(by.get(k.label) || []), k]);
  return [...by.values()].map((ks) => ({
    label: ks[0].label, filtered: ks[0].filtered, n: ks.length,
    cold: med(ks.map((k) => k.cold)),
    files: ks.some((k) => k.files == null) ? null : med(ks.map((k) => k.files)),
  }));
}
const rounds = (keys) => Math.max(...keys.map((k) => (k.round ?? 0) + 1));

// ------------------------------------------------------------ carebook's analyzer, for diagnosis

function carebookAnalyzer(site) {
  const sandbox = { console };
  sandbox.globalThis = sandbox;
  vm.createContext(sandbox);
  vm.runInContext(fs.readFileSync(path.join(site, 'static', 'search.js'), 'utf8'), sandbox);
  const S = sandbox.carebookSearch;
  let meta = null;
  S.meta = (m) => { meta = m; };
  vm.runInContext(fs.readFileSync(path.join(site, 'search', 'meta.js'), 'utf8'), sandbox);
  const fnv = (term) => {
    let h = 0x811c9dc5;
    for (let i = 0; i < term.length; i++) { h ^= term.charCodeAt(i); h = Math.imul(h, 0x01000193) >>> 0; }
    return h % meta.shards;
  };
  /** Index keys a query looks up: its terms and its facet values, with their shard. */
  return (x) => {
    const keys = S.analyzeQuery(x.q).map((t) => ({ key: t, shard: fnv(t) }));
    for (const k of ['type', 'area', 'cap']) {
      for (const v of x.filters[k] || []) keys.push({ key: `${k}/${v}`, shard: fnv(`\u0001${k}/${v}`) });
    }
    return keys;
  };
}
/** Keys of one query that share a term shard (the page loads that shard twice at once). */
function collisions(keys) {
  const by = new Map();
  for (const k of keys) by.set(k.shard, [...(by.get(k.shard) || []), k.key]);
  return [...by.entries()].filter(([, ks]) => ks.length > 1).map(([sh, ks]) => `${ks.join(', ')} → t/${sh}.js`);
}

// ------------------------------------------------------------ collect

const sizes = SIZES.filter((n) => exists(`browser-${n}.json`));
const data = {};
for (const n of sizes) {
  const d = (data[n] = {});
  d.browser = read(`browser-${n}.json`);
  d.cli = exists(`cli-${n}.json`) ? read(`cli-${n}.json`) : null;
  // builds
  const runs = [];
  let cur = null;
  for (const line of fs.readFileSync(path.join(RES, `build-${n}.txt`), 'utf8').split('\n')) {
    let m;
    if ((m = /^run (\d+)/.exec(line))) runs.push((cur = { stages: {} }));
    else if ((m = /^wall ([\d.]+) rss (\d+)/.exec(line))) { cur.wall = Number(m[1]); cur.rss = Number(m[2]); }
    else if ((m = /^timing: (.+): ([\d.]+) s/.exec(line))) cur.stages[m[1]] = Number(m[2]);
  }
  d.builds = runs;
  const pfTime = fs.readFileSync(path.join(RES, `pagefind-${n}.time`), 'utf8').trim().split(/\s+/).slice(-2).map(Number);
  const pfLog = fs.readFileSync(path.join(RES, `pagefind-${n}.log`), 'utf8');
  d.pagefind = {
    wall: pfTime[0], rss: pfTime[1],
    pages: Number((/Indexed (\d+) pages/.exec(pfLog) || [])[1]),
    words: Number((/Indexed (\d+) words/.exec(pfLog) || [])[1]),
    filters: Number((/Indexed (\d+) filters/.exec(pfLog) || [])[1]),
    selfReported: (/Finished in ([\d.]+) seconds/.exec(pfLog) || [])[1],
  };
  const site = path.join(a.work, String(n), 'public');
  const pfOut = path.join(a.work, `pagefind-${n}`, 'public', 'pagefind_bench');
  d.site = site;
  d.sizes = {
    cbIndex: walk(path.join(site, 'search')),
    cbShards: walk(path.join(site, 'search', 't')),
    cbDisplay: walk(path.join(site, 'search', 'd')),
    cbCode: walk(path.join(site, 'static'), (p) => p === 'search.js'),
    tantivy: walk(path.join(a.work, String(n), 'search-index')),
    pfAll: walk(pfOut),
    pfIndex: walk(pfOut, (p) => /\.pf_|pagefind-entry\.json/.test(p)),
    pfFragments: walk(path.join(pfOut, 'fragment')),
    pfCode: walk(pfOut, (p) => /^(pagefind\.js|pagefind-worker\.js|wasm\..*)$/.test(p)),
  };
  d.analyze = carebookAnalyzer(site);
}
const recall = exists('recall.json') ? read('recall.json') : null;

// ------------------------------------------------------------ derived figures

const byLabel = (rows, x) => rows.find((r) => r.label === label(x));
function headline(n, engine) {
  const rows = data[n].browser.bytes[engine];
  const one = byLabel(rows, HEADLINE.oneWord);
  const two = byLabel(rows, HEADLINE.twoWords);
  const base = byLabel(rows, HEADLINE.filterBase);
  const filt = byLabel(rows, HEADLINE.wordTypeArea);
  return {
    one, two, base, filt,
    extraWord: { bytes: two.bytes - one.bytes, gzip: two.gzip - one.gzip },
    perFilter: { bytes: (filt.bytes - base.bytes) / 2, gzip: (filt.gzip - base.gzip) / 2 },
  };
}
const words = (x) => x.q.trim().split(/\s+/).filter(Boolean).length;
const nFilters = (x) => ['type', 'area', 'cap'].reduce((k, f) => k + (x.filters[f] || []).length, 0);
/** The issue's targets as a budget per query: 100 kB, +30 kB a word, +50 kB a filter. */
const budget = (x) => 100000 + 30000 * Math.max(0, words(x) - 1) + 50000 * nFilters(x);

const largest = sizes[sizes.length - 1];

// ------------------------------------------------------------ write

const L = [];
const P = (...xs) => L.push(...xs);
// what bench/search.sh recorded when it started and finished measuring
const run = {};
if (exists('run.txt')) {
  for (const line of fs.readFileSync(path.join(RES, 'run.txt'), 'utf8').split('\n')) {
    const m = /^(\w+) (.*)$/.exec(line);
    if (m) run[m[1]] = m[2];
  }
}
const minutes = run.started && run.finished ? ((run.finished - run.started) / 60).toFixed(0) : '?';
const when = run.finished ? new Date(run.finished * 1000) : new Date();
const cpu = (fs.readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/) || [, 'unknown'])[1];
const lock = JSON.parse(fs.readFileSync(path.join(here, 'package-lock.json'), 'utf8'));
const pwVersion = lock.packages['node_modules/playwright-core'].version;
const pfNpm = lock.packages['node_modules/pagefind'].version;
const pfLogAny = sizes.length ? fs.readFileSync(path.join(RES, `pagefind-${sizes[0]}.log`), 'utf8') : '';
const pfVersion = (/Running Pagefind (v[\d.]+(?: \(\w+\))?)/.exec(pfLogAny) || [, pfNpm])[1];
const anyB = sizes.length ? data[sizes[0]].browser : { delay: '?' };
const cbVersion = sh(a.carebook, ['--version']) || 'carebook';

P(BEGIN, '## Search (issue 3)', '');
P(`Generated by \`bash bench/search.sh\`, measurements finished ${when.toISOString().slice(0, 16).replace('T', ' ')} UTC after ${minutes} min. Do not edit by hand: run the script again (it rewrites only this section).`, '');
P('| | |', '|---|---|');
P(`| CPUs (\`nproc\`) | ${os.cpus().length} |`);
P(`| CPU model | ${cpu} |`);
P(`| Memory | ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB |`);
P(`| Kernel | ${os.release()} |`);
P(`| carebook | ${cbVersion}: \`${run.binary || '?'}\` built ${run.built || '?'} (sha256 ${run.sha256 || '?'}…), repository at ${run.commit || '?'} when the run began |`);
P(`| Pagefind | ${pfVersion}: the binary of npm \`pagefind@${pfNpm}\` (\`@pagefind/linux-x64\`) |`);
P(`| Browser | Debian chromium ${anyB.chromium || '?'}, headless, via \`playwright-core@${pwVersion}\` |`);
P(`| Node | ${process.version} |`);
P(`| Load average (1 min) when each engine's browser runs began | ${sizes.map((n) => `${thousands(n)}: carebook ${data[n].browser.loadavg.carebook[0].toFixed(1)}, Pagefind ${data[n].browser.loadavg.pagefind[0].toFixed(1)}`).join('; ')} |`);
P('');

// ---- targets
if (sizes.length) {
  const n = largest;
  const h = headline(n, 'carebook');
  const keys = data[n].browser.keys.carebook;
  const cold = keys.map((k) => k.cold);
  const warm = keys.map((k) => k.warm);
  const cli = data[n].cli;
  P(`### Targets of issue 3 at ${thousands(n)} facilities`, '');
  P('kB = 1,000 bytes. "Uncompressed" is what the loopback server sent (no HTTP compression); "gzip" is each fetched file gzipped at level 6, as a server with compression would send it.', '');
  P('| target | measured (uncompressed) | result | measured (gzip) | result |', '|---|---:|:---:|---:|:---:|');
  P(`| first query, one word (\`${HEADLINE.oneWord.q}\`), including the search code, < 100 kB | ${kB(h.one.bytes)} | ${mark(h.one.bytes < 100000)} | ${kB(h.one.gzip)} | ${mark(h.one.gzip < 100000)} |`);
  P(`| one more word (\`${HEADLINE.twoWords.q}\` minus \`${HEADLINE.oneWord.q}\`) < 30 kB | ${kB(h.extraWord.bytes)} | ${mark(h.extraWord.bytes < 30000)} | ${kB(h.extraWord.gzip)} | ${mark(h.extraWord.gzip < 30000)} |`);
  P(`| per filter (\`${label(HEADLINE.wordTypeArea)}\` minus \`${HEADLINE.filterBase.q}\`, halved) < 50 kB | ${kB(h.perFilter.bytes)} | ${mark(h.perFilter.bytes < 50000)} | ${kB(h.perFilter.gzip)} | ${mark(h.perFilter.gzip < 50000)} |`);
  const over = data[n].browser.bytes.carebook.filter((r) => r.bytes > budget(r));
  const overGz = data[n].browser.bytes.carebook.filter((r) => r.gzip > budget(r));
  P(`| every one of the ${data[n].browser.bytes.carebook.length} first queries within its budget (100 kB + 30 kB a word + 50 kB a filter) | ${over.length} over | ${mark(!over.length)} | ${overGz.length} over | ${mark(!overGz.length)} |`);
  P('');
  P('| target | measured | result |', '|---|---:|:---:|');
  const pq = perQuery(keys);
  P(`| keypress → results p95 < 50 ms, ${pq.length} queries (${pq.filter((k) => k.filtered).length} with filters) typed ${rounds(keys)} times each, cold (first time in a fresh page): every keypress | ${ms(p95(cold))} | ${mark(p95(cold) < 50)} |`);
  P(`| the same, p95 over the queries of each one's median time | ${ms(p95(pq.map((k) => k.cold)))} | ${mark(p95(pq.map((k) => k.cold)) < 50)} |`);
  P(`| the same, warm (the same query entered again at once in the same page) | ${ms(p95(warm))} | ${mark(p95(warm) < 50)} |`);
  if (cli) P(`| \`carebook search\` median < 5 ms over ${thousands(cli.count)} invocations (wall time of the whole process) | ${ms(cli.search.median, 2)} | ${mark(cli.search.median < 5)} |`);
  const pfh = headline(n, 'pagefind');
  P(`| vs Pagefind: bytes for the first query \`${HEADLINE.oneWord.q}\` (uncompressed) | carebook ${kB(h.one.bytes)}, Pagefind ${kB(pfh.one.bytes)} | ${(pfh.one.bytes / h.one.bytes).toFixed(1)}× less |`);
  P(`| vs Pagefind: bytes for \`${label(HEADLINE.wordTypeArea)}\` (uncompressed) | carebook ${kB(h.filt.bytes)}, Pagefind ${kB(pfh.filt.bytes)} | ${(pfh.filt.bytes / h.filt.bytes).toFixed(1)}× less |`);
  P('');
}

// ---- method
P('### Method', '');
P(`- Inputs: the synthetic guidebooks of \`examples/synth.rs\` (as \`bench/run.sh\`: \`synth N bench/work/N\`), built by \`carebook build --root bench/work/N --out bench/work/N/public --index bench/work/N/search-index --quiet --timings\` (${a.runs} times per size; the last output is measured). The binary is copied to \`bench/work/search-bin/\` first.`);
P('- Pagefind indexes the same site, built a second time into `bench/work/pagefind-N/public` from the same guidebook with template overrides (made at run time from the default theme, which is not changed) that add `data-pagefind-body` on each record\'s `<article>` (so Pagefind indexes the facilities, windows and meetings, as carebook does, and not the menus and lists repeated on every page) and `data-pagefind-filter` for type, area and each capability a facility has. Command: `pagefind_extended --site bench/work/pagefind-N/public --output-subdir pagefind_bench`, timed with `/usr/bin/time`.');
P('- Browser: Debian chromium, headless, `--no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync`, pages served by a Node static server on 127.0.0.1 (`bench/search/server.mjs`) that logs each response\'s body bytes. carebook is measured on its own `search.html`; Pagefind on `bench/search/pagefind_bench.html`, the smallest page with the same behaviour over Pagefind\'s JS API (query and filters from the URL, `pagefind.search(q, {filters})`, then `data()` of the first 10 results, rendered as text — carebook\'s page also shows 10). carebook\'s page starts a search on every input event; Pagefind\'s `search()` cannot be cancelled and takes seconds at 100,000 pages, so its page runs one search at a time and then the latest input if it changed meanwhile (no debounce delay on either).');
P('- **Bytes**: for each query a fresh browser context (empty cache) opens the search page with the query in its URL (`search.html?q=…&type=…&area=…`, i.e. a shared link or a submitted query) and waits until the results are in the DOM (for carebook also until it has read on for the exact count, which it does after showing the results when little is left: \`body[data-search-settled]\`). Every response but the page itself and `/favicon.ico` is counted: for carebook `static/style.css`, `static/search.js`, `search/meta.js`, term shards `search/t/N.js`, postings blocks `search/b/ID-I.js` (read only while the top 10 are not settled), document-ordered pages `search/r/ID-J.js` (the pages over a filter, or those that hold documents seen in another word\'s list; a CJK trigram\'s blocks also carry its positions, and its pages have them in `search/q/ID-J.js`, for the words of four or more characters, checked as phrases), top files `search/h/ID.js` and display chunks `search/d/N.js`; for Pagefind `pagefind.js`, `pagefind-worker.js`, the WebAssembly, `pagefind-entry.json`, the metadata, index and filter chunks and the fragments of the first 10 results. Pagefind\'s index files are gzip data already, so their gzip figure is their size. "ms" is navigation start → results in the DOM. "results" is the count the page shows; ≥N where it says N件以上 (it read only until the top 10 were settled).');
P(`- **Keypress → results**: for each query a fresh context opens the search page (with the query\'s filters in the URL, and waits for that filtered list), focuses the input, has Playwright install its polling script in the page (its first \`waitForFunction\` in a page holds the page\'s main thread for 8–17 ms here, which until 2026-11-21 fell inside the timed window of every unfiltered query), and types the query with Playwright\'s \`page.keyboard\`, one character at a time, ${anyB.delay} ms apart. Measured inside the page with \`performance.now()\`: from the last key\'s \`keydown\` (or its \`input\` event when it has none: Playwright enters kana and kanji as text input, as an IME commits them) to the \`body[data-search-done]\` change that follows, which both pages make once the results are in the DOM (before paint). *Cold* is that first time; *warm* is the same query entered again in the same page after clearing the input, as one input event (select all, then the whole query at once, as an IME commit or a paste), so that only the search itself and rendering are timed. carebook's queries are typed in ${anyB.keys ? rounds(anyB.keys.carebook) : "?"} rounds (every query, then every query again, each time in a fresh context), Pagefind's in ${anyB.keys ? rounds(anyB.keys.pagefind) : "?"} (its 100,000-facility queries take seconds each). A query whose results are not in the DOM after ${(Number(process.env.BENCH_SEARCH_TIMEOUT) || 15000) / 1000} s counts as never rendered, and as infinitely slow in medians and p95.`);
P('- **`carebook search`**: the wall time of whole invocations (started by the `subprocess.run` of Python in `bench/search/spawn_times.py`, which costs about 0.6 ms a process where `spawnSync` of Node costs 2 ms: process start, opening the tantivy index, searching, JSON output, exit) over a fixed mix of queries (`cliMix` in `bench/search/queries.mjs`: 1 or 2 words, half with type, area, type+area or capability filters), after one untimed pass over the same queries so that the index is in the page cache. For scale the same harness times `/bin/true` and `carebook --version`.');
P('- **Index build share**: `carebook build --timings` prints the time of each stage; the share is the `search indexes` stage (tantivy and browser index, both built in memory) over the sum of the stages, median of the runs. Before each run the previous tantivy index is removed, so that both indexes are made (a build keeps them when they were made from the same records by the same carebook). Writing the index files to disk is part of the `write` stage, with the site.');
P('- Machine: 2 CPUs, so times carry noise; byte counts do not. Before each engine\'s browser run the script reads every file of the site once (the server then answers from the page cache, as a warm server does) and waits, up to 120 s, for the 1-minute load average to fall under 1 (the load above is what it was when the run began). carebook\'s browser run at each size comes before Pagefind indexes that size, whose peak RSS of many GiB evicts the site from the page cache.', '');

// ---- index size and build time
if (sizes.length) {
  P('### Index size and build time', '');
  P('| facilities | | files | bytes | build (wall) | index share of the build |', '|---:|---|---:|---:|---:|---:|');
  for (const n of sizes) {
    const d = data[n];
    const z = d.sizes;
    const shares = d.builds.map((b) => b.stages['search indexes'] / Object.values(b.stages).reduce((x, y) => x + y, 0));
    const idx = median(d.builds.map((b) => b.stages['search indexes']));
    const wall = median(d.builds.map((b) => b.wall));
    P(`| ${thousands(n)} | carebook browser index (\`search/\`: meta, ${thousands(z.cbShards.files)} term shards, ${thousands(z.cbDisplay.files)} display chunks) | ${thousands(z.cbIndex.files)} | ${thousands(z.cbIndex.bytes)} | ${s(wall)} (whole build, median of ${d.builds.length}) | ${s(idx)} = ${pct(median(shares))} |`);
    P(`| | carebook tantivy index (not published) | ${thousands(z.tantivy.files)} | ${thousands(z.tantivy.bytes)} | (same build) | (same stage) |`);
    P(`| | Pagefind, files a search can load (entry, meta, index, filter, fragment) | ${thousands(z.pfIndex.files)} | ${thousands(z.pfIndex.bytes)} | ${s(d.pagefind.wall)} (index only, ${mib(d.pagefind.rss)} peak RSS; ${thousands(d.pagefind.pages)} pages, ${thousands(d.pagefind.words)} words, ${d.pagefind.filters} filters) | – |`);
    P(`| | Pagefind, whole output (with its UI bundles) | ${thousands(z.pfAll.files)} | ${thousands(z.pfAll.bytes)} | | |`);
  }
  P('');
  P('carebook build stages (median s): ' + sizes.map((n) => {
    const st = data[n].builds[0] ? Object.keys(data[n].builds[0].stages) : [];
    return `${thousands(n)}: ` + st.map((k) => `${k} ${median(data[n].builds.map((b) => b.stages[k])).toFixed(2)}`).join(', ') + `; peak RSS ${mib(Math.max(...data[n].builds.map((b) => b.rss)))}`;
  }).join('. ') + '.', '');
}

// ---- bytes
for (const n of sizes) {
  const d = data[n];
  P(`### Bytes for a first query, ${thousands(n)} facilities`, '');
  P('| query | engine | results | uncompressed | gzip | code | index | display / fragments | requests | ms to results |', '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const x of [HEADLINE.oneWord, HEADLINE.twoWords, HEADLINE.filterBase, HEADLINE.wordTypeArea]) {
    for (const engine of ['carebook', 'pagefind']) {
      const r = byLabel(d.browser.bytes[engine], x);
      P(`| \`${label(x)}\` | ${engine === 'carebook' ? 'carebook' : 'Pagefind'} | ${r.hung ? 'never rendered' : thousands(r.count)} | ${kB(r.bytes)} | ${kB(r.gzip)} | ${kB(r.kinds.code.bytes)} | ${kB(r.kinds.index.bytes)} (${r.kinds.index.files}) | ${kB(r.kinds.display.bytes)} (${r.kinds.display.files}) | ${r.requests} | ${r.hung ? '–' : ms(r.msToResults, 0)} |`);
    }
  }
  P('');
  const hc = headline(n, 'carebook');
  const hp = headline(n, 'pagefind');
  P(`Extra word: carebook ${kB(hc.extraWord.bytes)} (gzip ${kB(hc.extraWord.gzip)}), Pagefind ${kB(hp.extraWord.bytes)} (gzip ${kB(hp.extraWord.gzip)}). Per filter: carebook ${kB(hc.perFilter.bytes)} (gzip ${kB(hc.perFilter.gzip)}), Pagefind ${kB(hp.perFilter.bytes)} (gzip ${kB(hp.perFilter.gzip)}). Code and index columns: bytes (files).`, '');
  P(`Over all ${d.browser.bytes.carebook.length} queries (${PLAIN.length} without filters, ${FILTERED.length} with):`, '');
  P('| engine | median | worst (uncompressed) | worst query | median gzip | worst gzip | median ms to results | never rendered |', '|---|---:|---:|---|---:|---:|---:|---:|');
  for (const engine of ['carebook', 'pagefind']) {
    const rows = d.browser.bytes[engine];
    const worst = rows.reduce((w, r) => (r.bytes > w.bytes ? r : w));
    P(`| ${engine === 'carebook' ? 'carebook' : 'Pagefind'} | ${kB(median(rows.map((r) => r.bytes)))} | ${kB(worst.bytes)} | \`${worst.label}\` | ${kB(median(rows.map((r) => r.gzip)))} | ${kB(Math.max(...rows.map((r) => r.gzip)))} | ${ms(med(rows.map((r) => (r.hung ? null : r.msToResults))), 0)} | ${rows.filter((r) => r.hung).length} |`);
  }
  P('');
  const over = d.browser.bytes.carebook.filter((r) => r.bytes > budget(r));
  if (over.length) {
    P(`carebook queries over their budget (100 kB + 30 kB per extra word + 50 kB per filter, uncompressed) and the files that dominated:`, '');
    P('| query | budget | uncompressed | gzip | code | index (files) | display chunks (files) | largest index files |', '|---|---:|---:|---:|---:|---:|---:|---|');
    for (const r of over.sort((p, q) => q.bytes - p.bytes)) {
      const keys = d.analyze(r);
      const of = (p) => {
        const m = /^\/search\/t\/(\d+)\.js$/.exec(p);
        if (!m) return '';
        const ks = keys.filter((k) => k.shard === Number(m[1])).map((k) => k.key);
        return ks.length ? ` (holds ${ks.join(', ')})` : '';
      };
      const idx = r.files.filter((f) => f.kind === 'index').slice(0, 3);
      P(`| \`${r.label}\`${r.hung ? ' (never rendered)' : ''} | ${kB(budget(r))} | ${kB(r.bytes)} | ${kB(r.gzip)} | ${kB(r.kinds.code.bytes)} | ${kB(r.kinds.index.bytes)} (${r.kinds.index.files}) | ${kB(r.kinds.display.bytes)} (${r.kinds.display.files}) | ${idx.map((f) => `${f.path.replace('/search/', '')}${of(f.path)} ${kB(f.bytes)}`).join('; ')} |`);
    }
    P('');
  } else {
    P('No carebook query went over its budget (100 kB + 30 kB per extra word + 50 kB per filter).', '');
  }
  const hung = d.browser.bytes.carebook.filter((r) => r.hung);
  if (hung.length) {
    P(`carebook queries whose results never appeared on a fresh page (${(Number(process.env.BENCH_SEARCH_TIMEOUT) || 15000) / 1000} s) and the index keys they look up that share a term shard: ` +
      hung.map((r) => `\`${r.label}\` (${collisions(d.analyze(r)).join('; ') || 'no shared shard'})`).join(', ') + '.', '');
  }
  P('<details><summary>Every query</summary>', '');
  P('| query | budget | carebook results | carebook bytes | gzip | ms | Pagefind results | Pagefind bytes | gzip | ms |', '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of d.browser.bytes.carebook) {
    const p = d.browser.bytes.pagefind.find((x) => x.label === r.label);
    P(`| \`${r.label}\` | ${kB(budget(r))} | ${r.hung ? 'never rendered' : thousands(r.count)} | ${kB(r.bytes)} | ${kB(r.gzip)} | ${r.hung ? '–' : ms(r.msToResults, 0)} | ${p.hung ? 'never rendered' : thousands(p.count)} | ${kB(p.bytes)} | ${kB(p.gzip)} | ${p.hung ? '–' : ms(p.msToResults, 0)} |`);
  }
  P('', '</details>', '');
}

// ---- keypress
if (sizes.length) {
  P('### Keypress → results in headless chromium', '');
  P('Each carebook query is typed in several rounds (all the queries, then all again), each time in a fresh page; Pagefind\'s once. "Keypresses" counts them all; the p95 of per-query medians takes each query\'s median over its rounds first, which steadies the figure against this machine\'s noise.', '');
  P('| facilities | engine | keypresses (queries × rounds) | cold median | cold p95 | cold p95 of per-query medians | cold p95, no filters | cold p95, with filters | warm median | warm p95 | never rendered (cold/warm) |', '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const n of sizes) {
    for (const engine of ['carebook', 'pagefind']) {
      const k = data[n].browser.keys[engine];
      const cold = k.map((x) => x.cold);
      const warm = k.map((x) => x.warm);
      const pq = perQuery(k);
      P(`| ${thousands(n)} | ${engine === 'carebook' ? 'carebook' : 'Pagefind'} | ${k.length} (${pq.length} × ${rounds(k)}) | ${ms(med(cold))} | ${ms(p95(cold))} | ${ms(p95(pq.map((x) => x.cold)))} | ${ms(p95(k.filter((x) => !x.filtered).map((x) => x.cold)))} | ${ms(p95(k.filter((x) => x.filtered).map((x) => x.cold)))} | ${ms(med(warm))} | ${ms(p95(warm))} | ${cold.filter((x) => x === null).length}/${warm.filter((x) => x === null).length} |`);
    }
  }
  P('');
  for (const n of sizes) {
    const k = perQuery(data[n].browser.keys.carebook);
    const slow = [...k].sort((p, q) => q.cold - p.cold).slice(0, 8);
    const files = (x) => (x.files == null ? '' : `, ${x.files} files`);
    P(`Slowest carebook queries at ${thousands(n)} (median cold keypress over the rounds, and median index files after the last key): ${slow.map((x) => `\`${x.label}\` ${ms(x.cold)}${files(x)}`).join('; ')}.`);
  }
  P('');
  const counted = sizes.filter((n) => data[n].browser.keys.carebook.some((x) => x.files != null));
  if (counted.length) {
    P('Index files carebook requested between the last key and the results (cold; shards, postings, pages, top files, display chunks; resource timing in the page):', '');
    P('| facilities | median | p95 | max | keypresses over 50 ms: median files | keypresses within 50 ms: median files |', '|---:|---:|---:|---:|---:|---:|');
    for (const n of counted) {
      const k = data[n].browser.keys.carebook.filter((x) => x.files != null);
      const f = (list) => list.map((x) => x.files);
      const num = (v) => (Number.isInteger(v) ? String(v) : v.toFixed(1));
      const over = k.filter((x) => x.cold > 50), within = k.filter((x) => x.cold <= 50);
      P(`| ${thousands(n)} | ${num(med(f(k)))} | ${num(p95(f(k)))} | ${Math.max(...f(k))} | ${over.length ? `${num(med(f(over)))} (${over.length} of ${k.length})` : '–'} | ${within.length ? `${num(med(f(within)))} (${within.length} of ${k.length})` : '–'} |`);
    }
  }
  P('');
  const floorSizes = sizes.filter((n) => data[n].browser.floor);
  if (floorSizes.length) {
    P('Loading alone, with no search code running (`floors` in `bench/search/browser.mjs`): in a fresh search page, one term shard as a `<script>`, then at once one top file (the least a one-word query loads after its last key) or ten display chunks (the least a query loads whose ten results lie in ten chunks, as those of most filtered and two-word queries do); ms from the first request to the last script run, over distinct files.', '');
    P('| facilities | pages | shard, then a top file: median | p95 | shard, then ten display chunks: median | p95 |', '|---:|---:|---:|---:|---:|---:|');
    for (const n of floorSizes) {
      const f = data[n].browser.floor;
      P(`| ${thousands(n)} | ${f.topFile.length} each | ${ms(med(f.topFile))} | ${ms(p95(f.topFile))} | ${ms(med(f.tenChunks))} | ${ms(p95(f.tenChunks))} |`);
    }
    const f = data[largest] && data[largest].browser.floor;
    if (f && p95(f.tenChunks) >= 50) {
      P('', `At ${thousands(largest)} facilities the loads alone that a query with its results in ten display chunks needs take ${ms(p95(f.tenChunks))} at p95 on this machine: such queries cannot meet the 50 ms p95 target here while each result's row is loaded from its own chunk.`);
    }
    P('');
  }
}

// ---- cli
const cliSizes = sizes.filter((n) => data[n].cli);
if (cliSizes.length) {
  P('### `carebook search` (command line), whole process', '');
  P('| facilities | invocations | median | p95 | p99 | max | 1 word, median | 2 words, median | filtered, median | results per query (mean) | `/bin/true`, median | `carebook --version`, median |', '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const n of cliSizes) {
    const c = data[n].cli;
    P(`| ${thousands(n)} | ${thousands(c.count)} | ${ms(c.search.median, 2)} | ${ms(c.search.p95, 2)} | ${ms(c.search.p99, 2)} | ${ms(c.search.max, 2)} | ${ms(c.oneWord.median, 2)} | ${ms(c.twoWords.median, 2)} | ${ms(c.filtered.median, 2)} | ${c.meanResults.toFixed(1)} | ${ms(c.binTrue.median, 2)} | ${ms(c.version.median, 2)} |`);
  }
  P('', `Example invocation: \`${data[cliSizes[0]].cli.example}\`.`, '');
}

// ---- recall
if (recall) {
  P('### Recall cases on the sample guidebook', '');
  P(`The sample guidebook of this repository (\`carebook.toml\`, \`content/\`, ${recall.records} records), built as the site and indexed by Pagefind as above. Expected records come from the guidebook files, not from either engine: a record *contains* a word when its source file, its type or area name or the labels of the capabilities it has contain it after NFKC, lower case and katakana→hiragana folding. carebook result sets come from the page's \`carebookSearch.search()\` (all hits) after its term shards are loaded one at a time; Pagefind's from \`pagefind.search()\` and \`data()\` of every result. "Pass" is stated per row.`, '');
  P('| case | query | pass means | carebook | Pagefind |', '|---|---|---|---|---|');
  for (const r of recall.rows) {
    const cb = `${mark(r.carebook.pass)} ${r.carebook.note}${r.carebook.rendersFresh ? '' : '; **never renders on a fresh search page**'}`;
    P(`| ${r.group} | \`${r.query}\` | ${r.meaning} | ${cb} | ${mark(r.pagefind.pass)} ${r.pagefind.note} |`);
  }
  const passes = (e) => recall.rows.filter((r) => r[e].pass).length;
  P('', `Passed: carebook ${passes('carebook')}/${recall.rows.length}, Pagefind ${passes('pagefind')}/${recall.rows.length}.`, '');
}

// ---- commands
P('### Commands', '');
P('```sh', 'bash bench/search.sh        # all of the above; BENCH_SKIP_BUILD=1 uses the existing binaries', '# what it runs, per size N:');
P(`bench/work/search-bin/carebook build --root bench/work/N --out bench/work/N/public --index bench/work/N/search-index --quiet --timings`);
P(`bench/work/search-bin/carebook build --root bench/work/pagefind-N --out bench/work/pagefind-N/public --index bench/work/pagefind-N/search-index --quiet`);
P(`${a.pagefind} --site bench/work/pagefind-N/public --output-subdir pagefind_bench`);
P('node bench/search/browser.mjs --size N --carebook bench/work/N/public --pagefind bench/work/pagefind-N/public --out bench/work/search-results/browser-N.json');
P('node bench/search/cli.mjs --carebook bench/work/search-bin/carebook --index bench/work/N/search-index --count 1000 --out bench/work/search-results/cli-N.json');
P('# and once, on the sample guidebook:');
P('node bench/search/recall.mjs --root . --carebook bench/work/search-sample/public --pagefind bench/work/pagefind-sample/public --out bench/work/search-results/recall.json');
P('```', '', END);

const section = L.join('\n');
let doc = fs.existsSync(a.report) ? fs.readFileSync(a.report, 'utf8') : '# Benchmarks\n';
const i = doc.indexOf(BEGIN);
const j = doc.indexOf(END);
if (i >= 0 && j > i) doc = doc.slice(0, i) + section + doc.slice(j + END.length);
else doc = doc.replace(/\n*$/, '\n\n') + section + '\n';
fs.writeFileSync(a.report, doc);
