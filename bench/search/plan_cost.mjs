// What widening a query costs in the browser (issue 21): for each query,
// in a fresh copy of the site's own static/search.js run by Node over the
// built search/ files (cold: nothing loaded yet), the bytes of index files
// read for the first page of results
//   - by the engine alone (search(): the words as typed, no plan),
//   - by the page's search (find(): synonyms, readings, a named type first),
//   - and for snippets: the text chunks (search/x/) of the shown results
//     whose row does not show a word of the query, as page.js loads them.
// Prints one JSON object per line; bench/search_plan.sh makes the table.
//
//   node bench/search/plan_cost.mjs SITE_DIR
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { PLAIN, FILTERED } from './queries.mjs';

const site = path.resolve(process.argv[2]);
const code = fs.readFileSync(path.join(site, 'static', 'search.js'), 'utf8');
// Everyday words and readings (the default [search.synonyms] of `carebook init`).
const EVERYDAY = ['訪看', 'ケアマネ', '歯医者', '在宅医', '包括', '調剤薬局', '床ずれ', '訪看 看取り', 'ケアマネ 中道'].map((q) => ({ q, filters: {} }));

/** A fresh engine whose loader counts bytes per directory of search/. */
function engine() {
  const bytes = {};
  const ctx = { console };
  ctx.globalThis = ctx;
  ctx.carebookSearch = {
    base: path.join(site, 'search') + path.sep,
    loader(p) {
      const text = fs.readFileSync(path.join(site, 'search', p), 'utf8');
      const dir = p.includes('/') ? p.split('/')[0] : p;
      bytes[dir] = (bytes[dir] || 0) + Buffer.byteLength(text);
      vm.runInContext(text, ctx, { filename: p });
      return Promise.resolve();
    },
  };
  vm.createContext(ctx);
  vm.runInContext(code, ctx, { filename: 'search.js' });
  return { S: ctx.carebookSearch, bytes };
}
const sum = (b, skip = []) => Object.entries(b).filter(([k]) => !skip.includes(k)).reduce((s, [, v]) => s + v, 0);

for (const [kind, list] of [['plain', PLAIN], ['filtered', FILTERED], ['everyday', EVERYDAY]]) {
  for (const x of list) {
    const a = engine();
    let t = process.hrtime.bigint();
    const r1 = await a.S.search(x.q, x.filters, 10);
    await a.S.display(r1.hits.slice(0, 10).map((h) => h.doc));
    const msEngine = Number(process.hrtime.bigint() - t) / 1e6;
    const b = engine();
    t = process.hrtime.bigint();
    const r2 = await b.S.find(x.q, x.filters, 10);
    const rows = await b.S.display(r2.hits.slice(0, 10).map((h) => h.doc));
    const msFind = Number(process.hrtime.bigint() - t) / 1e6;
    const planned = sum(b.bytes);
    // Snippets: rows that show none of the words (page.js's rule, by folded text).
    const words = r2.words.map((w) => b.S.fold(w));
    const shows = (d) => [d.name, d.address, ...d.caps].some((s) => words.some((w) => b.S.fold(s).includes(w)));
    const need = rows.filter((d) => !shows(d)).map((d) => d.doc);
    if (need.length) await b.S.loadTexts(need);
    console.log(JSON.stringify({
      kind, q: x.q, filters: x.filters,
      engine: sum(a.bytes), planned, snippets: sum(b.bytes) - planned,
      results: [r1.total ?? r1.found ?? r1.hits.length, r2.total ?? r2.found ?? r2.hits.length], shown: Math.min(10, r2.hits.length), snippetRows: need.length,
      alternatives: r2.alternatives.length, msEngine, msFind,
    }));
  }
}
