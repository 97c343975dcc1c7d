// End-to-end test of the built site's search page in Debian's headless
// Chromium, driven by playwright-core: once over loopback HTTP (served here
// by Node's http module) and once from disk (file://).
//
// Usage:
//   node tests/e2e/search.mjs --site SITE_DIR --carebook BIN --index INDEX_DIR
//        [--chromium /usr/bin/chromium] [--modes http,file]
//
// Expected results are never written down here: every list the page shows
// is compared with what `carebook search --json` returns for the same query
// and filters. Prints one line per check and exits non-zero on any failure.
// Run by tests/search_e2e.rs.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

import { chromium } from 'playwright-core';

const { values: opt } = parseArgs({
  options: {
    site: { type: 'string' },
    carebook: { type: 'string' },
    index: { type: 'string' },
    chromium: { type: 'string', default: '/usr/bin/chromium' },
    modes: { type: 'string', default: 'http,file' },
  },
});
for (const k of ['site', 'carebook', 'index']) {
  if (!opt[k]) {
    console.error(`missing --${k}\nusage: node search.mjs --site SITE_DIR --carebook BIN --index INDEX_DIR`);
    process.exit(2);
  }
}
const SITE = path.resolve(opt.site);
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const WAIT_MS = 15_000;

// The whole run must end on its own, whatever hangs.
setTimeout(() => {
  console.error('FAIL the e2e run took longer than 300 s; stopping');
  process.exit(3);
}, 300_000).unref();

/* ---------------- queries, from the sample content ---------------- */
// A service many records offer, entered on the home page.
const Q_HOME = '訪問看護';
// Results per page, as search.js shows them.
const PAGE = 10;
// A word matching more records than one page of results.
const Q_MANY = '東成区';
// A capability some clinics, hospitals and nursing stations offer.
const Q_FILTER = '看取り';
const TYPE_KEY = 'nursing';
const AREA_KEY = 'north';
// A fragment of one facility's name (東中本ひまわり歯科), which has a phone.
const Q_NAME = 'ひまわり';
// Shared links with several words, opened on a fresh page (nothing of the
// index loaded yet). The terms of the first share index shards, so the page
// asks for one shard twice at once (it never rendered before search.js's
// loader settled both requests).
const Q_COLD = ['東成区の訪問看護', '看取り 北部', '訪問看護 24時間'];
// Everyday words and readings that name nothing in the records as written
// (the sample's [search.synonyms] and kana).
const Q_EVERYDAY = ['訪看', 'ケアマネ', '歯医者', 'みとり', 'ほうもんしんりょう'];
// Queries naming a type, and the type's label.
const Q_TYPES = [['訪問看護', '訪問看護ステーション'], ['薬局', '薬局']];
// Matched in a name, a capability, a description: each result marks why.
const Q_WHY = ['訪看', 'ミトリ', 'カンファレンス'];
// A mistyped reading, and the capability it is nearest to.
const Q_TYPO = 'ほうもんしんりょ';
const Q_TYPO_FIX = '訪問診療';
// Markup in a query must stay text.
const Q_XSS = '<img src=x onerror=window.__xss=1>';

/* ---------------- expectations from the CLI ---------------- */
const cliCache = new Map();
/** All hits of `carebook search --json` for q and filters, in rank order. */
function cli(q, f = {}) {
  const args = ['search', '--json', '--limit', '100000', '--index', opt.index];
  for (const k of ['type', 'area', 'cap']) for (const v of f[k] || []) args.push(`--${k}`, v);
  args.push('--');
  if (q) args.push(q);
  const key = JSON.stringify(args);
  if (!cliCache.has(key)) {
    const out = execFileSync(opt.carebook, args, { env: { ...process.env, NO_COLOR: '1' }, encoding: 'utf8' });
    cliCache.set(key, JSON.parse(out));
  }
  return cliCache.get(key);
}
/** What the page should show for one CLI hit. */
function shown(h) {
  return {
    name: h.name,
    url: h.url,
    meta: [h.type, h.area].filter(Boolean).join('・'),
    phone: h.phone || '',
    tel: h.phone ? 'tel:' + h.phone.replace(/[^0-9]/g, '') : '',
  };
}
const NOT_FOUND = '見つかりませんでした。ことばを減らすか、絞り込みを外してください。';
/** The status line for q and filters f, whose labels on the page are `names`:
 * 「訪問看護：11件中、病院・看取りで絞り込み 1件」 when filtered. */
function statusFor(q, f, names) {
  const total = cli(q, f).length;
  if (!total) return NOT_FOUND;
  if (!names.length) return `${total}件見つかりました。`;
  const filtered = `${names.join('・')}で絞り込み ${total}件`;
  return q ? `${q}：${cli(q).length}件中、${filtered}` : filtered;
}
/** Labels of the ticked filters, in the page's order. */
async function tickedNames(page) {
  return page.$$eval('#search-form input[type=checkbox]:checked', (cs) => cs.map((c) => c.parentNode.textContent.trim()));
}

/* ---------------- the static server ---------------- */
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.xml': 'application/xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

// The site's 404 page links with absolute paths under base_url's path
// (e.g. /guidebook/static/style.css), so serve the site where it is deployed.
function sitePrefix() {
  const html = fs.readFileSync(path.join(SITE, '404.html'), 'utf8');
  const m = html.match(/href="(\/[^"]*)static\/style\.css"/);
  return m ? m[1] : '/';
}

function serve(prefix) {
  const server = http.createServer((req, res) => {
    const send = (status, type, body, extra = {}) => {
      res.writeHead(status, {
        'Content-Type': type,
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'no-store',
        ...extra,
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    const notFound = () => {
      const page = path.join(SITE, '404.html');
      send(404, TYPES['.html'], fs.existsSync(page) ? fs.readFileSync(page) : 'not found');
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'text/plain', 'method not allowed', { Allow: 'GET, HEAD' });
    let p;
    try {
      p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      return send(400, 'text/plain', 'bad request');
    }
    if (p + '/' === prefix) return send(301, 'text/plain', '', { Location: prefix });
    // Chromium asks the host for /favicon.ico by itself; the site links none.
    if (p === '/favicon.ico' && !fs.existsSync(path.join(SITE, 'favicon.ico'))) return send(204, 'image/x-icon', '');
    if (!p.startsWith(prefix) || p.includes('\0')) return notFound();
    let file = path.join(SITE, path.normalize('/' + p.slice(prefix.length)));
    if (file !== SITE && !file.startsWith(SITE + path.sep)) return notFound();
    try {
      if (fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
      const body = fs.readFileSync(file);
      send(200, TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream', body);
    } catch {
      notFound();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/* ---------------- checks and their log ---------------- */
let passed = 0;
let failed = 0;
async function check(mode, name, fn) {
  const t0 = Date.now();
  try {
    const note = await fn();
    passed++;
    console.log(`ok   [${mode}] ${name}${note ? ` (${note})` : ''} [${Date.now() - t0} ms]`);
  } catch (e) {
    failed++;
    console.log(`FAIL [${mode}] ${name}\n       ${String(e && e.stack ? e.message : e).replace(/\n/g, '\n       ')}`);
  }
}
function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}
function assertSame(got, want, what) {
  const g = JSON.stringify(got, null, 1);
  const w = JSON.stringify(want, null, 1);
  if (g !== w) throw new Error(`${what}:\n  expected ${w.replace(/\n\s*/g, ' ')}\n  got      ${g.replace(/\n\s*/g, ' ')}`);
}

/* ---------------- browser helpers ---------------- */
// search.js runs once when the page opens and once for each input event of
// the query box, each change of a filter checkbox and each submit of the
// form; after a run's results are on the page it sets body's
// data-search-done to that run's number (later runs supersede earlier
// ones). Counting those events in the page tells which number marks the
// render of the last thing typed or ticked, so no wait is a guess.
const COUNT_RUNS = () => {
  window.__e2eRuns = 0;
  const count = (e) => {
    const t = e.target;
    if (!t || !t.closest || !t.closest('#search-form')) return;
    if (e.type === 'submit' || (e.type === 'input' && t.id === 'search-q') || (e.type === 'change' && t.type === 'checkbox')) {
      window.__e2eRuns++;
    }
  };
  for (const type of ['input', 'change', 'submit']) document.addEventListener(type, count, true);
};

async function rendered(page, what) {
  try {
    await page.waitForFunction(
      // (the status line is written once the count without filters is in,
      // after the results: data-search-settled)
      () => document.body && document.body.getAttribute('data-search-done') === String(1 + window.__e2eRuns)
        && document.body.getAttribute('data-search-settled') === String(1 + window.__e2eRuns),
      null,
      { timeout: WAIT_MS },
    );
  } catch {
    const st = await page
      .evaluate(() => ({
        runs: window.__e2eRuns,
        done: document.body && document.body.getAttribute('data-search-done'),
        status: (document.getElementById('search-status') || {}).textContent,
      }))
      .catch((e) => ({ error: String(e) }));
    throw new Error(`search never finished rendering ${what}: ${JSON.stringify(st)}`);
  }
}

/** Clicks a button that searches again (a chip, 絞り込みを外す) and waits for the new results. */
async function clicked(page, button, what) {
  const before = await page.evaluate(() => document.body.getAttribute('data-search-done'));
  await button.click();
  await page.waitForFunction((b) => {
    const done = document.body.getAttribute('data-search-done');
    return done !== b && document.body.getAttribute('data-search-settled') === done;
  }, before, { timeout: WAIT_MS })
    .catch(() => { throw new Error(`search never finished rendering ${what}`); });
}

async function results(page) {
  return page.$$eval('#search-results > li', (lis) =>
    lis.map((li) => {
      const a = li.querySelector('.result-name a');
      const tel = li.querySelector('.result-phone a');
      return {
        name: a ? a.textContent : null,
        url: a ? a.getAttribute('href') : null,
        meta: (li.querySelector('.result-meta') || {}).textContent ?? null,
        phone: tel ? tel.textContent : '',
        tel: tel ? tel.getAttribute('href') : '',
      };
    }),
  );
}
const names = (list) => list.map((r) => r.name);

/** The page shows the CLI's first page of results for q and filters. */
async function expectResults(page, q, f, what) {
  const hits = cli(q, f);
  const got = await results(page);
  assertSame(names(got), names(hits.slice(0, PAGE).map(shown)), `${what}: result names and order`);
  assertSame(got, hits.slice(0, PAGE).map(shown), `${what}: result links, types, areas and phones`);
  const status = await page.locator('#search-status').textContent();
  assertSame(status, statusFor(q, f, await tickedNames(page)), `${what}: status line`);
  return hits;
}

async function clearAndType(page, text) {
  await page.locator('#search-q').click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Backspace');
  await page.keyboard.type(text);
  assertSame(await page.locator('#search-q').inputValue(), text, 'the query box holds what was typed');
}

async function checkedBoxes(page) {
  return page.$$eval('#search-form input[type=checkbox]:checked', (cs) => cs.map((c) => `${c.name}=${c.value}`));
}

function urlState(page) {
  const u = new URL(page.url());
  return { q: u.searchParams.get('q'), type: u.searchParams.getAll('type'), area: u.searchParams.getAll('area'), cap: u.searchParams.getAll('cap') };
}

// The page writes the URL once typing pauses (400 ms): waits up to 2 s
// for it to say `want`, then compares.
async function urlSettles(page, want, what) {
  await page.waitForFunction((w) => {
    const u = new URLSearchParams(location.search);
    return JSON.stringify({ q: u.get('q'), type: u.getAll('type'), area: u.getAll('area'), cap: u.getAll('cap') }) === w;
  }, JSON.stringify(want), { timeout: 2000, polling: 20 }).catch(() => {});
  assertSame(urlState(page), want, what);
}

/* ---------------- one mode: a browser context over one base URL ---------------- */
async function runMode(browser, mode, base, expected404) {
  const problems = [];
  const watch = (page) => {
    page.on('console', (m) => {
      if (m.type() !== 'error' && m.type() !== 'warning') return;
      const at = m.location() && m.location().url;
      if (expected404 && at === expected404 && /404/.test(m.text())) return;
      problems.push(`console ${m.type()}: ${m.text()} (at ${at || '?'})`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    // (a request aborted by the next navigation, such as the icon of a page
    // left at once, is no failure; a missing file answers 404, below)
    page.on('requestfailed', (r) => {
      const error = r.failure() && r.failure().errorText;
      if (error !== 'net::ERR_ABORTED') problems.push(`request failed: ${r.url()} (${error})`);
    });
    page.on('response', (r) => {
      if (r.status() >= 400 && r.url() !== expected404) problems.push(`HTTP ${r.status()}: ${r.url()}`);
    });
    page.on('dialog', (d) => {
      problems.push(`unexpected dialog: ${d.type()} ${d.message()}`);
      d.dismiss().catch(() => {});
    });
  };
  const newContext = async () => {
    const context = await browser.newContext();
    await context.addInitScript(COUNT_RUNS);
    context.on('page', watch);
    return context;
  };

  const context = await newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT_MS);
  const searchPage = base + 'search.html';

  await check(mode, `home page search box: type ${Q_HOME} + Enter lands on search.html with the CLI's results`, async () => {
    const resp = await page.goto(base + 'index.html');
    assert(!resp || resp.ok(), `home page answered ${resp && resp.status()}`);
    await page.locator('#site-search-q').click();
    await page.keyboard.type(Q_HOME);
    await Promise.all([page.waitForURL((u) => u.pathname.endsWith('/search.html')), page.keyboard.press('Enter')]);
    assertSame(urlState(page).q, Q_HOME, 'q in the URL after submitting');
    await rendered(page, 'after landing');
    assertSame(await page.locator('#search-q').inputValue(), Q_HOME, 'search page box after landing');
    const hits = await expectResults(page, Q_HOME, {}, Q_HOME);
    assert(hits.length >= 2, `the sample should find several records for ${Q_HOME}, the CLI found ${hits.length}`);
    return `${hits.length} results`;
  });

  await check(mode, 'a result links to its record page, and Back restores the results', async () => {
    const hits = cli(Q_HOME);
    const first = page.locator('#search-results > li .result-name a').first();
    await Promise.all([page.waitForURL((u) => u.pathname.endsWith('/' + hits[0].url)), first.click()]);
    const h1 = (await page.locator('main h1').first().textContent()).trim();
    assert(h1.includes(hits[0].name), `record page h1 ${JSON.stringify(h1)} does not name ${hits[0].name}`);
    await page.goBack();
    await page.waitForURL((u) => u.pathname.endsWith('/search.html'));
    await rendered(page, 'after Back');
    await expectResults(page, Q_HOME, {}, `${Q_HOME} after Back`);
    // Keyboard users land on the result they followed, not at the top.
    await page.waitForFunction((href) => document.activeElement && document.activeElement.getAttribute('href') === href, hits[0].url, { timeout: 3000 })
      .catch(() => {});
    assertSame(await page.evaluate(() => document.activeElement && document.activeElement.getAttribute('href')), hits[0].url, 'focus after Back');
  });

  await check(mode, `a result followed at once after typing ${Q_FILTER} (before the URL's pause): Back returns to ${Q_FILTER}`, async () => {
    await clearAndType(page, Q_FILTER);
    await rendered(page, Q_FILTER);
    const hits = cli(Q_FILTER);
    const first = page.locator('#search-results > li .result-name a').first();
    // (on a slow machine the pause may be over already; Back must hold either way)
    const pending = urlState(page).q !== Q_FILTER;
    await Promise.all([page.waitForURL((u) => u.pathname.endsWith('/' + hits[0].url)), first.click()]);
    await page.goBack();
    await page.waitForURL((u) => u.pathname.endsWith('/search.html'));
    await rendered(page, 'after Back');
    assertSame(urlState(page).q, Q_FILTER, 'q in the URL after Back');
    assertSame(await page.locator('#search-q').inputValue(), Q_FILTER, 'query box after Back');
    await expectResults(page, Q_FILTER, {}, `${Q_FILTER} after Back`);
    return pending ? 'the URL was still to be written when the result was followed' : 'the URL was written before the result was followed';
  });

  await check(mode, `typing ${Q_MANY} shows the CLI's top ${PAGE}, and さらに表示 shows the rest in order`, async () => {
    await clearAndType(page, Q_MANY);
    await rendered(page, Q_MANY);
    const hits = await expectResults(page, Q_MANY, {}, Q_MANY);
    assert(hits.length > PAGE, `the sample should find more than ${PAGE} records for ${Q_MANY}, the CLI found ${hits.length}`);
    const more = page.locator('#search-more');
    for (let n = PAGE; n < hits.length; n = Math.min(n + PAGE, hits.length)) {
      assert(await more.isVisible(), `さらに表示 hidden after ${n} of ${hits.length}`);
      await more.focus();
      await page.keyboard.press('Enter');
      const want = Math.min(n + PAGE, hits.length);
      await page.waitForFunction((w) => document.querySelectorAll('#search-results > li').length >= w, want);
      // Focus moves on to the first new result.
      await page.waitForFunction((i) => document.activeElement === document.querySelectorAll('#search-results > li .result-name a')[i], n, { timeout: 3000 }).catch(() => {});
      const focused = await page.evaluate(() => document.activeElement && document.activeElement.getAttribute('href'));
      assertSame(focused, hits[n].url, `focus after さらに表示 (result ${n + 1})`);
    }
    assertSame(await results(page), hits.map(shown), `${Q_MANY}: every result after さらに表示`);
    assert(!(await more.isVisible()), 'さらに表示 still shown with every result on the page');
    return `${hits.length} results`;
  });

  await check(mode, `typing ${Q_FILTER} in the search page's box shows the CLI's results`, async () => {
    await clearAndType(page, Q_FILTER);
    await rendered(page, Q_FILTER);
    const hits = await expectResults(page, Q_FILTER, {}, Q_FILTER);
    return `${hits.length} results`;
  });

  const f1 = { type: [TYPE_KEY] };
  await check(mode, `ticking the type ${TYPE_KEY} with the keyboard narrows to that type, as the CLI's --type`, async () => {
    const box = page.locator(`#search-form input[name=type][value=${TYPE_KEY}]`);
    const label = (await page.locator(`#search-form label:has(input[name=type][value=${TYPE_KEY}])`).textContent()).trim();
    // From the query box: Tab to the filters' summary, open it, Tab to the box, Space.
    await page.locator('#search-q').click();
    let onSummary = false;
    for (let i = 0; i < 5 && !onSummary; i++) {
      await page.keyboard.press('Tab');
      onSummary = await page.evaluate(() => document.activeElement && document.activeElement.tagName === 'SUMMARY');
    }
    assert(onSummary, 'Tab from the query box never reached the filters summary');
    await page.keyboard.press('Enter');
    assert(await page.locator('#search-form details').evaluate((d) => d.open), 'Enter on the summary did not open the filters');
    let onBox = false;
    for (let i = 0; i < 60 && !onBox; i++) {
      await page.keyboard.press('Tab');
      onBox = await box.evaluate((b) => b === document.activeElement);
    }
    assert(onBox, `Tab never reached the ${label} checkbox`);
    await page.keyboard.press('Space');
    assert(await box.isChecked(), `Space did not tick ${label}`);
    await rendered(page, `${Q_FILTER} + ${TYPE_KEY}`);
    const got = await results(page);
    const wrong = got.filter((r) => r.meta.split('・')[0] !== label);
    assert(!wrong.length, `results not of type ${label}: ${JSON.stringify(wrong.map((r) => `${r.name} (${r.meta})`))}`);
    const hits = await expectResults(page, Q_FILTER, f1, `${Q_FILTER} --type ${TYPE_KEY}`);
    const all = cli(Q_FILTER);
    assert(hits.length > 0 && hits.length < all.length, `the filter should keep some but not all of the ${all.length} results for ${Q_FILTER}; it kept ${hits.length}`);
    return `${hits.length} of ${all.length} results, all ${label}`;
  });

  const f2 = { type: [TYPE_KEY], area: [AREA_KEY] };
  await check(mode, `clicking the area ${AREA_KEY} narrows further, as the CLI's --type ${TYPE_KEY} --area ${AREA_KEY}`, async () => {
    await page.locator(`#search-form label:has(input[name=area][value=${AREA_KEY}])`).click();
    assert(await page.locator(`#search-form input[name=area][value=${AREA_KEY}]`).isChecked(), 'click on the label did not tick the area');
    await rendered(page, `${Q_FILTER} + ${TYPE_KEY} + ${AREA_KEY}`);
    const hits = await expectResults(page, Q_FILTER, f2, `${Q_FILTER} --type ${TYPE_KEY} --area ${AREA_KEY}`);
    assert(hits.length > 0 && hits.length < cli(Q_FILTER, f1).length, `the area should keep some but not all results; it kept ${hits.length}`);
    return `${hits.length} results`;
  });

  let shared = null;
  await check(mode, 'the URL carries the query and the filters', async () => {
    await urlSettles(page, { q: Q_FILTER, type: [TYPE_KEY], area: [AREA_KEY], cap: [] }, 'query string');
    shared = page.url();
    return new URL(shared).search;
  });

  await check(mode, 'reloading that URL restores the query, the ticked boxes and the results', async () => {
    await page.reload();
    await rendered(page, 'after reload');
    assertSame(page.url(), shared, 'URL after reload');
    assertSame(await page.locator('#search-q').inputValue(), Q_FILTER, 'query box after reload');
    assertSame(await checkedBoxes(page), [`type=${TYPE_KEY}`, `area=${AREA_KEY}`], 'ticked boxes after reload');
    await expectResults(page, Q_FILTER, f2, 'results after reload');
  });

  await check(mode, 'the same URL opened by someone else (a new browser context) shows the same', async () => {
    const other = await newContext();
    try {
      const p2 = await other.newPage();
      p2.setDefaultTimeout(WAIT_MS);
      await p2.goto(shared);
      await rendered(p2, 'the shared link');
      assertSame(await p2.locator('#search-q').inputValue(), Q_FILTER, 'query box from the shared link');
      assertSame(await checkedBoxes(p2), [`type=${TYPE_KEY}`, `area=${AREA_KEY}`], 'ticked boxes from the shared link');
      await expectResults(p2, Q_FILTER, f2, 'results from the shared link');
    } finally {
      await other.close();
    }
  });

  await check(mode, `links to multi-word queries render on a fresh page: ${Q_COLD.join(', ')}`, async () => {
    const counts = [];
    for (const q of Q_COLD) {
      const fresh = await newContext();
      try {
        const p2 = await fresh.newPage();
        p2.setDefaultTimeout(WAIT_MS);
        await p2.goto(`${searchPage}?q=${encodeURIComponent(q)}`);
        await rendered(p2, `the link to ${q}`);
        assertSame(await p2.locator('#search-q').inputValue(), q, `query box from the link to ${q}`);
        const hits = await expectResults(p2, q, {}, q);
        assert(hits.length > 0, `the CLI finds nothing for ${q}; choose another query`);
        counts.push(hits.length);
      } finally {
        await fresh.close();
      }
    }
    return `${counts.join(', ')} results`;
  });

  await check(mode, `a name fragment (${Q_NAME}) finds the facility, highlighted, with a tel: link to its phone`, async () => {
    await page.goto(searchPage);
    await clearAndType(page, Q_NAME);
    await rendered(page, Q_NAME);
    const hits = await expectResults(page, Q_NAME, {}, Q_NAME);
    const withPhone = hits.slice(0, PAGE).filter((h) => h.phone);
    assert(withPhone.length > 0, `no result for ${Q_NAME} has a phone in the CLI's output`);
    for (const h of withPhone) {
      const li = page.locator('#search-results > li').filter({ has: page.locator(`.result-name a[href="${h.url}"]`) });
      const tel = li.locator('a[href^="tel:"]');
      assertSame(await tel.count(), 1, `tel: links in the result for ${h.name}`);
      assertSame(await tel.getAttribute('href'), 'tel:' + h.phone.replace(/\D/g, ''), `tel: link of ${h.name}`);
      assertSame(await tel.textContent(), h.phone, `phone shown for ${h.name}`);
    }
    const marks = await page.locator('#search-results > li').first().locator('.result-name mark').allTextContents();
    assert(marks.includes(Q_NAME), `the first result's name does not highlight ${Q_NAME}: marks ${JSON.stringify(marks)}`);
    return `${withPhone[0].name}: ${withPhone[0].phone}`;
  });

  await check(mode, 'a query with markup renders as text: no element is injected, no script runs', async () => {
    const imgsBefore = await page.locator('img').count();
    await clearAndType(page, Q_XSS);
    await rendered(page, 'the markup query');
    await expectResults(page, Q_XSS, {}, 'markup query');
    const probe = () =>
      page.evaluate(() => ({
        imgs: document.querySelectorAll('img').length,
        xss: window.__xss === undefined ? null : window.__xss,
        raw: document.body.innerHTML.includes('<img'),
      }));
    assertSame(await probe(), { imgs: imgsBefore, xss: null, raw: false }, 'page after typing the markup query');
    await urlSettles(page, { q: Q_XSS, type: [], area: [], cap: [] }, 'the URL');
    await page.reload();
    await rendered(page, 'the markup query after reload');
    assertSame(await page.locator('#search-q').inputValue(), Q_XSS, 'query box after reload');
    assertSame(await probe(), { imgs: imgsBefore, xss: null, raw: false }, 'page after reloading the markup query');
  });

  if (expected404) {
    await check(mode, 'a missing page answers 404 with the site\'s own 404 page', async () => {
      const resp = await page.goto(expected404);
      assertSame(resp && resp.status(), 404, 'status of a missing page');
      assertSame((resp.headers()['content-type'] || '').split(';')[0], 'text/html', 'content type of the 404 page');
      const h1 = (await page.locator('main h1').textContent()).trim();
      assertSame(h1, 'お探しのページが見つかりません', 'h1 of the 404 page');
      const searchLink = page.locator('main a', { hasText: '施設を検索する' });
      await Promise.all([page.waitForURL((u) => u.pathname.endsWith('/search.html')), searchLink.click()]);
    });
  }


  /* ---------- how people ask (issue 21): synonyms, readings, types, snippets ---------- */
  for (const q of Q_EVERYDAY) {
    await check(mode, `the everyday word ${q} finds what the CLI finds (synonyms and readings)`, async () => {
      await page.goto(searchPage);
      await clearAndType(page, q);
      await rendered(page, q);
      const hits = await expectResults(page, q, {}, q);
      assert(hits.length > 0, `${q} finds nothing in the CLI either`);
      return `${hits.length} results`;
    });
  }

  await check(mode, 'a query naming a type lists facilities of that type first', async () => {
    const out = [];
    for (const [q, label] of Q_TYPES) {
      await page.goto(`${searchPage}?q=${encodeURIComponent(q)}`);
      await rendered(page, q);
      // (the page shows the CLI's order: checked over the CLI's whole list)
      await expectResults(page, q, {}, q);
      const types = cli(q).map((h) => h.type);
      const firstOther = types.findIndex((t) => t !== label);
      assert(firstOther > 0, `${q}: the first result is not a ${label}: ${JSON.stringify(types)}`);
      assert(types.slice(firstOther).every((t) => t !== label), `${q}: a ${label} after other results: ${JSON.stringify(types)}`);
      out.push(`${q}: ${firstOther} ${label} first of ${types.length}`);
    }
    return out.join('; ');
  });

  await check(mode, '人生会議 finds the free page about ACP', async () => {
    await page.goto(`${searchPage}?q=${encodeURIComponent('人生会議')}`);
    await rendered(page, '人生会議');
    const hits = await expectResults(page, '人生会議', {}, '人生会議');
    assert(hits.some((h) => h.kind === 'page' && h.url.startsWith('pages/')), `no page among ${JSON.stringify(hits.map((h) => h.url))}`);
  });

  await check(mode, 'every result says why it matched: marks in half-width and katakana forms, snippets from the text', async () => {
    const out = [];
    for (const q of Q_WHY) {
      await page.goto(`${searchPage}?q=${encodeURIComponent(q)}`);
      await rendered(page, q);
      const hits = await expectResults(page, q, {}, q);
      assert(hits.length > 0, `${q} finds nothing`);
      // (snippets arrive after the rows)
      await page.waitForFunction(() => [...document.querySelectorAll('#search-results > li')].every((li) => li.querySelector('mark')), null, { timeout: 3000 }).catch(() => {});
      const unmarked = await page.$$eval('#search-results > li', (lis) => lis.filter((li) => !li.querySelector('mark')).map((li) => li.querySelector('.result-name').textContent));
      assert(!unmarked.length, `${q}: results with nothing marked: ${JSON.stringify(unmarked)}`);
      const snippets = await page.locator('#search-results .result-snippet mark').count();
      out.push(`${q}: ${hits.length} marked, ${snippets} by snippet`);
    }
    const marks = await (async () => {
      await page.goto(`${searchPage}?q=${encodeURIComponent('ｻｸﾗ')}`);
      await rendered(page, 'ｻｸﾗ');
      return page.locator('#search-results > li').first().locator('.result-name mark').allTextContents();
    })();
    assert(marks.length === 1 && marks[0] === 'さくら', `ｻｸﾗ marks ${JSON.stringify(marks)} in the first result's name, not さくら`);
    return out.join('; ');
  });

  await check(mode, 'nothing found: the nearest names are suggested, and a filter that hides everything can be cleared', async () => {
    await page.goto(`${searchPage}?q=${encodeURIComponent(Q_TYPO)}`);
    await rendered(page, Q_TYPO);
    assertSame(cli(Q_TYPO).length, 0, `${Q_TYPO} should find nothing`);
    const near = await page.locator('#search-suggest .suggest-near a').allTextContents();
    assert(near.includes(Q_TYPO_FIX), `suggestions for ${Q_TYPO}: ${JSON.stringify(near)}`);
    await Promise.all([page.waitForURL((u) => u.search.includes('q=')), page.locator('#search-suggest .suggest-near a', { hasText: Q_TYPO_FIX }).click()]);
    await rendered(page, Q_TYPO_FIX);
    await expectResults(page, Q_TYPO_FIX, {}, 'the suggestion followed');
    const f = { type: ['pharmacy'] };
    await page.goto(`${searchPage}?q=${encodeURIComponent(Q_FILTER)}&type=pharmacy`);
    await rendered(page, `${Q_FILTER} in pharmacies`);
    assertSame(cli(Q_FILTER, f).length, 0, `${Q_FILTER} --type pharmacy should find nothing`);
    const clear = page.locator('#search-suggest .suggest-clear');
    assertSame(await clear.textContent(), `絞り込みを外して探す（${cli(Q_FILTER).length}件）`, 'the clear-filters button');
    await clicked(page, clear, `${Q_FILTER} without filters`);
    await expectResults(page, Q_FILTER, {}, 'after clearing the filters');
  });

  await check(mode, 'filters from a link show as chips with the panel closed; a chip removes its filter', async () => {
    const f = { type: ['hospital'], cap: ['end_of_life'] };
    await page.goto(`${searchPage}?q=${encodeURIComponent(Q_HOME)}&type=hospital&cap=end_of_life`);
    await rendered(page, 'a filtered link');
    assert(!(await page.locator('#search-form details').evaluate((d) => d.open)), 'the filter panel is open');
    const chips = await page.locator('#search-chips button').allTextContents();
    const names = await tickedNames(page);
    assertSame(chips.map((c) => c.replace('×', '')), names, 'chips');
    assert(await page.locator('#search-active').isVisible(), 'the active filters are not visible');
    const hits = await expectResults(page, Q_HOME, f, 'a filtered link');
    await clicked(page, page.locator('#search-chips button').first(), 'a chip removed');
    await expectResults(page, Q_HOME, { cap: ['end_of_life'] }, 'a chip removed');
    return `${hits.length} of ${cli(Q_HOME).length}; status ${JSON.stringify(statusFor(Q_HOME, f, names))}`;
  });

  await check(mode, 'no search while an IME composes: one search on compositionend', async () => {
    await page.goto(searchPage);
    await page.locator('#search-q').click();
    const before = await page.evaluate(() => document.body.getAttribute('data-search-done'));
    const cdp = await page.context().newCDPSession(page);
    for (const t of ['k', 'か', 'かn', 'かん', 'かんg', 'かんご']) {
      await cdp.send('Input.imeSetComposition', { text: t, selectionStart: t.length, selectionEnd: t.length });
    }
    await page.waitForTimeout(300);
    const during = await page.evaluate(() => ({ done: document.body.getAttribute('data-search-done'), status: document.getElementById('search-status').textContent }));
    assertSame(during, { done: before, status: '' }, 'the page while composing');
    await cdp.send('Input.insertText', { text: '看護' });
    await page.waitForFunction((b) => document.body.getAttribute('data-search-done') !== b, before);
    await page.waitForTimeout(300);
    const runs = Number(await page.evaluate(() => document.body.getAttribute('data-search-done'))) - Number(before || 1);
    assertSame(runs, 1, 'searches after the composition');
    await expectResults(page, '看護', {}, 'the composed word');
    await cdp.detach();
  });

  await check(mode, 'a 検索結果へ移動 link past the filters moves focus to the results', async () => {
    await page.goto(`${searchPage}?q=${encodeURIComponent(Q_HOME)}`);
    await rendered(page, Q_HOME);
    await page.locator('#search-q').focus();
    let onSkip = false;
    for (let i = 0; i < 3 && !onSkip; i++) {
      await page.keyboard.press('Tab');
      onSkip = await page.evaluate(() => document.activeElement && document.activeElement.textContent === '検索結果へ移動');
    }
    assert(onSkip, 'Tab from the query box never reached 検索結果へ移動 before the filters');
    await page.keyboard.press('Enter');
    assertSame(await page.evaluate(() => document.activeElement && document.activeElement.id), 'search-results', 'focus after the skip link');
  });

  await check(mode, 'no console error or warning, page error, failed request or HTTP error', async () => {
    await page.waitForTimeout(200); // let late events arrive
    assert(!problems.length, problems.join('\n'));
  });

  await context.close();
}

/* ---------------- main ---------------- */
const browser = await chromium.launch({ executablePath: opt.chromium, headless: true, args: CHROMIUM_ARGS });
const t0 = Date.now();
console.log(`chromium ${browser.version()}, site ${SITE}`);
let server = null;
try {
  for (const mode of opt.modes.split(',')) {
    if (mode === 'http') {
      const prefix = sitePrefix();
      server = await serve(prefix);
      const base = `http://127.0.0.1:${server.address().port}${prefix}`;
      console.log(`[http] serving ${SITE} at ${base}`);
      await runMode(browser, 'http', base, base + 'no-such-page.html');
      await new Promise((r) => server.close(r));
      server = null;
    } else if (mode === 'file') {
      const base = pathToFileURL(SITE + path.sep).href;
      console.log(`[file] opening ${base}`);
      await runMode(browser, 'file', base, null);
    } else {
      throw new Error(`unknown mode ${mode}`);
    }
  }
} catch (e) {
  failed++;
  console.log(`FAIL ${e.stack || e}`);
} finally {
  await browser.close().catch(() => {});
  if (server) server.close();
}
console.log(`search e2e took ${((Date.now() - t0) / 1000).toFixed(1)} s`);
console.log(`e2e: ${passed} passed, ${failed} failed`);
process.exit(failed || !passed ? 1 : 0);
