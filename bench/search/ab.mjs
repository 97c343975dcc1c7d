// Interleaved A/B of search.js variants on one built site, or of built sites
// (index formats of different carebook binaries): the benchmark's
// 60 queries typed (cold keypress → results, as browser.mjs measures it),
// each query once per variant in turn, in rounds that alternate the order,
// so that the machine's noise falls on every variant alike.
//
//   node bench/search/ab.mjs --site DIR [--rounds 3] [--delay 80] NAME=SEARCH_JS...
//   node bench/search/ab.mjs [--rounds 3] [--delay 80] NAME=SITE_DIR...
//   (--json FILE also writes every query's times per variant)
//
// e.g. the committed search.js against a working copy, on a 100,000-facility
// site built by bench/search.sh:
//
//   cp public/static/search.js /tmp/head.js   # as built at HEAD
//   node bench/search/ab.mjs --site bench/work/100000/public head=/tmp/head.js new=public/static/search.js   # built from the working copy
//
// Each search.js variant is a copy of the site made of symbolic links but
// for static/search.js, in a temporary directory; a site variant (a built
// site's directory, e.g. of another carebook binary with another index
// format) is served as it is.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve } from './server.mjs';
import { launch, args, median, quantile, openForTyping, typeAndTime } from './lib.mjs';
import { PLAIN, FILTERED, label } from './queries.mjs';

const a = args(process.argv.slice(2).filter((s) => !/^[^-][^=]*=/.test(s)));
const variants = process.argv.slice(2).filter((s) => /^[^-][^=]*=/.test(s)).map((s) => s.split(/=(.*)/s));
// A variant is a search.js run on --site, or a whole built site (to compare
// index formats: each site has its own search.js).
const isSite = (p) => fs.statSync(p).isDirectory();
if (variants.length < 2 || (!a.site && !variants.every(([, p]) => isSite(p)))) {
  console.error('usage: node ab.mjs [--site DIR] [--rounds N] [--delay MS] NAME=SEARCH_JS|SITE_DIR NAME=SEARCH_JS|SITE_DIR...');
  process.exit(2);
}
const ROUNDS = Number(a.rounds || 3), DELAY = Number(a.delay || 80);
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'carebook-ab-'));
for (const [name, given] of variants) {
  const dir = path.join(root, name);
  if (isSite(given)) {
    fs.symlinkSync(path.resolve(given), dir);
    continue;
  }
  const site = path.resolve(a.site);
  fs.mkdirSync(path.join(dir, 'static'), { recursive: true });
  for (const e of fs.readdirSync(site)) if (e !== 'static') fs.symlinkSync(path.join(site, e), path.join(dir, e));
  for (const e of fs.readdirSync(path.join(site, 'static'))) {
    if (e !== 'search.js') fs.symlinkSync(path.join(site, 'static', e), path.join(dir, 'static', e));
  }
  fs.copyFileSync(given, path.join(dir, 'static', 'search.js'));
}

const srv = await serve(root);
const browser = await launch();
const times = Object.fromEntries(variants.map(([n]) => [n, new Map()]));
const queries = [...PLAIN, ...FILTERED];
for (let r = 0; r < ROUNDS; r++) {
  process.stderr.write(`  round ${r + 1} of ${ROUNDS}\n`);
  for (const x of queries) {
    const order = r % 2 ? [...variants].reverse() : variants;
    for (const [name] of order) {
      const { ctx, page } = await openForTyping(browser, `${srv.url}/${name}/search.html`, 'carebook', x);
      const t = await typeAndTime(page, x.q, DELAY);
      await ctx.close();
      const m = times[name];
      m.set(label(x), [...(m.get(label(x)) || []), t === null ? Infinity : t]);
    }
  }
}
await browser.close();
await srv.close();
fs.rmSync(root, { recursive: true });

if (a.json) {
  const out = Object.fromEntries(variants.map(([n]) => [n, Object.fromEntries(times[n])]));
  fs.writeFileSync(a.json, JSON.stringify(out, (k, v) => (v === Infinity ? null : v), 1));
}
const ms = (v) => `${v.toFixed(1)} ms`;
console.log(`${queries.length} queries × ${ROUNDS} rounds, ${DELAY} ms between keys, cold keypress → results`);
console.log('| variant | median | p95 | over 50 ms | p95 of per-query medians | queries whose median is over 50 ms |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const [name] of variants) {
  const all = [...times[name].values()].flat();
  const per = [...times[name].values()].map(median);
  console.log(`| ${name} | ${ms(median(all))} | ${ms(quantile(all, 0.95))} | ${all.filter((t) => t > 50).length} of ${all.length} | ${ms(quantile(per, 0.95))} | ${per.filter((t) => t > 50).length} of ${per.length} |`);
}
