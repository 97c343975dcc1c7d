// `carebook serve`'s live script in headless Chromium (run by tests/serve.rs):
// two open pages; an edit of one facility reloads that facility's page and
// leaves the other as it is; a broken record shows its problem over both
// pages, and fixing it clears the problem.
//
//   node tests/e2e/live.mjs BASE_URL CHROMIUM FACILITY_YAML OTHER_FACILITY_URL_PATH
//
// Prints one JSON line with what it saw; exits non-zero on the first check
// that fails.

import fs from 'node:fs';
import { launch } from './lib.mjs';

const [base, chromiumPath, file, otherPath] = process.argv.slice(2);
const own = 'facilities/sakura.html';
const fail = (what) => {
  console.error(`live.mjs: ${what}`);
  process.exit(1);
};

/** Saves `text` as an editor does: a temporary file renamed into place. */
function save(text) {
  fs.writeFileSync(`${file}.swp`, text);
  fs.renameSync(`${file}.swp`, file);
}

/** Opens `path` and resolves once its live script listens for events. */
async function open(browser, path) {
  const page = await browser.newPage();
  const listening = page.waitForResponse((r) => r.url().endsWith('/__carebook/events'));
  await page.goto(base + path);
  await listening;
  // (marks this load of the page: a reload forgets it)
  await page.evaluate(() => { window.__loaded = 'first'; });
  return page;
}

const overlay = (page) => page.evaluate(() => {
  const o = document.querySelector('.carebook-overlay');
  return o ? o.textContent : null;
});

const browser = await launch(chromiumPath);
try {
  const edited = await open(browser, own);
  const other = await open(browser, otherPath);
  const original = fs.readFileSync(file, 'utf8');
  if (!original.includes('06-0000-1001')) fail(`${file} lacks the phone number this test changes`);

  // An edit: the facility's open page reloads with it; the other does not.
  save(original.replace('06-0000-1001', '06-0000-1555'));
  await edited.waitForFunction(
    () => !window.__loaded && document.body.textContent.includes('06-0000-1555'),
    null,
    { timeout: 15_000 },
  ).catch(() => fail('the edited facility\'s open page did not reload with the edit'));
  await other.waitForTimeout(1000);
  if (await other.evaluate(() => window.__loaded) !== 'first') fail('an open page the edit did not change reloaded');

  // A broken record: its problem over every open page, the last good page
  // under it; then fixed: the problem goes.
  await edited.evaluate(() => { window.__loaded = 'second'; });
  save(original.replace(/^phone: .*$/m, 'phone: 電話番号'));
  const shown = [];
  for (const page of [edited, other]) {
    await page.waitForSelector('.carebook-overlay', { timeout: 15_000 })
      .catch(() => fail('no problem shown over an open page'));
    const text = await overlay(page);
    if (!/sakura\.yaml:\d+:\d+/.test(text)) fail(`the problem does not say file:line:col: ${text}`);
    shown.push(text);
  }
  if (!(await edited.evaluate(() => document.body.textContent)).includes('06-0000-1555')) {
    fail('the last good page is not shown under the problem');
  }
  save(original);
  for (const page of [edited, other]) {
    await page.waitForFunction(() => !document.querySelector('.carebook-overlay'), null, { timeout: 15_000 })
      .catch(() => fail('the problem stayed after the record was fixed'));
  }
  await edited.waitForFunction(() => document.body.textContent.includes('06-0000-1001'), null, { timeout: 15_000 })
    .catch(() => fail('the fixed record did not reach its open page'));
  console.log(JSON.stringify({ reloaded: own, kept: otherPath, problem: shown[0].slice(0, 200) }));
} finally {
  await browser.close();
}
