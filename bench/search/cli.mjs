// `carebook search` latency: wall time of whole invocations (process start,
// opening the index, the search, JSON output, exit), over a deterministic
// mix of queries, after one warm-up pass so that the index files are in the
// page cache. For scale, the same harness also times /bin/true and
// `carebook --version` (the cost of starting any process, and this binary).
//
// node cli.mjs --carebook BIN --index DIR --count 1000 --out FILE
import fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import { cliMix } from './queries.mjs';
import { summary, args } from './lib.mjs';

const a = args(process.argv.slice(2));
const COUNT = Number(a.count || 1000);

function argv(x) {
  const v = ['search', ...x.words];
  for (const k of ['type', 'area', 'cap']) for (const val of x.filters[k] || []) v.push(`--${k}`, val);
  v.push('--json', '--index', a.index);
  return v;
}

function time(cmd, args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 24 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return { ms, stdout: r.stdout };
}

const queries = cliMix(COUNT);
// warm-up: every query once, untimed
for (const x of queries) time(a.carebook, argv(x));

const times = [];
let results = 0;
let empty = 0;
for (const x of queries) {
  const { ms, stdout } = time(a.carebook, argv(x));
  times.push(ms);
  const n = JSON.parse(stdout).length;
  results += n;
  if (!n) empty++;
}
const baseline = (cmd, args) => summary(Array.from({ length: 200 }, () => time(cmd, args).ms));
const out = {
  count: COUNT,
  search: summary(times),
  oneWord: summary(times.filter((_, i) => queries[i].words.length === 1)),
  twoWords: summary(times.filter((_, i) => queries[i].words.length === 2)),
  filtered: summary(times.filter((_, i) => Object.keys(queries[i].filters).length)),
  unfiltered: summary(times.filter((_, i) => !Object.keys(queries[i].filters).length)),
  meanResults: results / COUNT,
  emptyResults: empty,
  binTrue: baseline('/bin/true', []),
  version: baseline(a.carebook, ['--version']),
  example: `${a.carebook} ${argv(queries[0]).join(' ')}`,
};
fs.writeFileSync(a.out, JSON.stringify(out, null, 1));
process.stderr.write(`  carebook search: median ${out.search.median.toFixed(2)} ms, p99 ${out.search.p99.toFixed(2)} ms over ${COUNT} (bin/true median ${out.binTrue.median.toFixed(2)} ms)\n`);
