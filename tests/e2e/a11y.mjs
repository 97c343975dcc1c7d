// Accessibility check of the built site: axe-core (pinned in package.json)
// over every HTML page of the site, the search page with results and with
// its filters open, and the 404 page as a server answers a missing address,
// in Debian's headless Chromium at a phone's and a desktop's width, with
// WCAG 2.0/2.1 A and AA rules and axe's best practices. A page any of whose
// resources is missing fails too.
//
// Usage:
//   node tests/e2e/a11y.mjs --site SITE_DIR [--chromium /usr/bin/chromium]
//        [--widths 360,1280]
//
// The site is served on 127.0.0.1 at the server's root (a missing address
// answers 404 with the site's 404.html, as static hosts do). Prints one line
// per page and width, each violation with its nodes, and the summary line
//   a11y: P pages, C checks, V violations, axe-core X, chromium Y, widths W
// that tests/a11y.rs reads; exits non-zero on any violation or error.

import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { launch, searchDone, serve } from './lib.mjs';

const require = createRequire(import.meta.url);
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const AXE_VERSION = require('axe-core/package.json').version;

const { values: opt } = parseArgs({
  options: {
    site: { type: 'string' },
    chromium: { type: 'string', default: '/usr/bin/chromium' },
    widths: { type: 'string', default: '360,1280' },
  },
});
if (!opt.site) {
  console.error('missing --site\nusage: node a11y.mjs --site SITE_DIR [--chromium PATH] [--widths 360,1280]');
  process.exit(2);
}
const SITE = path.resolve(opt.site);
const WIDTHS = opt.widths.split(',').map(Number);
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];
const WAIT_MS = 15_000;

setTimeout(() => {
  console.error('FAIL the a11y run took longer than 600 s; stopping');
  process.exit(3);
}, 600_000).unref();

/* ---------------- what is checked ---------------- */
/** Every HTML page of the site, by path from its root, 404.html aside. */
function sitePages() {
  const out = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.html')) out.push(path.relative(SITE, p).split(path.sep).join('/'));
    }
  };
  walk(SITE);
  return out.filter((p) => p !== '404.html').sort();
}

// Each entry: a name, the address (from the site's root) and what to do
// once the page has loaded.
const targets = sitePages().map((p) => ({ name: p, url: p, status: 200 }));
targets.push(
  {
    name: 'search.html with results (訪問看護)',
    url: 'search.html?q=' + encodeURIComponent('訪問看護'),
    status: 200,
    async prepare(page) {
      await searchDone(page);
      const n = await page.locator('#search-results > li').count();
      if (!n) throw new Error('the search page showed no results for 訪問看護');
    },
  },
  {
    name: 'search.html with its filters open and ticked (看取り, 訪問看護ステーション)',
    url: 'search.html?q=' + encodeURIComponent('看取り') + '&type=nursing',
    status: 200,
    async prepare(page) {
      await searchDone(page);
      await page.locator('.search-filters summary').click();
      if (!(await page.locator('.search-filters').evaluate((d) => d.open))) throw new Error('the filters did not open');
    },
  },
  { name: '404 (a missing address: no-such-page.html)', url: 'no-such-page.html', status: 404 },
);

/* ---------------- the run ---------------- */
const browser = await launch(opt.chromium);
const server = await serve(SITE);
const base = `http://127.0.0.1:${server.address().port}/`;
console.log(`axe-core ${AXE_VERSION}, chromium ${browser.version()}, site ${SITE} at ${base}`);
console.log(`rules: ${TAGS.join(', ')}`);

let checks = 0;
let violations = 0;
let errors = 0;
const t0 = Date.now();
try {
  for (const width of WIDTHS) {
    const context = await browser.newContext({ viewport: { width, height: 800 } });
    const page = await context.newPage();
    page.setDefaultTimeout(WAIT_MS);
    // Every resource a page asks for is there (style sheet, scripts,
    // icons): a page that loads half-styled is not checked as it is meant.
    // (a request aborted by the next navigation, such as an icon still
    // loading, is not a missing resource: those answer 404 here)
    let failedRequests = [];
    page.on('requestfailed', (r) => {
      const error = r.failure() && r.failure().errorText;
      if (error !== 'net::ERR_ABORTED') failedRequests.push(`${r.url()} (${error})`);
    });
    page.on('response', (r) => {
      if (r.status() >= 400 && r.request().resourceType() !== 'document') failedRequests.push(`${r.url()} (HTTP ${r.status()})`);
    });
    for (const t of targets) {
      try {
        failedRequests = [];
        const resp = await page.goto(base + t.url, { waitUntil: 'load' });
        if (!resp || resp.status() !== t.status) throw new Error(`answered ${resp && resp.status()}, expected ${t.status}`);
        if (t.prepare) await t.prepare(page);
        if (failedRequests.length) throw new Error(`missing resources: ${failedRequests.join(', ')}`);
        // (evaluated through the DevTools protocol: the page's CSP, which
        // allows no inline script, does not apply)
        await page.evaluate(AXE_SOURCE);
        const r = await page.evaluate(
          (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
          TAGS,
        );
        checks++;
        if (r.violations.length) {
          violations += r.violations.length;
          console.log(`FAIL [${width}] ${t.name}: ${r.violations.length} violation(s)`);
          for (const v of r.violations) {
            console.log(`       ${v.id} (${v.impact}): ${v.help}`);
            for (const n of v.nodes.slice(0, 5)) console.log(`         ${n.target.join(' ')}: ${n.failureSummary.replace(/\n\s*/g, ' ')}`);
            if (v.nodes.length > 5) console.log(`         … and ${v.nodes.length - 5} more`);
          }
        } else {
          console.log(`ok   [${width}] ${t.name}`);
        }
      } catch (e) {
        errors++;
        console.log(`FAIL [${width}] ${t.name}: ${e.message}`);
      }
    }
    await context.close();
  }
} finally {
  await browser.close().catch(() => {});
  server.close();
}
console.log(`a11y run took ${((Date.now() - t0) / 1000).toFixed(1)} s`);
console.log(
  `a11y: ${targets.length} pages, ${checks} checks, ${violations} violations, ${errors} errors, axe-core ${AXE_VERSION}, chromium ${browser.version()}, widths ${WIDTHS.join(',')}`,
);
process.exit(violations || errors || !checks ? 1 : 0);
