// Shared by the browser tests (tests/browser/check-site.js) and the PDF printer (tools/print-pdf.js):
// a static file server on 127.0.0.1 (random free port) that counts the bytes it sends, and headless
// Chromium from Debian (/usr/bin/chromium) driven by playwright-core. No browser is downloaded.
'use strict';

const fs = require('fs');
const http = require('http');
const path = require('path');
const zlib = require('zlib');

const CHROMIUM = process.env.MKB_CHROMIUM || '/usr/bin/chromium';
const LAUNCH_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.jpg': 'image/jpeg',
  '.gif': 'image/gif', '.ico': 'image/x-icon', '.woff': 'font/woff', '.woff2': 'font/woff2', '.ttf': 'font/ttf',
  '.csv': 'text/csv; charset=utf-8', '.txt': 'text/plain; charset=utf-8', '.map': 'application/json',
  '.pdf': 'application/pdf', '.zip': 'application/zip', '.ipynb': 'application/json', '.md': 'text/markdown',
  '.inv': 'application/octet-stream',
};

function requireModule(name) {
  // node_modules lives at the repository root (npm ci); resolve from there whatever the cwd.
  const root = path.resolve(__dirname, '..');
  try {
    return require(require.resolve(name, { paths: [root] }));
  } catch (err) {
    throw new Error(`npm package ${name} is missing: run \`npm ci\` in ${root} (make test-browser does)`);
  }
}

async function launch() {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: apt-get install -y chromium (or set MKB_CHROMIUM)`);
  }
  const { chromium } = requireModule('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
}

// Text is sent gzip-compressed to a browser that asks for it, as web servers (GitHub Pages, a
// government CMS) do; fonts and images are compressed already.
const COMPRESSIBLE = /^(text\/|application\/(json|javascript)|image\/svg)/;

// Serve `root` on 127.0.0.1. stats.bytes counts what went over the wire (headers + bodies) since
// the last reset, stats.rawBytes the same files uncompressed.
function serve(root) {
  root = path.resolve(root);
  const stats = { bytes: 0, rawBytes: 0, requests: [] };
  const gzipped = new Map();
  const server = http.createServer((req, res) => {
    let rel;
    try {
      rel = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch (err) {
      res.writeHead(400).end();
      return;
    }
    let file = path.join(root, rel);
    if (file !== root && !file.startsWith(root + path.sep)) {
      res.writeHead(403).end();
      return;
    }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      stats.requests.push({ url: req.url, status: 404, bytes: 0 });
      return;
    }
    const body = fs.readFileSync(file);
    const type = TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream';
    const headers = { 'Content-Type': type, 'Cache-Control': 'no-store' };
    let payload = body;
    if (COMPRESSIBLE.test(type) && /\bgzip\b/.test(req.headers['accept-encoding'] || '')) {
      if (!gzipped.has(file)) gzipped.set(file, zlib.gzipSync(body, { level: 6 }));
      payload = gzipped.get(file);
      headers['Content-Encoding'] = 'gzip';
      headers.Vary = 'Accept-Encoding';
    }
    headers['Content-Length'] = payload.length;
    res.writeHead(200, headers);
    res.end(payload);
    const headerBytes = Object.entries(headers).reduce((n, [k, v]) => n + k.length + String(v).length + 4, 17);
    stats.bytes += payload.length + headerBytes;
    stats.rawBytes += body.length;
    stats.requests.push({ url: req.url, status: 200, bytes: payload.length, rawBytes: body.length, type });
  });
  return new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const origin = `http://127.0.0.1:${server.address().port}`;
      resolve({
        server, origin, stats,
        reset() { stats.bytes = 0; stats.rawBytes = 0; stats.requests = []; },
        close() { return new Promise((done) => server.close(done)); },
      });
    });
  });
}

// Let through requests to `allowed(url)`; abort and record every other one.
async function blockOthers(context, allowed, record) {
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (allowed(url)) return route.continue();
    record(url);
    return route.abort('blockedbyclient');
  });
}

module.exports = { CHROMIUM, LAUNCH_ARGS, launch, serve, blockOthers, requireModule };
