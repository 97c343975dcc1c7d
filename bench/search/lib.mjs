// Shared by the benchmark scripts: headless chromium, the two search pages,
// and statistics.
import { chromium } from 'playwright-core';
import { params } from './queries.mjs';

export const CHROMIUM = process.env.BENCH_CHROMIUM || '/usr/bin/chromium';
const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export function launch() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
}

/**
 * Runs in every page before its scripts: records the start of the last
 * keystroke (its keydown, or its input event when the key has no keydown:
 * Playwright types kana and kanji as text input, as an IME commits them)
 * and every time body[data-search-done] changes, i.e. results were put in
 * the DOM.
 */
export const INIT_SCRIPT = () => {
  const ev = (window.__bench = { pending: null, start: null, inputs: 0, done: [], errors: [] });
  // (every file a typed query loads, for the count after the last key)
  performance.setResourceTimingBufferSize(100000);
  document.addEventListener('keydown', () => { ev.pending = performance.now(); }, true);
  document.addEventListener('input', () => {
    ev.start = ev.pending !== null ? ev.pending : performance.now();
    ev.pending = null;
    ev.inputs++;
  }, true);
  new MutationObserver((records) => {
    for (const r of records) {
      if (r.attributeName === 'data-search-done') ev.done.push(performance.now());
    }
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-search-done'] });
  window.addEventListener('error', (e) => ev.errors.push(String(e.message)));
  window.addEventListener('unhandledrejection', (e) => ev.errors.push(String(e.reason)));
};

/** The two engines' search pages: path (with the query in its URL) and input. */
export const ENGINES = {
  carebook: { page: '/search.html', input: '#search-q' },
  pagefind: { page: '/pagefind_bench.html', input: '#q' },
};

/** A query whose results are not in the DOM after this long counts as never rendered. */
export const TIMEOUT = Number(process.env.BENCH_SEARCH_TIMEOUT || 15000);

/** Resolves to true once the page has rendered results, false after TIMEOUT. */
export function waitDone(page, timeout = TIMEOUT) {
  return page
    .waitForFunction(() => window.__bench && window.__bench.done.length > 0, null, { timeout, polling: 5 })
    .then(() => true, () => false);
}

/** Number of results the page says it found. */
export async function resultCount(page, engine) {
  const text = await page.textContent(engine === 'carebook' ? '#search-status' : '#status');
  const m = /([0-9]+)件/.exec(text || '');
  // "N件以上": carebook read only the top, N is a lower bound.
  if (m && /以上/.test(text)) return `≥${m[1]}`;
  return m ? Number(m[1]) : 0;
}

/**
 * A fresh context and page at `pageUrl` (an engine's search page), ready
 * for a query to be typed: the query's filters in the URL and their
 * results shown, the input focused.
 */
export async function openForTyping(browser, pageUrl, engine, x) {
  const ctx = await browser.newContext();
  await ctx.addInitScript(INIT_SCRIPT);
  const page = await ctx.newPage();
  const filtersOnly = params({ q: '', filters: x.filters });
  const hasFilters = filtersOnly.length > 0;
  await page.goto(`${pageUrl}${hasFilters ? '?' + filtersOnly : ''}`);
  const ready = hasFilters ? await waitDone(page) : true;
  await page.click(ENGINES[engine].input);
  // Playwright's first waitForFunction in a page injects its own script
  // into the page's world, which holds the page's main thread for 8-17 ms
  // here: done now, so that it does not fall in the timed window (a
  // filtered page has done it already, in waitDone).
  await page.waitForFunction(() => true, null, { polling: 5 });
  return { ctx, page, hasFilters, ready };
}

/**
 * Ms from the input that started the timing (window.__bench.start) to the
 * results that followed it, or null if none came within TIMEOUT.
 */
export async function msToResults(page) {
  const ok = await page.waitForFunction(() => {
    const b = window.__bench;
    return b.start !== null && b.done.some((t) => t >= b.start);
  }, null, { timeout: TIMEOUT, polling: 5 }).then(() => true, () => false);
  if (!ok) return null;
  return page.evaluate(() => {
    const b = window.__bench;
    return b.done.find((t) => t >= b.start) - b.start;
  });
}

/**
 * Types `text` one character at a time, `delay` ms apart; returns ms from
 * the last key to results, or null if they are not in the DOM after TIMEOUT.
 */
export async function typeAndTime(page, text, delay) {
  const chars = Array.from(text);
  for (let i = 0; i < chars.length; i++) {
    if (i === chars.length - 1) {
      await page.evaluate(() => { window.__bench.start = null; window.__bench.pending = null; });
    }
    await page.keyboard.type(chars[i]);
    if (i < chars.length - 1) await page.waitForTimeout(delay);
  }
  return msToResults(page);
}

// ------------------------------------------------------------ statistics

export function quantile(xs, p) {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  // nearest rank
  const i = Math.max(0, Math.ceil(p * s.length) - 1);
  return s[Math.min(i, s.length - 1)];
}
export const median = (xs) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
export function summary(xs) {
  return { n: xs.length, median: median(xs), p95: quantile(xs, 0.95), p99: quantile(xs, 0.99), max: Math.max(...xs), min: Math.min(...xs) };
}

export function args(argv) {
  const o = {};
  for (let i = 0; i < argv.length; i++) {
    if (argv[i].startsWith('--')) o[argv[i].slice(2)] = argv[i + 1] && !argv[i + 1].startsWith('--') ? argv[++i] : true;
  }
  return o;
}
