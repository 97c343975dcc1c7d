// Clicks every link and clickable element of the given pages of a built
// site in Debian's headless Chromium (playwright-core), from disk and over
// loopback HTTP, and fails if any of them opens a dialog: a script that a
// guidebook's text or a theme slipped into a page must never run. Also
// checks that each page is whole (its footer is in the DOM: a stray
// `<!--` in an inline script would swallow the rest of the document).
//
// Usage: node tests/e2e/links.mjs --site SITE_DIR --pages a.html,b.html
//        [--chromium /usr/bin/chromium]
// Prints one line per page and mode, then `links: N clicked, M dialogs`.
// Run by tests/security.rs.

import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

import { chromium } from 'playwright-core';

const { values: opt } = parseArgs({
  options: {
    site: { type: 'string' },
    pages: { type: 'string' },
    chromium: { type: 'string', default: '/usr/bin/chromium' },
  },
});
if (!opt.site || !opt.pages) {
  console.error('usage: node links.mjs --site SITE_DIR --pages a.html,b.html');
  process.exit(2);
}
const SITE = path.resolve(opt.site);
const PAGES = opt.pages.split(',');

setTimeout(() => {
  console.error('FAIL the run took longer than 240 s; stopping');
  process.exit(3);
}, 240_000).unref();

// A static server for the site, on a free loopback port.
function serve() {
  const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css' };
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url, 'http://x').pathname).replace(/^\/+/, '');
    const file = path.join(SITE, rel);
    if (!file.startsWith(SITE) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const browser = await chromium.launch({
  executablePath: opt.chromium,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const server = await serve();
const bases = {
  file: pathToFileURL(SITE + path.sep).href,
  http: `http://127.0.0.1:${server.address().port}/`,
};

// Opens `url` again unless the page is on it; a navigation still under way
// from the last click may interrupt the first try.
async function back(page, url) {
  for (let attempt = 0; page.url() !== url; attempt++) {
    try {
      await page.goto(url);
    } catch (e) {
      if (attempt >= 4) throw e;
      await page.waitForTimeout(100);
    }
  }
}

let clicked = 0;
let dialogs = 0;
let failures = 0;
for (const [mode, base] of Object.entries(bases)) {
  for (const rel of PAGES) {
    const context = await browser.newContext();
    // Nothing leaves the machine: other sites' links are answered here.
    await context.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.fulfill({ status: 204, body: '' }));
    const page = await context.newPage();
    const opened = [];
    page.on('dialog', async (d) => {
      opened.push(d.message());
      await d.dismiss();
    });
    const url = base + rel;
    await back(page, url);
    const whole = await page.evaluate(() => !!document.querySelector('footer.site-footer'));
    if (!whole) {
      failures++;
      console.log(`FAIL [${mode}] ${rel}: the page is cut short (no footer in the DOM)`);
    }
    const count = await page.evaluate(() => document.querySelectorAll('a, [onclick], img').length);
    for (let i = 0; i < count; i++) {
      await back(page, url);
      const el = page.locator('a, [onclick], img').nth(i);
      try {
        await el.click({ timeout: 1000, noWaitAfter: true, force: true });
        clicked++;
      } catch {
        // Hidden elements (the skip link's target, print-only parts) stay unclicked.
      }
      // A click that navigates: let it land before the page is opened again.
      await page.waitForTimeout(50);
      await page.waitForLoadState('load').catch(() => {});
    }
    await page.waitForTimeout(200);
    dialogs += opened.length;
    if (opened.length) {
      failures++;
      console.log(`FAIL [${mode}] ${rel}: ${opened.length} dialog(s): ${opened.join(' | ')}`);
    } else {
      console.log(`ok   [${mode}] ${rel}: ${count} elements, no dialog`);
    }
    await context.close();
  }
}
await browser.close();
server.close();
console.log(`links: ${clicked} clicked, ${dialogs} dialogs`);
process.exit(failures ? 1 : 0);
