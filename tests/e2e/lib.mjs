// What a11y.mjs and layout.mjs share: the built site served on 127.0.0.1
// at the server's root, and Debian's headless Chromium with the theme's
// Japanese fonts.

import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.csv': 'text/csv; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.pdf': 'application/pdf',
};

/** Serves `site` at the server's root; a missing address answers 404 with
 * the site's 404.html, as static hosts do. Resolves to the server. */
export function serve(site) {
  const server = http.createServer((req, res) => {
    const send = (status, file) => {
      res.writeHead(status, {
        'Content-Type': TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream',
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'no-store',
      });
      res.end(req.method === 'HEAD' ? undefined : fs.readFileSync(file));
    };
    let file;
    try {
      const p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      file = path.join(site, path.normalize('/' + p));
      if (fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
      if (!file.startsWith(site + path.sep) || !fs.statSync(file).isFile()) throw new Error('not a file of the site');
    } catch {
      return send(404, path.join(site, '404.html'));
    }
    send(200, file);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Headless Chromium that renders Japanese with the theme's BIZ UDPGothic
 * (the first font style.css asks for; the machine may have no Japanese
 * font at all), so that measured line breaks are those readers see. */
export async function launch(executablePath) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'carebook-fonts-'));
  const conf = path.join(dir, 'fonts.conf');
  fs.writeFileSync(
    conf,
    `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir>${path.join(REPO, 'themes/default/pamphlet/fonts')}</dir>
  <cachedir>${path.join(dir, 'cache')}</cachedir>
</fontconfig>
`,
  );
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    env: { ...process.env, FONTCONFIG_FILE: conf },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  browser.on('disconnected', () => fs.rmSync(dir, { recursive: true, force: true }));
  return browser;
}

/** Resolves once search.js has shown the results of its last run, and its status. */
export async function searchDone(page, timeout = 15_000) {
  await page.waitForFunction(() => document.body && document.body.hasAttribute('data-search-done')
    && document.body.getAttribute('data-search-settled') === document.body.getAttribute('data-search-done'), null, { timeout });
}
