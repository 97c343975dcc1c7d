// Browser measurements at one guidebook size, for carebook's search page and
// for the Pagefind page (pagefind_bench.html), each served over loopback by
// server.mjs:
//
//   bytes: per query, a fresh browser context opens the search page with the
//          query and filters in its URL (a shared link) and waits for the
//          results; every response but the page itself is counted.
//   keys:  per query, a fresh context opens the page (with the filters in
//          the URL, if any), the query is typed one character at a time with
//          a pause between keys, and the time from the last keystroke to the
//          results being in the DOM is taken (cold); then the input is
//          cleared and the same query entered again at once, as one input
//          event, in the same page (warm). carebook's queries are typed in
//          ROUNDS rounds (all 60, then all 60 again...): on this noisy
//          2-core machine one keypress can take twice its usual time, and
//          more samples per query steady the p95; Pagefind's, whose
//          100,000-facility queries take seconds each, once.
//
// node browser.mjs --size N --carebook DIR --pagefind DIR --out FILE [--delay MS]
import fs from 'node:fs';
import os from 'node:os';
import { serve, gzipBytes } from './server.mjs';
import { launch, INIT_SCRIPT, ENGINES, waitDone, resultCount, args, TIMEOUT, openForTyping, typeAndTime, msToResults } from './lib.mjs';
import { PLAIN, FILTERED, label, params } from './queries.mjs';

const a = args(process.argv.slice(2));
const DELAY = Number(a.delay || process.env.BENCH_SEARCH_TYPE_DELAY || 80);
const roots = { carebook: a.carebook, pagefind: a.pagefind };
const ROUNDS = { carebook: Number(process.env.BENCH_SEARCH_KEY_ROUNDS || 3), pagefind: 1 };
const QUERIES = [...PLAIN, ...FILTERED];

function classify(engine, p) {
  if (engine === 'carebook') {
    if (p.startsWith('/search/d/')) return 'display';
    if (p.startsWith('/search/')) return 'index';
    return 'code';
  }
  if (p.includes('/fragment/')) return 'display';
  if (/\.(js|pagefind)$/.test(p)) return 'code';
  return 'index';
}

async function bytesRun(browser, engine, srv, x) {
  const ctx = await browser.newContext();
  await ctx.addInitScript(INIT_SCRIPT);
  const page = await ctx.newPage();
  srv.reset();
  const qs = params(x);
  await page.goto(`${srv.url}${ENGINES[engine].page}${qs ? '?' + qs : ''}`);
  const ok = await waitDone(page);
  const t = ok ? await page.evaluate(() => window.__bench.done[0]) : null;
  // carebook reads on after showing the results, for the exact count when
  // little is left: those bytes count too.
  if (ok && engine === 'carebook') {
    await page.waitForFunction(() => document.body.hasAttribute('data-search-settled'), null, { timeout: TIMEOUT, polling: 5 }).catch(() => {});
  }
  const count = ok ? await resultCount(page, engine) : null;
  const errors = await page.evaluate(() => window.__bench.errors);
  const files = srv.log
    .filter((e) => e.path !== ENGINES[engine].page && e.path !== '/favicon.ico')
    .map((e) => ({ path: e.path, status: e.status, bytes: e.bytes, gzip: e.file ? gzipBytes(e.file) : e.bytes, kind: classify(engine, e.path) }));
  await ctx.close();
  const sum = (k, kind) => files.filter((f) => !kind || f.kind === kind).reduce((s, f) => s + f[k], 0);
  return {
    label: label(x), q: x.q, filters: x.filters, engine, count, hung: !ok,
    msToResults: t, requests: files.length, bytes: sum('bytes'), gzip: sum('gzip'),
    kinds: Object.fromEntries(['code', 'index', 'display'].map((k) => [k, { bytes: sum('bytes', k), gzip: sum('gzip', k), files: files.filter((f) => f.kind === k).length }])),
    missing: files.filter((f) => f.status !== 200).map((f) => f.path),
    files: files.sort((p, q) => q.bytes - p.bytes),
    errors,
  };
}

/**
 * Enters `text` as one input event (as an IME commit or a paste does);
 * returns ms from that input to results, or null after TIMEOUT.
 */
async function enterAndTime(page, text) {
  await page.evaluate(() => { window.__bench.start = null; window.__bench.pending = null; });
  await page.keyboard.insertText(text);
  return msToResults(page);
}

async function keysRun(browser, engine, srv, x) {
  const { ctx, page, hasFilters, ready } = await openForTyping(browser, `${srv.url}${ENGINES[engine].page}`, engine, x);
  const cold = await typeAndTime(page, x.q, DELAY);
  const countCold = cold === null ? null : await resultCount(page, engine);
  // Index files requested between the last key and the results (carebook's
  // scripts; Pagefind fetches from its worker, which this does not see).
  const files = cold === null || engine !== 'carebook' ? null : await page.evaluate(() => {
    const b = window.__bench;
    const end = b.done.find((t) => t >= b.start);
    return performance.getEntriesByType('resource')
      .filter((e) => e.startTime >= b.start && e.startTime <= end && e.name.includes('/search/')).length;
  });
  // clear, let the page settle (a filtered page searches the filters alone)
  const before = await page.evaluate(() => window.__bench.done.length);
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Backspace');
  if (hasFilters) {
    await page.waitForFunction((n) => window.__bench.done.length > n, before, { timeout: TIMEOUT, polling: 5 }).catch(() => {});
  }
  await page.waitForTimeout(DELAY);
  const warm = await enterAndTime(page, x.q);
  const errors = await page.evaluate(() => window.__bench.errors);
  await ctx.close();
  return { label: label(x), engine, filtered: hasFilters, filtersRendered: ready, cold, warm, count: countCold, files, errors };
}

/**
 * What loading alone costs in this browser on this machine, with no
 * search code running: in a fresh page (as keysRun has it), one term shard,
 * then at once either one top file (what a one-word query loads at least
 * after its last key) or ten display chunks (what a query whose ten
 * results lie in ten chunks loads at least: most filtered and two-word
 * queries). Ms from the first request to the last script run.
 */
async function floorRun(browser, srv, files, then) {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(`${srv.url}${ENGINES.carebook.page}`);
  await page.waitForFunction(() => true, null, { polling: 5 });
  await page.waitForTimeout(DELAY);
  const t = await page.evaluate(([first, rest]) => {
    function load(paths) {
      return Promise.all(paths.map((p) => new Promise((resolve, reject) => {
        const el = document.createElement('script');
        el.src = p;
        el.onload = resolve;
        el.onerror = () => reject(new Error(p));
        document.head.appendChild(el);
      })));
    }
    const t0 = performance.now();
    return load([first]).then(() => load(rest)).then(() => performance.now() - t0);
  }, [files.shard, then]);
  await ctx.close();
  return t;
}

/** Samples of floorRun over distinct files of the site. */
async function floors(browser, srv, root, samples = 20) {
  const ls = (d) => fs.readdirSync(`${root}/search/${d}`).sort().map((f) => `/search/${d}/${f}`);
  const shards = ls('t'), tops = ls('h'), chunks = ls('d');
  const pick = (list, i, stride) => list[(i * stride) % list.length];
  const out = { topFile: [], tenChunks: [] };
  for (let i = 0; i < samples; i++) {
    out.topFile.push(await floorRun(browser, srv, { shard: pick(shards, i, 97) }, [pick(tops, i, 89)]));
    const ten = Array.from({ length: 10 }, (_, j) => pick(chunks, i * 10 + j, 211));
    out.tenChunks.push(await floorRun(browser, srv, { shard: pick(shards, i + samples, 97) }, ten));
  }
  return out;
}

const out = { size: Number(a.size), delay: DELAY, loadavg: {}, bytes: {}, keys: {} };
const browser = await launch();
out.chromium = browser.version();
for (const engine of ['carebook', 'pagefind'].filter((e) => roots[e])) {
  const srv = await serve(roots[engine]);
  // one throwaway page load so that the first measured query is not also
  // the browser's first navigation
  {
    const ctx = await browser.newContext();
    const p = await ctx.newPage();
    await p.goto(`${srv.url}${ENGINES[engine].page}`);
    await ctx.close();
  }
  out.loadavg[engine] = os.loadavg();
  const t0 = Date.now();
  process.stderr.write(`  ${engine}: bytes for ${QUERIES.length} first queries\n`);
  out.bytes[engine] = [];
  for (const x of QUERIES) out.bytes[engine].push(await bytesRun(browser, engine, srv, x));
  process.stderr.write(`  ${engine}: keypress to results, ${QUERIES.length} queries cold and warm (${DELAY} ms between keys), ${ROUNDS[engine]} round(s)\n`);
  out.keys[engine] = [];
  for (let round = 0; round < ROUNDS[engine]; round++) {
    for (const x of QUERIES) out.keys[engine].push({ ...(await keysRun(browser, engine, srv, x)), round });
  }
  if (engine === 'carebook') {
    process.stderr.write('  carebook: loading alone (shard, then a top file or ten display chunks)\n');
    out.floor = await floors(browser, srv, roots.carebook);
  }
  process.stderr.write(`  ${engine}: ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
  await srv.close();
}
await browser.close();
fs.writeFileSync(a.out, JSON.stringify(out, null, 1));
