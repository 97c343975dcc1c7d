// A static file server on loopback that logs every response: path, status
// and body bytes. The benchmark reads the log to know what the browser
// downloaded for a query. No compression, no caching headers: the browser
// gets each file as it is on disk, once per fresh context.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.xml': 'application/xml',
  '.txt': 'text/plain; charset=utf-8',
};

/** Serves `root` on 127.0.0.1 (a free port). Resolves to { url, log, reset(), close() }. */
export function serve(root) {
  const log = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    let rel = decodeURIComponent(url.pathname);
    if (rel.endsWith('/')) rel += 'index.html';
    const file = path.join(root, path.normalize(rel).replace(/^(\.\.[/\\])+/, ''));
    fs.readFile(file, (err, body) => {
      if (err) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not found');
        log.push({ path: rel, status: 404, bytes: 9, file: null });
        return;
      }
      res.writeHead(200, {
        'content-type': TYPES[path.extname(file)] || 'application/octet-stream',
        'content-length': body.length,
      });
      res.end(body);
      log.push({ path: rel, status: 200, bytes: body.length, file });
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({
        url: `http://127.0.0.1:${port}`,
        log,
        reset() { log.length = 0; },
        close() { return new Promise((r) => server.close(r)); },
      });
    });
  });
}

const gzCache = new Map();
/**
 * What the file would weigh gzip-compressed (level 6, as web servers
 * usually send it), or its own size if gzip does not make it smaller
 * (Pagefind's index files are already gzip data on disk).
 */
export function gzipBytes(file) {
  let n = gzCache.get(file);
  if (n === undefined) {
    const body = fs.readFileSync(file);
    n = Math.min(body.length, zlib.gzipSync(body, { level: 6 }).length);
    gzCache.set(file, n);
  }
  return n;
}
