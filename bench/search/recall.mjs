// The recall cases of issue 3 on the sample guidebook, for carebook's browser
// search and for Pagefind, both in headless chromium over loopback.
//
// Expected records come from the guidebook's own files, not from either
// engine: a record "contains" a word when its source file (YAML or Markdown
// front matter and body), its type name, area name or the labels of the
// capabilities it has contain the word after NFKC, lower case and katakana
// to hiragana folding.
//
// Result sets: carebook through the page's own carebookSearch.search() and
// display() (all hits, not only the first 20), after every term shard has
// been loaded one at a time; whether the same query also renders on a fresh
// search page (query in the URL) is reported separately, because a query
// whose terms share a shard not yet loaded never renders (see the report).
// Pagefind through pagefind.search() and data() of every result.
//
// node recall.mjs --root GUIDEBOOK --carebook SITE --pagefind SITE --out FILE
import fs from 'node:fs';
import path from 'node:path';
import { serve } from './server.mjs';
import { launch, INIT_SCRIPT, waitDone, args } from './lib.mjs';

const a = args(process.argv.slice(2));

// ------------------------------------------------------------ the guidebook

const fold = (s) => Array.from(s.normalize('NFKC').toLowerCase())
  .map((c) => { const x = c.codePointAt(0); return x >= 0x30a1 && x <= 0x30f6 ? String.fromCodePoint(x - 0x60) : c; })
  .join('');

const toml = fs.readFileSync(path.join(a.root, 'carebook.toml'), 'utf8');
const types = {};
for (const block of toml.split(/^\[\[types\]\]/m).slice(1)) {
  const key = /^key\s*=\s*"([^"]+)"/m.exec(block)[1];
  const name = /^name\s*=\s*"([^"]+)"/m.exec(block)[1];
  const caps = {};
  for (const m of block.matchAll(/\{\s*key\s*=\s*"([^"]+)",\s*label\s*=\s*"([^"]+)"/g)) caps[m[1]] = m[2];
  types[key] = { name, caps };
}
const areas = {};
for (const block of toml.split(/^\[\[areas\]\]/m).slice(1)) {
  areas[/^key\s*=\s*"([^"]+)"/m.exec(block)[1]] = /^name\s*=\s*"([^"]+)"/m.exec(block)[1];
}

const records = [];
for (const kind of ['facilities', 'windows', 'meetings']) {
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) { walk(p); continue; }
      if (!/\.(ya?ml|md)$/.test(e.name)) continue;
      const src = fs.readFileSync(p, 'utf8');
      const field = (k) => { const m = new RegExp(`^${k}:\\s*(.*)$`, 'm').exec(src); return m ? m[1].trim() : ''; };
      const type = field('type');
      const capKeys = (/^capabilities:\s*\[(.*)\]/m.exec(src) || [, ''])[1].split(',').map((s) => s.trim()).filter(Boolean);
      const capLabels = capKeys.map((k) => (types[type] && types[type].caps[k]) || k);
      const extra = [types[type] ? types[type].name : '', areas[field('area')] || '', ...capLabels].join('\n');
      records.push({
        url: `${kind}/${path.basename(e.name).replace(/\.(ya?ml|md)$/, '')}.html`,
        name: field('name'), kana: field('kana'), phone: field('phone'), capLabels,
        text: fold(src + '\n' + extra),
      });
    }
  };
  walk(path.join(a.root, 'content', kind));
}
for (const r of records) {
  if (!fs.existsSync(path.join(a.carebook, r.url))) throw new Error(`no page ${r.url} in ${a.carebook}`);
}
const contains = (w) => records.filter((r) => r.text.includes(fold(w))).map((r) => r.url);
const nameHas = (w) => records.filter((r) => fold(r.name + r.kana).includes(fold(w))).map((r) => r.url);

// ------------------------------------------------------------ the cases

const station = records.find((r) => /訪問看護/.test(r.name) && r.phone);
const phone = station.phone;
const MITORI = '看取り';
const withMitori = records.filter((r) => r.capLabels.includes(MITORI)).map((r) => r.url);

/** Each case: queries to run, and pass(results by query) -> { pass, note }. */
const sameSet = (x, y) => x.length === y.length && x.every((u) => y.includes(u));
const includesAll = (got, want) => want.every((u) => got.includes(u));
const missing = (got, want) => want.filter((u) => !got.includes(u));
const CASES = [
  {
    group: '０６ = 06', q: '０６', needs: ['06'],
    meaning: 'same records as `06`, and at least one',
    check: (r) => ({ pass: r['06'].length > 0 && sameSet(r['０６'], r['06']), note: `${r['０６'].length} vs ${r['06'].length}` }),
  },
  ...['さくら', 'サクラ', 'ｻｸﾗ'].map((q) => ({
    group: 'サクラ = さくら = ｻｸﾗ', q, needs: ['さくら'],
    meaning: 'same records as `さくら`, including every record whose name or reading has さくら/サクラ',
    check: (r) => {
      const want = nameHas('さくら');
      return { pass: sameSet(r[q], r['さくら']) && includesAll(r[q], want), note: `${r[q].length} found, ${want.length - missing(r[q], want).length}/${want.length} expected` };
    },
  })),
  ...['クリニック', 'ｸﾘﾆｯｸ'].map((q) => ({
    group: 'ｸﾘﾆｯｸ = クリニック', q, needs: ['クリニック'],
    meaning: 'same records as `クリニック`, including every record whose name has クリニック',
    check: (r) => {
      const want = nameHas('クリニック');
      return { pass: sameSet(r[q], r['クリニック']) && includesAll(r[q], want), note: `${r[q].length} found, ${want.length - missing(r[q], want).length}/${want.length} expected` };
    },
  })),
  ...[['ASCII hyphen', '-'], ['U+2212 −', '\u2212'], ['U+2010 ‐', '\u2010'], ['U+30FC ー', '\u30fc'], ['no separator', '']].map(([how, sep]) => {
    const q = phone.replace(/-/g, sep);
    return {
      group: `phone number (${phone}, ${station.name})`, q, label: `${q} (${how})`,
      meaning: `${station.name} is the first result`,
      check: (r) => ({ pass: r[q][0] === station.url, note: `${r[q].length} found${r[q].includes(station.url) ? `, at #${r[q].indexOf(station.url) + 1}` : ', not among them'}` }),
    };
  }),
  ...['看護師', '大今里', '深江橋', '木曜午後'].map((q) => ({
    group: 'a 新幹線-style word returns only records containing it', q,
    meaning: 'every result contains the word, and at least one (recall noted)',
    check: (r) => {
      const want = contains(q);
      const extra = r[q].filter((u) => !want.includes(u));
      return { pass: r[q].length > 0 && extra.length === 0, note: `${r[q].length} found, ${extra.length} without the word, ${want.length - missing(r[q], want).length}/${want.length} of those with it` };
    },
  })),
  {
    group: '東成区の訪問看護 = 東成区 訪問看護', q: '東成区の訪問看護', needs: ['東成区 訪問看護'],
    meaning: 'same records as `東成区 訪問看護`, and at least one',
    check: (r) => ({ pass: r['東成区 訪問看護'].length > 0 && sameSet(r['東成区の訪問看護'], r['東成区 訪問看護']), note: `${r['東成区の訪問看護'].length} vs ${r['東成区 訪問看護'].length}` }),
  },
  {
    group: 'ほうもんかんご finds stations by reading', q: 'ほうもんかんご',
    meaning: 'every record whose kana reading contains ほうもんかんご is found',
    check: (r) => {
      const want = records.filter((x) => fold(x.kana).includes('ほうもんかんご')).map((x) => x.url);
      return { pass: want.length > 0 && includesAll(r['ほうもんかんご'], want), note: `${r['ほうもんかんご'].length} found, ${want.length - missing(r['ほうもんかんご'], want).length}/${want.length} expected` };
    },
  },
  {
    group: 'capability label 看取り', q: MITORI,
    meaning: 'every record that has the capability labelled 看取り is found (extra results noted)',
    check: (r) => {
      const extra = r[MITORI].filter((u) => !withMitori.includes(u));
      return { pass: withMitori.length > 0 && includesAll(r[MITORI], withMitori), note: `${r[MITORI].length} found, ${withMitori.length - missing(r[MITORI], withMitori).length}/${withMitori.length} with the capability, ${extra.length} without it` };
    },
  },
];
const QUERIES = [...new Set(CASES.flatMap((c) => [c.q, ...(c.needs || [])]))];

// ------------------------------------------------------------ the engines

const norm = (u) => u.replace(/^(\.\.\/|\/)+/, '').replace(/[?#].*$/, '');

async function carebookResults(browser, srv) {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(`${srv.url}/search.html`);
  await page.evaluate(async () => {
    const S = window.carebookSearch;
    const m = await S.loadMeta();
    for (let i = 0; i < m.shards; i++) await S.loader(`t/${i}.js`, `t${i}`);
  });
  const out = {};
  for (const q of QUERIES) {
    out[q] = (await page.evaluate(async (q) => {
      const S = window.carebookSearch;
      // every hit, not only the top that a page shows first
      const res = await S.search(q, {}, 1e9);
      const shown = await S.display(res.hits.map((h) => h.doc));
      return shown.map((d) => d.url);
    }, q)).map(norm);
  }
  await ctx.close();
  return out;
}

/** Whether the query renders on a fresh search page (query in its URL). */
async function carebookFresh(browser, srv, q) {
  const ctx = await browser.newContext();
  await ctx.addInitScript(INIT_SCRIPT);
  const page = await ctx.newPage();
  await page.goto(`${srv.url}/search.html?q=${encodeURIComponent(q)}`);
  const ok = await waitDone(page, 5000);
  await ctx.close();
  return ok;
}

async function pagefindResults(browser, srv) {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(`${srv.url}/pagefind_bench.html`);
  const out = {};
  for (const q of QUERIES) {
    out[q] = (await page.evaluate(async (q) => {
      const pf = await window.benchPagefind();
      const s = await pf.search(q);
      const data = await Promise.all(s.results.map((r) => r.data()));
      return data.map((d) => d.url);
    }, q)).map(norm);
  }
  await ctx.close();
  return out;
}

const browser = await launch();
const cbSrv = await serve(a.carebook);
const pfSrv = await serve(a.pagefind);
const results = { carebook: await carebookResults(browser, cbSrv), pagefind: await pagefindResults(browser, pfSrv) };
const fresh = {};
for (const q of QUERIES) fresh[q] = await carebookFresh(browser, cbSrv, q);
await browser.close();
await cbSrv.close();
await pfSrv.close();

const rows = CASES.map((c) => ({
  group: c.group, query: c.label || c.q, meaning: c.meaning,
  carebook: { ...c.check(results.carebook), rendersFresh: fresh[c.q] },
  pagefind: c.check(results.pagefind),
}));
fs.writeFileSync(a.out, JSON.stringify({ records: records.length, phone, rows, results }, null, 1));
for (const r of rows) {
  process.stderr.write(`  ${r.query}: carebook ${r.carebook.pass ? 'pass' : 'FAIL'} (${r.carebook.note}${r.carebook.rendersFresh ? '' : ', never renders on a fresh page'}), pagefind ${r.pagefind.pass ? 'pass' : 'FAIL'} (${r.pagefind.note})\n`);
}
