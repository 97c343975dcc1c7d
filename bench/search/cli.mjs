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

// The processes are started by spawn_times.py: Node's own spawnSync adds
// about 1.5 ms to every invocation, more than a search takes.
const runner = new URL('./spawn_times.py', import.meta.url).pathname;
function times(commands) {
  const r = spawnSync('python3', [runner], {
    input: JSON.stringify(commands),
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  if (r.status !== 0) throw new Error(`spawn_times.py failed: ${r.stderr}`);
  const out = JSON.parse(r.stdout);
  for (const [i, x] of out.entries()) {
    if (x.status !== 0) throw new Error(`${commands[i].join(' ')} failed: ${x.stderr}`);
  }
  return out;
}

const queries = cliMix(COUNT);
const commands = queries.map((x) => [a.carebook, ...argv(x)]);
// warm-up: every query once, untimed
times(commands);

const runs = times(commands);
const searchTimes = runs.map((x) => x.ms);
let results = 0;
let empty = 0;
for (const x of runs) {
  const n = JSON.parse(x.stdout).length;
  results += n;
  if (!n) empty++;
}
const baseline = (argv0) => summary(times(Array.from({ length: 200 }, () => argv0)).map((x) => x.ms));
const out = {
  count: COUNT,
  harness: 'python3 subprocess.run (bench/search/spawn_times.py)',
  search: summary(searchTimes),
  oneWord: summary(searchTimes.filter((_, i) => queries[i].words.length === 1)),
  twoWords: summary(searchTimes.filter((_, i) => queries[i].words.length === 2)),
  filtered: summary(searchTimes.filter((_, i) => Object.keys(queries[i].filters).length)),
  unfiltered: summary(searchTimes.filter((_, i) => !Object.keys(queries[i].filters).length)),
  meanResults: results / COUNT,
  emptyResults: empty,
  binTrue: baseline(['/bin/true']),
  version: baseline([a.carebook, '--version']),
  example: `${a.carebook} ${argv(queries[0]).join(' ')}`,
};
fs.writeFileSync(a.out, JSON.stringify(out, null, 1));
process.stderr.write(`  carebook search: median ${out.search.median.toFixed(2)} ms, p99 ${out.search.p99.toFixed(2)} ms over ${COUNT} (bin/true median ${out.binTrue.median.toFixed(2)} ms)\n`);
