// The search code's own CPU time, without a browser: each search.js
// variant runs in Node over one built site's index (files read from memory,
// so no loading is timed), for the benchmark's 60 queries. For each query a
// fresh copy of the code types it as the page does (every prefix searched
// and displayed in turn, after the filters' own list), then the last
// search and the display of its top 10 are timed. Prints the median over
// --reps per query, the slowest queries and the sum over all 60.
//
//   node bench/search/cpu.mjs --site DIR [--reps 5] NAME=SEARCH_JS...
//
// e.g. the committed search.js against a working copy, on a 100,000-facility
// site built by bench/search.sh:
//
//   cp public/static/search.js /tmp/head.js   # as built at HEAD
//   node bench/search/cpu.mjs --site bench/work/100000/public head=/tmp/head.js new=public/static/search.js   # built from the working copy
//
// Variants take turns per repetition, so that the machine's noise falls on
// each alike. A fresh copy per query starts with cold code, as a fresh page.
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { args, median } from './lib.mjs';
import { PLAIN, FILTERED, label } from './queries.mjs';

const a = args(process.argv.slice(2).filter((s) => !/^[^-][^=]*=/.test(s)));
const variants = process.argv.slice(2).filter((s) => /^[^-][^=]*=/.test(s)).map((s) => s.split(/=(.*)/s));
if (!a.site || !variants.length) {
  console.error('usage: node cpu.mjs --site DIR [--reps N] NAME=SEARCH_JS...');
  process.exit(2);
}
const REPS = Number(a.reps || 5);
const files = new Map();
function read(p) {
  let body = files.get(p);
  if (body === undefined) {
    body = fs.readFileSync(path.join(a.site, 'search', p), 'utf8');
    files.set(p, body);
  }
  return body;
}

const queries = [...PLAIN, ...FILTERED];
const times = variants.map(() => new Map());
// Repetition 0 is not counted: it reads the index files into memory, which
// would otherwise fall on the first variant's timed searches.
for (let rep = 0; rep <= REPS; rep++) {
  process.stderr.write(rep ? `  repetition ${rep} of ${REPS}\n` : '  reading the files\n');
  for (const [vi, [, js]] of variants.entries()) {
    const code = fs.readFileSync(js, 'utf8');
    for (const x of queries) {
      globalThis.carebookSearch = {
        base: '',
        loader: (p) => {
          vm.runInThisContext(read(p));
          return Promise.resolve();
        },
      };
      vm.runInThisContext(code);
      const S = globalThis.carebookSearch;
      await S.loadMeta();
      const show = (r) => (r.hits ? S.display(r.hits.slice(0, 10).map((h) => h.doc)) : null);
      if (Object.keys(x.filters).length) await show(await S.search('', x.filters, 10));
      const chars = [...x.q];
      for (let i = 1; i < chars.length; i++) await show(await S.search(chars.slice(0, i).join(''), x.filters, 10));
      const t0 = performance.now();
      await show(await S.search(x.q, x.filters, 10));
      const ms = performance.now() - t0;
      if (!rep) continue;
      const mine = times[vi];
      if (!mine.has(label(x))) mine.set(label(x), []);
      mine.get(label(x)).push(ms);
    }
  }
}

const names = variants.map(([n]) => n);
const per = queries.map((x) => [label(x), ...times.map((t) => median(t.get(label(x))))]);
per.sort((x, y) => y[1] - x[1]);
const fmt = (v) => `${v.toFixed(1)} ms`;
console.log(`60 queries, median of ${REPS} per query: JS time of the last search and its display (Node ${process.version})`);
console.log(`| query | ${names.join(' | ')} |`);
console.log(`|---|${names.map(() => '---:').join('|')}|`);
for (const row of per.slice(0, 10)) console.log(`| \`${row[0]}\` | ${row.slice(1).map(fmt).join(' | ')} |`);
const sum = (i) => per.reduce((s, row) => s + row[i + 1], 0);
console.log(`| all 60, sum | ${names.map((_, i) => fmt(sum(i))).join(' | ')} |`);
