// Layout of the built site as readers see it, measured in Debian's headless
// Chromium (with the theme's Japanese fonts): a phone (360 px), a tablet
// (768 px) and a desktop (1280 px). What is measured is what the readers of
// issue 21 ran into: search results below the fold on a phone, small tap
// targets, lists of － on a phone, tables cut off on a tablet, names broken
// mid-word, and a 404 page that only worked under base_url's path.
//
// Usage:
//   node tests/e2e/layout.mjs --site SITE_DIR [--chromium /usr/bin/chromium]
//
// Prints one line per check (with what was measured) and the summary line
//   layout: N passed, M failed
// that tests/a11y.rs reads; exits non-zero on any failure.

import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

import { launch, searchDone, serve } from './lib.mjs';

const { values: opt } = parseArgs({
  options: {
    site: { type: 'string' },
    chromium: { type: 'string', default: '/usr/bin/chromium' },
  },
});
if (!opt.site) {
  console.error('missing --site\nusage: node layout.mjs --site SITE_DIR [--chromium PATH]');
  process.exit(2);
}
const SITE = path.resolve(opt.site);
const TAP = 44; // CSS px, WCAG 2.5.5

setTimeout(() => {
  console.error('FAIL the layout run took longer than 300 s; stopping');
  process.exit(3);
}, 300_000).unref();

let passed = 0;
let failed = 0;
async function check(name, fn) {
  try {
    const note = await fn();
    passed++;
    console.log(`ok   ${name}${note ? ` (${note})` : ''}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}\n       ${String(e && e.message ? e.message : e).replace(/\n/g, '\n       ')}`);
  }
}
function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

const browser = await launch(opt.chromium);
const server = await serve(SITE);
const base = `http://127.0.0.1:${server.address().port}/`;
console.log(`chromium ${browser.version()}, site ${SITE} at ${base}`);

/** Lines `el`'s text is set on: [{ text }] in order, measured per character. */
const LINES = (el) => {
  const lines = [];
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  let top = null;
  for (let t = walker.nextNode(); t; t = walker.nextNode()) {
    for (let i = 0; i < t.data.length; i++) {
      range.setStart(t, i);
      range.setEnd(t, i + 1);
      const r = range.getClientRects()[0];
      if (!t.data[i].trim()) {
        if (lines.length) lines[lines.length - 1] += ' ';
        continue;
      }
      if (!r) continue;
      if (top === null || r.top > top + r.height / 2) {
        lines.push('');
        top = r.top;
      }
      lines[lines.length - 1] += t.data[i];
    }
  }
  return lines;
};

/** Line breaks inside a word: a break not after a space or closing
 * punctuation (、。・）」) nor before opening punctuation (（「), as
 * "…ス / テ…". */
function midWordBreaks(lines) {
  const bad = [];
  for (let i = 1; i < lines.length; i++) {
    const prev = lines[i - 1].slice(-1);
    const next = lines[i][0];
    if (!/[\s、。，,・）)」』】〕]/.test(prev) && !/[（(「『【〔]/.test(next)) bad.push(`${lines[i - 1].trim()} / ${lines[i].trim()}`);
  }
  return bad;
}

async function open(width, height, url) {
  const context = await browser.newContext({ viewport: { width, height } });
  // (added through the DevTools protocol: the page's CSP does not apply)
  await context.addInitScript({ content: `window.__lines = ${LINES}` });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const resp = await page.goto(url.includes('://') ? url : base + url);
  assert(resp && resp.ok(), `${url} answered ${resp && resp.status()}`);
  return { page, close: () => context.close() };
}
const Q = encodeURIComponent('訪問看護');

// Visible elements matching `selector` smaller than TAP×TAP, as
// "text w×h" (empty: all large enough); also how many were measured.
async function smallTargets(page, selector) {
  return page.$$eval(
    selector,
    (els, tap) => {
      const small = [];
      let n = 0;
      for (const e of els) {
        const r = e.getBoundingClientRect();
        const st = getComputedStyle(e);
        if (!r.width || !r.height || st.visibility === 'hidden') continue;
        n++;
        if (r.width < tap - 0.5 || r.height < tap - 0.5) small.push(`${e.textContent.trim().slice(0, 20)} ${r.width.toFixed(0)}×${r.height.toFixed(0)}`);
      }
      return { n, small };
    },
    TAP,
  );
}
async function tapTargets(url, selectors, prepare) {
  const { page, close } = await open(360, 800, url);
  try {
    if (prepare) await prepare(page);
    const notes = [];
    for (const sel of selectors) {
      const { n, small } = await smallTargets(page, sel);
      assert(n > 0, `${url}: nothing visible matches ${sel}`);
      assert(!small.length, `${url}: ${sel} smaller than ${TAP}×${TAP} px: ${small.slice(0, 6).join(', ')}${small.length > 6 ? ` … (${small.length})` : ''}`);
      notes.push(`${sel} ×${n}`);
    }
    return notes.join(', ');
  } finally {
    await close();
  }
}

try {
  /* ---- 6: search results within the first screen on a phone ---- */
  for (const [w, h] of [
    [360, 800],
    [360, 500],
  ]) {
    await check(`search page at ${w}×${h}: the first result is on the first screen`, async () => {
      const { page, close } = await open(w, h, `search.html?q=${Q}`);
      try {
        await searchDone(page);
        const r = await page.locator('#search-results > li .result-name').first().boundingBox();
        assert(r, 'no result shown');
        assert(r.y + r.height <= h, `the first result's name ends at y = ${(r.y + r.height).toFixed(0)}, below the ${h} px screen`);
        return `first result's name at y = ${r.y.toFixed(0)}–${(r.y + r.height).toFixed(0)}`;
      } finally {
        await close();
      }
    });
  }
  await check('search page at 360×800: the menu is one tap away, the header has no second search box', async () => {
    const { page, close } = await open(360, 800, `search.html?q=${Q}`);
    try {
      assert(!(await page.locator('.site-search').isVisible()), "the header's search box shows on the search page");
      const links = page.locator('.site-nav a');
      assert(!(await links.first().isVisible()), 'the menu links show before the menu is opened');
      await page.getByText('メニュー', { exact: true }).click();
      const n = await links.count();
      for (let i = 0; i < n; i++) assert(await links.nth(i).isVisible(), `menu link ${i} not visible once the menu is open`);
      return `${n} menu links after one tap`;
    } finally {
      await close();
    }
  });

  /* ---- 8: tap targets at 360 px ---- */
  await check('tap targets ≥ 44×44 px at 360 px: menu, breadcrumbs, phone links in a list', () =>
    tapTargets('types/clinic.html', ['.site-nav a', '.breadcrumb a', '.facility-table .tel-line a', '.facility-table th.name a']),
  );
  await check('tap targets ≥ 44×44 px at 360 px: map links and breadcrumbs of a facility', async () => {
    const withMap = fs
      .readdirSync(path.join(SITE, 'facilities'))
      .find((f) => fs.readFileSync(path.join(SITE, 'facilities', f), 'utf8').includes('class="map-links"'));
    assert(withMap, 'no facility page has map links');
    return tapTargets(`facilities/${withMap}`, ['.map-links a', '.breadcrumb a']);
  });
  await check('tap targets ≥ 44×44 px at 360 px: result names, phone links and filter rows of the search page', () =>
    tapTargets(`search.html?q=${Q}`, ['.result-name a', '.result-phone a', '.checks label', '.site-nav a'], async (page) => {
      await searchDone(page);
      await page.locator('.search-filters summary').click();
      await page.getByText('メニュー', { exact: true }).click();
    }),
  );

  /* ---- 9: list pages on a phone and a tablet ---- */
  await check('a type list at 360 px shows the ○ capabilities as chips and no －', async () => {
    const { page, close } = await open(360, 800, 'types/clinic.html');
    try {
      const m = await page.evaluate(() => {
        const vis = (e) => e.getBoundingClientRect().height > 0;
        const caps = [...document.querySelectorAll('.facility-table td.cap')];
        return {
          yes: caps.filter((c) => c.classList.contains('yes') && vis(c)).length,
          yesAll: caps.filter((c) => c.classList.contains('yes')).length,
          no: caps.filter((c) => c.classList.contains('no') && vis(c)).length,
          rows: document.querySelectorAll('.facility-table tbody tr').length,
          height: document.documentElement.scrollHeight,
        };
      });
      assert(m.yes === m.yesAll && m.yes > 0, `${m.yes} of ${m.yesAll} ○ chips visible`);
      assert(m.no === 0, `${m.no} － cells still visible`);
      return `${m.rows} facilities, ${m.yes} chips, page ${m.height} px tall`;
    } finally {
      await close();
    }
  });
  await check('a type list at 1280 px keeps the ○/－ table', async () => {
    const { page, close } = await open(1280, 800, 'types/clinic.html');
    try {
      const m = await page.evaluate(() => ({
        no: [...document.querySelectorAll('.facility-table td.cap.no')].filter((c) => c.getBoundingClientRect().height > 0).length,
        head: getComputedStyle(document.querySelector('.facility-table thead')).display,
      }));
      assert(m.no > 0 && m.head === 'table-header-group', `desktop table: ${JSON.stringify(m)}`);
      return `${m.no} － cells`;
    } finally {
      await close();
    }
  });
  for (const url of ['types/clinic.html', 'areas/north.html', 'meetings.html']) {
    await check(`${url} at 768 px: each table fits or shows that it scrolls`, async () => {
      const { page, close } = await open(768, 1024, url);
      try {
        const boxes = await page.$$eval('.table-scroll', (els) =>
          els.map((e) => {
            const hint = e.parentElement.querySelector('.scroll-hint');
            return {
              fits: e.scrollWidth <= e.clientWidth,
              over: e.scrollWidth - e.clientWidth,
              shadow: /gradient/.test(getComputedStyle(e).backgroundImage),
              hint: !!hint && hint.getBoundingClientRect().height > 0,
            };
          }),
        );
        assert(boxes.length, 'no table');
        const bad = boxes.filter((b) => !b.fits && !(b.shadow && b.hint));
        assert(!bad.length, `tables wider than their box with no visible hint: ${JSON.stringify(bad)}`);
        return boxes.map((b) => (b.fits ? 'fits' : `scrolls ${b.over} px, with shadow and hint`)).join('; ');
      } finally {
        await close();
      }
    });
  }

  /* ---- 11: meeting names at 1280 px ---- */
  await check('meetings table at 1280 px: no meeting name broken mid-word', async () => {
    const { page, close } = await open(1280, 800, 'meetings.html');
    try {
      const names = await page.$$eval('.meeting-table th.name a', (els) => els.map((e) => window.__lines(e)));
      assert(names.length, 'no meeting names');
      const broken = names.flatMap(midWordBreaks);
      assert(!broken.length, `names broken mid-word: ${broken.join(', ')}`);
      return `${names.length} names, ${names.filter((l) => l.length > 1).length} on two lines or more`;
    } finally {
      await close();
    }
  });

  /* ---- 16: type cards on the top page ---- */
  for (const w of [360, 1280]) {
    await check(`top page at ${w} px: no card's name broken mid-word or past the card's edge, each count on one line`, async () => {
      const { page, close } = await open(w, 800, 'index.html');
      try {
        const cards = await page.$$eval(
          '.link-grid a',
          (els) =>
            els.map((a) => {
              const name = a.querySelector('.name');
              const count = a.querySelector('.count');
              const lh = (e) => parseFloat(getComputedStyle(e).lineHeight);
              const box = a.getBoundingClientRect();
              const inner = box.right - parseFloat(getComputedStyle(a).paddingRight);
              return {
                name: name ? window.__lines(name) : null,
                // text past the card's edge
                overflow: name ? Math.max(0, ...[...name.getClientRects()].map((r) => r.right - inner)) : 0,
                count: count ? { h: count.getBoundingClientRect().height, lh: lh(count), text: count.textContent } : null,
              };
            }),
        );
        assert(cards.length, 'no cards');
        const bad = cards.filter((c) => !c.name || midWordBreaks(c.name).length || c.overflow > 0.5 || (c.count && c.count.h > 1.5 * c.count.lh));
        assert(!bad.length, `cards whose name breaks mid-word or count breaks: ${JSON.stringify(bad)}`);
        return `${cards.length} cards, ${cards.filter((c) => c.name.length > 1).length} names on two lines or more`;
      } finally {
        await close();
      }
    });
  }

  /* ---- 15: the 404 page from disk and at a server's root ---- */
  const check404 = async (url, status) => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const problems = [];
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} (${r.failure() && r.failure().errorText})`));
    page.on('response', (r) => {
      if (r.status() >= 400 && r.url() !== url) problems.push(`HTTP ${r.status()}: ${r.url()}`);
    });
    try {
      const resp = await page.goto(url);
      if (status) assert(resp && resp.status() === status, `${url} answered ${resp && resp.status()}`);
      // The style sheet applied: the header's bottom border is drawn.
      const border = await page.$eval('.site-header', (e) => getComputedStyle(e).borderBottomWidth);
      assert(border !== '0px', `the style sheet did not apply (header border ${border})`);
      // (links within the page itself, such as the skip link, aside)
      const links = await page.$$eval('a[href]', (as) =>
        as.map((a) => a.href).filter((h) => /^(file|http):/.test(h) && h.split('#')[0] !== location.href.split('#')[0]),
      );
      for (const href of links) {
        const u = new URL(href);
        if (u.protocol === 'file:') {
          assert(fs.existsSync(decodeURIComponent(u.pathname)), `link to a missing file: ${href}`);
        } else if (u.host === new URL(base).host) {
          const r = await page.request.get(href);
          assert(r.status() === 200, `link answers ${r.status()}: ${href}`);
        }
      }
      await page.waitForTimeout(100);
      assert(!problems.length, problems.join('\n'));
      return `${links.length} links resolve`;
    } finally {
      await context.close();
    }
  };
  await check('404 page opened from disk: styled, every link resolves', () => check404(pathToFileURL(path.join(SITE, '404.html')).href, null));
  await check('404 page at a server root, for a missing address: styled, every link resolves', () => check404(base + 'no-such-page.html', 404));

  /* ---- 15: a favicon on every page ---- */
  await check('favicon: /favicon.ico and the icon every page links are served', async () => {
    const r = await fetch(base + 'favicon.ico');
    assert(r.status === 200 && /image/.test(r.headers.get('content-type')), `/favicon.ico answered ${r.status}`);
    const ico = Buffer.from(await r.arrayBuffer());
    assert(ico.readUInt16LE(0) === 0 && ico.readUInt16LE(2) === 1, 'favicon.ico is not an ICO file');
    const { page, close } = await open(1280, 800, 'index.html');
    try {
      const icons = await page.$$eval('link[rel~=icon]', (ls) => ls.map((l) => l.href));
      assert(icons.length, 'the top page links no icon');
      for (const href of icons) {
        const res = await page.request.get(href);
        assert(res.status() === 200, `${href} answered ${res.status()}`);
      }
      return `${icons.length} icons linked, favicon.ico ${ico.length} bytes`;
    } finally {
      await close();
    }
  });
} finally {
  await browser.close().catch(() => {});
  server.close();
}
console.log(`layout: ${passed} passed, ${failed} failed`);
process.exit(failed || !passed ? 1 : 0);
