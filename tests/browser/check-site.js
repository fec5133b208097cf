#!/usr/bin/env node
// Opens EVERY page of the built site in headless Chromium and writes what it saw to a JSON report;
// tests/test_browser.py turns the report into pytest tests (one per page and check).
//
//   node tests/browser/check-site.js --site DIR --report FILE --weights FILE --screenshots DIR
//
// Per page: served from 127.0.0.1 with every other request blocked and recorded; console errors,
// failed requests, charts (.mkb-chart) rendered, accessibility tree of the charts, links to local
// files and anchors, figures and tables followed by a source line and a CSV download, axe-core in
// light and in dark mode, a phone-width reflow check, screenshots, and the bytes transferred.
// Then each page once more from the folder (file://), as a reader who saved the site would open it.
// The script exits 0 when it could look at every page; judging is left to pytest.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { launch, serve, blockOthers, requireModule } = require('../../tools/browser');

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];
const CHART_TIMEOUT = 30000;

function args() {
  const out = {};
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) out[argv[i].replace(/^--/, '')] = argv[i + 1];
  for (const key of ['site', 'report', 'weights', 'screenshots']) {
    if (!out[key]) throw new Error(`missing --${key}`);
  }
  return out;
}

// Every HTML page of the site; Sphinx's own folders (_static, _sources, _downloads, _images) hold no pages.
function discoverPages(site) {
  const pages = [];
  (function walk(dir) {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('_') || entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.html')) pages.push(path.relative(site, full).split(path.sep).join('/'));
    }
  })(site);
  return pages.sort();
}

function redirectTarget(html) {
  const m = html.match(/<meta\s+http-equiv="refresh"\s+content="\d+;\s*url=([^"]+)"/i);
  return m ? m[1] : null;
}

const idCache = new Map();
function idsOfFile(file) {
  if (!idCache.has(file)) {
    const html = fs.readFileSync(file, 'utf8');
    const ids = new Set();
    for (const m of html.matchAll(/\s(?:id|name)="([^"]+)"/g)) ids.add(m[1]);
    idCache.set(file, ids);
  }
  return idCache.get(file);
}

// Does a link to this site resolve to a file (and anchor) of the site? Returns an error text or null.
function checkLocalLink(site, pageRel, url, pageIds) {
  let pathname = decodeURIComponent(url.pathname);
  if (pathname.endsWith('/')) pathname += 'index.html';
  const file = path.join(site, pathname);
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) return `missing file ${pathname}`;
  const anchor = url.hash && url.hash !== '#' ? decodeURIComponent(url.hash.slice(1)) : null;
  if (!anchor || !file.endsWith('.html')) return null;
  const samePage = path.relative(site, file).split(path.sep).join('/') === pageRel;
  const ids = samePage ? pageIds : idsOfFile(file);
  return ids.has(anchor) ? null : `missing anchor #${anchor} in ${pathname}`;
}

function newRecorder() {
  return { external: [], consoleErrors: [], failedRequests: [] };
}

function listen(page, rec) {
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const where = msg.location() && msg.location().url;
    // the blocked request is reported (better) under `external`
    if (/ERR_BLOCKED_BY_CLIENT/.test(msg.text()) || (where && rec.external.includes(where))) return;
    rec.consoleErrors.push(msg.text() + (where ? ` (${where})` : ''));
  });
  page.on('pageerror', (err) => rec.consoleErrors.push(`uncaught: ${err.message}`));
  page.on('requestfailed', (req) => {
    if (rec.external.includes(req.url())) return;
    rec.failedRequests.push(`${req.url()}: ${req.failure() ? req.failure().errorText : 'failed'}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400) rec.failedRequests.push(`${res.url()}: HTTP ${res.status()}`);
  });
  page.on('websocket', (ws) => rec.external.push(ws.url()));
}

async function waitForCharts(page) {
  try {
    await page.waitForFunction(() => [...document.querySelectorAll('.mkb-chart')]
      .every((c) => c.querySelector('svg, canvas')), null, { timeout: CHART_TIMEOUT });
  } catch (err) { /* reported by the chart check */ }
}

async function settle(page) {
  await page.waitForLoadState('networkidle').catch(() => {});
  await page.evaluate(() => document.fonts.ready.then(() => true));
  await waitForCharts(page);
}

// What the page shows of its charts (run in the page).
function chartFacts() {
  return [...document.querySelectorAll('.mkb-chart')].map((chart) => {
    const svg = chart.querySelector('svg');
    const canvas = chart.querySelector('canvas');
    const box = (svg || canvas || chart).getBoundingClientRect();
    return {
      id: chart.id,
      role: chart.getAttribute('role'),
      label: chart.getAttribute('aria-label') || '',
      svg: !!svg,
      canvas: !!canvas,
      marks: svg ? svg.querySelectorAll('.role-mark > *').length : (canvas ? canvas.width * canvas.height : 0),
      width: Math.round(box.width),
      height: Math.round(box.height),
      title: svg ? [...svg.querySelectorAll('.role-title-text text')].map((t) => t.textContent).join(' ').trim() : '',
      background: getComputedStyle(chart).backgroundColor,
      // the colours the chart is drawn in: the same in light and dark mode when the theme leaves charts alone
      colours: svg ? [...new Set([...svg.querySelectorAll('text, path, rect, line, circle')]
        .map((el) => `${getComputedStyle(el).fill}|${getComputedStyle(el).stroke}`))].sort() : [],
      svgAriaHidden: svg ? svg.getAttribute('aria-hidden') : null,
      focusable: chart.querySelectorAll('a[href], button, input, [tabindex]:not([tabindex="-1"])').length,
    };
  });
}

// Links, ids, language, and whether every figure and captioned table is followed by its source
// line and a CSV download before the next figure or table (run in the page).
function pageFacts() {
  const FOLLOWING = Node.DOCUMENT_POSITION_FOLLOWING;
  const after = (a, b) => !!(a.compareDocumentPosition(b) & FOLLOWING) && !a.contains(b);
  const links = [];
  for (const el of document.querySelectorAll('a[href], link[href], script[src], img[src], source[src], iframe[src]')) {
    const attr = el.hasAttribute('href') ? 'href' : 'src';
    links.push({ tag: el.tagName.toLowerCase(), raw: el.getAttribute(attr), url: el[attr] });
  }
  const ids = [...document.querySelectorAll('[id]')].map((e) => e.id)
    .concat([...document.querySelectorAll('a[name]')].map((e) => e.getAttribute('name')));
  const items = [...document.querySelectorAll('.mkb-chart, table')]
    .filter((e) => e.matches('.mkb-chart') || e.querySelector(':scope > caption'));
  const downloads = [...document.querySelectorAll('a.download, a[download]')];
  const sources = [...document.querySelectorAll('p')].filter((p) => /^Bron:/.test(p.textContent.trim()));
  const figures = items.map((item, i) => {
    const next = items[i + 1];
    const name = item.matches('.mkb-chart') ? `chart ${item.id}`
      : `table "${item.querySelector('caption').textContent.trim().slice(0, 80)}"`;
    const link = downloads.find((a) => after(item, a));
    const linkOk = !!link && (!next || after(link, next));
    const source = sources.find((p) => after(item, p) && (!link || after(p, link)));
    return {
      name,
      download: linkOk ? link.getAttribute('href') : null,
      downloadText: linkOk ? link.textContent.trim() : null,
      source: source && (!next || after(source, next)) ? source.textContent.trim().slice(0, 120) : null,
    };
  });
  return {
    lang: document.documentElement.getAttribute('lang'),
    title: document.title,
    theme: document.documentElement.dataset.theme || null,
    links, ids, figures,
  };
}

// The chart containers as a screen reader sees them: one image named by its text alternative,
// nothing exposed inside it.
async function chartAccessibility(context, page, charts) {
  if (!charts.length) return [];
  const cdp = await context.newCDPSession(page);
  await cdp.send('Accessibility.enable');
  const { nodes } = await cdp.send('Accessibility.getFullAXTree');
  const byId = new Map(nodes.map((n) => [n.nodeId, n]));
  const out = [];
  for (const chart of charts) {
    const { root } = await cdp.send('DOM.getDocument', { depth: 0 });
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector: `#${chart.id}` });
    const { node } = await cdp.send('DOM.describeNode', { nodeId });
    const ax = nodes.find((n) => n.backendDOMNodeId === node.backendNodeId);
    const exposed = [];
    const walk = (n) => {
      for (const childId of n.childIds || []) {
        const child = byId.get(childId);
        if (!child) continue;
        if (!child.ignored) exposed.push(`${child.role && child.role.value}:${child.name ? child.name.value : ''}`);
        walk(child);
      }
    };
    if (ax) walk(ax);
    out.push({
      id: chart.id,
      role: ax && ax.role ? ax.role.value : null,
      name: ax && ax.name ? ax.name.value : null,
      ignored: ax ? !!ax.ignored : null,
      exposedInside: exposed.filter((e) => !/^(none|generic|InlineTextBox|StaticText):/.test(e)).slice(0, 10),
    });
  }
  await cdp.detach();
  return out;
}

async function runAxe(page) {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js', { paths: [path.resolve(__dirname, '../..')] }) });
  const result = await page.evaluate(async (tags) => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl, tags: v.tags,
      nodes: v.nodes.length,
      examples: v.nodes.slice(0, 3).map((n) => ({ target: n.target.join(' '), html: n.html.slice(0, 200), summary: n.failureSummary })),
    }));
  }, AXE_TAGS);
  return result;
}

function shotPath(dir, rel, suffix) {
  const file = path.join(dir, rel.replace(/\.html$/, '') + suffix + '.png');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  return file;
}

function kindOf(type) {
  if (!type) return 'other';
  if (type.startsWith('text/html')) return 'html';
  if (type.includes('javascript')) return 'script';
  if (type.startsWith('text/css')) return 'css';
  if (type.startsWith('font/')) return 'font';
  if (type.startsWith('image/')) return 'image';
  return 'data';
}

async function checkOverHttp(browser, srv, site, rel, opts) {
  const url = `${srv.origin}/${rel}`;
  const allowed = (u) => u.startsWith(srv.origin + '/') || u.startsWith('data:') || u.startsWith('blob:');
  const result = { url };

  // 1. Desktop, light mode (the default): everything but dark mode and phone width.
  {
    const rec = newRecorder();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'nl-NL', serviceWorkers: 'block' });
    await blockOthers(context, allowed, (u) => rec.external.push(u));
    const page = await context.newPage();
    listen(page, rec);
    srv.reset();
    const started = Date.now();
    await page.goto(url, { waitUntil: 'load', timeout: 60000 });
    await settle(page);
    result.loadMs = Date.now() - started;
    const requests = srv.stats.requests.slice();
    const byKind = {};
    for (const r of requests) byKind[kindOf(r.type)] = (byKind[kindOf(r.type)] || 0) + r.bytes;
    result.weight = { bytes: srv.stats.bytes, uncompressedBytes: srv.stats.rawBytes, requests: requests.length, byKind,
      files: requests.map((r) => ({ url: r.url.split('?')[0], bytes: r.bytes, uncompressed: r.rawBytes })) };
    result.charts = await page.evaluate(chartFacts);
    result.chartAccessibility = await chartAccessibility(context, page, result.charts);
    const facts = await page.evaluate(pageFacts);
    const pageIds = new Set(facts.ids);
    result.lang = facts.lang;
    result.title = facts.title;
    result.figures = facts.figures;
    result.brokenLinks = [];
    result.linksChecked = 0;
    result.externalLinks = 0;
    for (const link of facts.links) {
      let u;
      try { u = new URL(link.url); } catch (e) { result.brokenLinks.push(`${link.tag} ${link.raw}: not a URL`); continue; }
      if (u.origin !== srv.origin) {
        if (/^https?:$/.test(u.protocol)) result.externalLinks += 1;
        continue;
      }
      result.linksChecked += 1;
      const problem = checkLocalLink(site, rel, u, pageIds);
      if (problem) result.brokenLinks.push(`${link.tag} ${link.raw}: ${problem}`);
    }
    result.axe = await runAxe(page);
    await page.screenshot({ path: shotPath(opts.screenshots, rel, ''), fullPage: true });
    Object.assign(result, rec);
    await context.close();
  }

  // 2. Dark mode picked with the theme switcher (stored in localStorage): charts stay readable.
  {
    const rec = newRecorder();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'nl-NL', serviceWorkers: 'block' });
    await blockOthers(context, allowed, (u) => rec.external.push(u));
    await context.addInitScript(() => { localStorage.setItem('mode', 'dark'); localStorage.setItem('theme', 'dark'); });
    const page = await context.newPage();
    listen(page, rec);
    await page.goto(url, { waitUntil: 'load', timeout: 60000 });
    await settle(page);
    const facts = await page.evaluate(pageFacts);
    result.dark = { theme: facts.theme, charts: await page.evaluate(chartFacts), axe: await runAxe(page), ...rec };
    if (result.charts.length) {
      await page.locator('.mkb-chart').first().scrollIntoViewIfNeeded();
      await page.screenshot({ path: shotPath(opts.screenshots, rel, '.dark'), fullPage: false });
    }
    await context.close();
  }

  // 3. A phone (390 px wide): nothing wider than the screen (WCAG 1.4.10 reflow).
  {
    const rec = newRecorder();
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'nl-NL', serviceWorkers: 'block' });
    await blockOthers(context, allowed, (u) => rec.external.push(u));
    const page = await context.newPage();
    listen(page, rec);
    await page.goto(url, { waitUntil: 'load', timeout: 60000 });
    await settle(page);
    result.phone = await page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      const wide = [];
      for (const el of document.querySelectorAll('body *')) {
        const r = el.getBoundingClientRect();
        if (r.width > 0 && r.right > width + 1) {
          // only report the outermost overflowing elements
          if (!wide.some((w) => w.el.contains(el))) wide.push({ el, right: Math.round(r.right) });
        }
      }
      // text cut off at the screen edge (a long word in a heading, say), outside scrollable boxes
      const clipped = [];
      for (const el of document.querySelectorAll('.bd-article :is(h1, h2, h3, h4, p, li, dt, dd, caption, figcaption)')) {
        if (el.closest('pre, .highlight, table, .mkb-chart, .pst-scrollable-table-container')) continue;
        if (el.scrollWidth > el.clientWidth + 1 && el.getBoundingClientRect().width > 0) {
          clipped.push(`${el.tagName.toLowerCase()} "${el.textContent.trim().slice(0, 60)}" (${el.scrollWidth} > ${el.clientWidth})`);
        }
      }
      return {
        viewport: width,
        scrollWidth: document.documentElement.scrollWidth,
        clipped: clipped.slice(0, 10),
        overflowing: wide.slice(0, 5).map((w) => `${w.el.tagName.toLowerCase()}${w.el.id ? '#' + w.el.id : ''}.${[...w.el.classList].join('.')} right=${w.right}`),
      };
    });
    result.phone.charts = await page.evaluate(chartFacts);
    Object.assign(result.phone, rec);
    await page.screenshot({ path: shotPath(opts.screenshots, rel, '.phone'), fullPage: false });
    await context.close();
  }
  return result;
}

// The saved folder, opened from disk: no server, no network.
async function checkFromFolder(browser, site, rel) {
  const url = 'file://' + path.join(path.resolve(site), rel);
  const rec = newRecorder();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'nl-NL' });
  await blockOthers(context, (u) => u.startsWith('file://') || u.startsWith('data:') || u.startsWith('blob:'),
    (u) => rec.external.push(u));
  const page = await context.newPage();
  listen(page, rec);
  await page.goto(url, { waitUntil: 'load', timeout: 60000 });
  await settle(page);
  const charts = await page.evaluate(chartFacts);
  await context.close();
  return { url, charts, ...rec };
}

async function main() {
  const opts = args();
  const site = path.resolve(opts.site);
  const pages = discoverPages(site);
  if (!pages.length) throw new Error(`no HTML pages in ${site}`);
  requireModule('axe-core');
  fs.rmSync(opts.screenshots, { recursive: true, force: true });
  fs.mkdirSync(opts.screenshots, { recursive: true });
  const browser = await launch();
  const report = { site, chromium: browser.version(), axeTags: AXE_TAGS, pages: {} };
  const started = Date.now();
  // Two pages at a time, each worker with its own server, so that the bytes a server counts are one page's.
  const workers = Number(process.env.MKB_BROWSER_WORKERS) || Math.min(2, os.cpus().length);
  const queue = pages.slice();
  async function worker() {
    const srv = await serve(site);
    try {
      while (queue.length) {
        const rel = queue.shift();
        const t0 = Date.now();
        const html = fs.readFileSync(path.join(site, rel), 'utf8');
        const target = redirectTarget(html);
        let entry;
        try {
          if (target) {
            const file = path.join(path.dirname(path.join(site, rel)), target.split('#')[0]);
            entry = { redirect: target, brokenLinks: fs.existsSync(file) ? [] : [`meta refresh ${target}: missing file`] };
          } else {
            entry = await checkOverHttp(browser, srv, site, rel, opts);
            entry.file = await checkFromFolder(browser, site, rel);
          }
        } catch (err) {
          entry = { error: String(err && err.stack ? err.stack : err) };  // the page's tests fail with this
        }
        entry.seconds = Math.round((Date.now() - t0) / 100) / 10;
        report.pages[rel] = entry;
        process.stderr.write(`[check-site] ${rel}: ${entry.seconds} s\n`);
      }
    } finally {
      await srv.close();
    }
  }
  try {
    await Promise.all(Array.from({ length: workers }, worker));
  } finally {
    await browser.close();
  }
  report.pages = Object.fromEntries(Object.entries(report.pages).sort(([a], [b]) => a.localeCompare(b)));
  report.seconds = Math.round((Date.now() - started) / 1000);
  fs.mkdirSync(path.dirname(opts.report), { recursive: true });
  fs.writeFileSync(opts.report, JSON.stringify(report, null, 1));
  const weights = {};
  for (const [rel, e] of Object.entries(report.pages)) {
    if (e.weight) {
      weights[rel] = { bytes: e.weight.bytes, uncompressed_bytes: e.weight.uncompressedBytes, requests: e.weight.requests,
        by_kind: e.weight.byKind };
    }
  }
  const largest = Object.entries(weights).sort((a, b) => b[1].bytes - a[1].bytes)[0];
  fs.writeFileSync(opts.weights, JSON.stringify({
    note: 'bytes: what loading the page transferred with an empty cache (HTML, scripts, CSS, fonts, images, '
      + 'data; headers included), from a local server that gzips text as web servers do; '
      + 'uncompressed_bytes: the same files as they are on disk (what a reader opening the folder loads).',
    largest: largest ? { page: largest[0], bytes: largest[1].bytes, uncompressed_bytes: largest[1].uncompressed_bytes } : null,
    largest_uncompressed: Object.entries(weights).map(([p, w]) => ({ page: p, uncompressed_bytes: w.uncompressed_bytes }))
      .sort((a, b) => b.uncompressed_bytes - a.uncompressed_bytes)[0] || null,
    pages: weights,
  }, null, 1));
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : err);
  process.exit(2);
});
