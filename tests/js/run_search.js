// Runs the site's own search.js under Node over a list of queries and prints
// for each its top k (default 10) records as "kind:id" and its total (null
// when only the top was read), for comparison with `carebook search --json`,
// and how many index files of each kind (b, r, q, h, ...) it loaded; a
// trigram's blocks, which carry positions, count as bp; and the paths of
// the postings files (b, r, q) it loaded.
// Usage: node run_search.js SITE_DIR QUERIES.json
'use strict';
const fs = require('fs');
const path = require('path');
const vm = require('vm');

const [site, queriesFile] = process.argv.slice(2);
let loads = {};
let paths = [];
globalThis.carebookSearch = {
  base: path.join(site, 'search') + path.sep,
  loader(p) {
    const text = fs.readFileSync(path.join(site, 'search', p), 'utf8');
    // (CALL("ID-I","postings","positions"): three strings)
    const kind = p.split('/')[0] + (/^carebookSearch\.\w+\("[^"]*","[^"]*","/.test(text) ? 'p' : '');
    loads[kind] = (loads[kind] || 0) + 1;
    if (/^[brq]\//.test(p)) paths.push(p);
    vm.runInThisContext(text, { filename: p });
    return Promise.resolve();
  },
};
vm.runInThisContext(fs.readFileSync(path.join(site, 'static', 'search.js'), 'utf8'), { filename: 'search.js' });
const S = globalThis.carebookSearch;
const queries = JSON.parse(fs.readFileSync(queriesFile, 'utf8'));

(async () => {
  const out = [];
  for (const q of queries) {
    // The top k: the first search settles at least k, as the page's first
    // page does; more(k) reads on, as its "show more" button does.
    const k = q.k || 10;
    loads = {};
    paths = [];
    let res = await S.find(q.q, q.filters, Math.min(k, 20));
    if (res.hits.length < k && res.total == null) res = await res.more(k);
    const top = res.hits.slice(0, k);
    // As the page does after showing them: the count, when it is cheap.
    if (res.total == null) res = await res.count();
    const shown = await S.display(top.map((h) => h.doc));
    out.push({ top: shown.map((d) => `${d.kind}:${d.id}`), total: res.total, loads, paths });
  }
  process.stdout.write(JSON.stringify(out));
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
