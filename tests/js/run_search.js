// Runs the site's own search.js under Node over a list of queries and prints
// the top ten records of each as "kind:id", for comparison with
// `carebook search --json`. Usage: node run_search.js SITE_DIR QUERIES.json
'use strict';
const fs = require('fs');
const path = require('path');
const vm = require('vm');

const [site, queriesFile] = process.argv.slice(2);
globalThis.carebookSearch = {
  base: path.join(site, 'search') + path.sep,
  loader(p) {
    vm.runInThisContext(fs.readFileSync(path.join(site, 'search', p), 'utf8'), { filename: p });
    return Promise.resolve();
  },
};
vm.runInThisContext(fs.readFileSync(path.join(site, 'static', 'search.js'), 'utf8'), { filename: 'search.js' });
const S = globalThis.carebookSearch;
const queries = JSON.parse(fs.readFileSync(queriesFile, 'utf8'));

(async () => {
  const out = [];
  for (const q of queries) {
    const res = await S.search(q.q, q.filters);
    const top = res.hits.slice(0, 10);
    const shown = await S.display(top.map((h) => h.doc));
    out.push(shown.map((d) => `${d.kind}:${d.id}`));
  }
  process.stdout.write(JSON.stringify(out));
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
