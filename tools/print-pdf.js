#!/usr/bin/env node
// Prints the singlehtml build of an edition to ONE A4 PDF with headless Chromium (playwright-core,
// Debian's /usr/bin/chromium; every request that would leave the local server is blocked).
//
//   node tools/print-pdf.js --html DIR --out FILE.pdf --manifest FILE.json --title T --edition E --date D
//
// - charts: each rendered chart (SVG) is drawn into a PNG at 3x and put in its place, with the chart's
//   text alternative as alt text, so the PDF has every chart as a static image (pdfimages lists them);
// - a title page and a table of contents with page numbers: printed once to learn on which page
//   each chapter and section starts (pdftotext), then printed again with the numbers filled in;
// - a footer with the page number on every page; a tagged PDF with an outline (bookmarks).
// The manifest lists the chart images (pixel sizes) and the table of contents, for tests/test_pdf.py.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const { launch, serve, blockOthers } = require('./browser');

const SCALE = 3;

function args() {
  const out = {};
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) out[argv[i].replace(/^--/, '')] = argv[i + 1];
  for (const key of ['html', 'out', 'manifest']) if (!out[key]) throw new Error(`missing --${key}`);
  return out;
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

// The singlehtml page of the book, as a file at the root of `dir`: Sphinx writes it at the root
// document's path (e.g. book/chapters/00_samenvatting.html) but with links relative to the root.
// singlehtml has no search index, so the theme's search scripts are left out of the copy.
function printPage(dir) {
  const index = fs.readFileSync(path.join(dir, 'index.html'), 'utf8');
  const m = index.match(/url=([^"]+)"/i);
  const html = fs.readFileSync(path.join(dir, m ? m[1] : 'index.html'), 'utf8')
    .replace(/<script src="[^"]*(searchtools|language_data)\.js"><\/script>\s*/g, '')
    .replace(/<script src="[^"]*searchindex\.js"><\/script>\s*/g, '');
  fs.writeFileSync(path.join(dir, 'mkb-print.html'), html);
  return 'mkb-print.html';
}

// Replace every rendered chart by a PNG of itself (run in the page).
async function rasterizeCharts(scale) {
  const out = [];
  for (const chart of document.querySelectorAll('.mkb-chart')) {
    const svg = chart.querySelector('svg');
    if (!svg) { out.push({ id: chart.id, error: 'chart did not render' }); continue; }
    const width = svg.width.baseVal.value || svg.getBoundingClientRect().width;
    const height = svg.height.baseVal.value || svg.getBoundingClientRect().height;
    const clone = svg.cloneNode(true);
    clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
    clone.setAttribute('width', width);
    clone.setAttribute('height', height);
    const img = new Image();
    // Vega points gradients and clip paths at the page's own URL (url(http://...#gradient_0)); inside an
    // image the SVG has no page, so those references must be local (url(#gradient_0)).
    const xml = new XMLSerializer().serializeToString(clone).replace(/url\((['"]?)[^#)'"]*#/g, 'url($1#');
    img.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(xml);
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    const alt = chart.getAttribute('aria-label') || '';
    const print = document.createElement('img');
    print.className = 'mkb-chart-print';
    print.alt = alt;
    print.width = Math.round(width);
    print.height = Math.round(height);
    print.src = canvas.toDataURL('image/png');
    await print.decode();
    chart.replaceChildren(print);
    chart.removeAttribute('role');
    chart.removeAttribute('aria-label');
    out.push({ id: chart.id, alt, width: canvas.width, height: canvas.height });
  }
  return out;
}

// Title page and table of contents before the book (run in the page); returns the toc entries.
function addFrontMatter(meta) {
  const article = document.querySelector('article.bd-article');
  const rootSection = article.querySelector(':scope > section');
  const docs = [rootSection, ...article.querySelectorAll('.toctree-wrapper > section')];
  const text = (heading) => {
    const copy = heading.cloneNode(true);
    copy.querySelectorAll('.headerlink').forEach((a) => a.remove());
    return copy.textContent.replace(/\s+/g, ' ').trim();
  };
  // Section ids repeat across chapters in singlehtml (every chapter has a "kernboodschap"), so the
  // headings get ids of their own for the links of the table of contents.
  const entries = [];
  const add = (heading, level) => {
    heading.id = `mkb-toc-${entries.length}`;
    entries.push({ id: heading.id, title: text(heading), level });
  };
  for (const doc of docs) {
    const heading = doc.querySelector(':scope > :is(h1, h2)');
    if (!heading) continue;
    add(heading, 1);
    for (const sub of doc.querySelectorAll(':scope > section')) {
      const h = sub.querySelector(':scope > :is(h2, h3)');
      if (h) add(h, 2);
    }
  }
  const esc = (s) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));
  const title = document.createElement('section');
  title.className = 'mkb-print-title';
  title.innerHTML = `<h1>${esc(meta.title)}</h1><p class="mkb-print-edition">${esc(meta.edition)}</p>`
    + `<p>Onder elke figuur en tabel staan de bron en de kanttekeningen bij de gegevens. De cijfers achter elke `
    + `figuur en tabel staan als CSV-bestand op de website van dit boek, bij dezelfde figuur of tabel.</p>`
    + `<p>Gemaakt op ${esc(meta.date)}. Zie de colofon achterin voor de gebruikte gegevens en software.</p>`;
  const toc = document.createElement('nav');
  toc.className = 'mkb-print-toc';
  toc.setAttribute('aria-labelledby', 'mkb-print-toc-title');
  toc.innerHTML = '<h1 id="mkb-print-toc-title">Inhoud</h1><ol>' + entries.map((e) => `<li class="mkb-toc-${e.level}">`
    + `<a href="#${esc(e.id)}"><span class="mkb-toc-title">${esc(e.title)}</span>`
    + `<span class="mkb-toc-page" data-target="${esc(e.id)}">00</span></a></li>`).join('') + '</ol>';
  article.prepend(title, toc);
  return entries;
}

function pageTexts(pdf) {
  const txt = execFileSync('pdftotext', ['-enc', 'UTF-8', pdf, '-'], { maxBuffer: 256 * 1024 * 1024 }).toString('utf8');
  // compared without any white space: pdftotext puts spaces around inline code and breaks lines
  return txt.split('\f').map((p) => p.normalize('NFKC').replace(/\s+/g, ''));
}

function locate(pages, entries, from) {
  const found = {};
  let at = from;
  for (const e of entries) {
    const needle = e.title.normalize('NFKC').replace(/\s+/g, '');
    let page = -1;
    for (let i = at; i < pages.length; i++) {
      if (pages[i].includes(needle)) { page = i; break; }
    }
    if (page < 0) throw new Error(`heading "${e.title}" not found in the PDF text after page ${at + 1}`);
    found[e.id] = page + 1;
    at = page;
  }
  return { found, last: at };
}

// The page on which each entry's heading is printed. Page 1 is the title page; the table of contents
// follows and lists every entry in order, so a first scan from page 2 ends on its last page; the
// headings themselves are searched after that.
function findPages(pdf, entries) {
  const pages = pageTexts(pdf);
  const toc = locate(pages, entries, 1);
  const { found } = locate(pages, entries, toc.last + 1);
  const info = execFileSync('pdfinfo', [pdf]).toString('utf8');
  return { found, pageCount: Number((info.match(/^Pages:\s+(\d+)/m) || [])[1]) };
}

async function main() {
  const opts = args();
  const dir = path.resolve(opts.html);
  const srv = await serve(dir);
  const browser = await launch();
  const external = [];
  const errors = [];
  try {
    const context = await browser.newContext({ viewport: { width: 1100, height: 1500 }, locale: 'nl-NL', serviceWorkers: 'block' });
    await blockOthers(context, (u) => u.startsWith(srv.origin + '/') || u.startsWith('data:') || u.startsWith('blob:'),
      (u) => external.push(u));
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await page.goto(`${srv.origin}/${printPage(dir)}`, { waitUntil: 'load', timeout: 120000 });
    await page.waitForLoadState('networkidle');
    await page.waitForFunction(() => [...document.querySelectorAll('.mkb-chart')].every((c) => c.querySelector('svg')),
      null, { timeout: 120000 });
    await page.evaluate(() => document.fonts.ready.then(() => true));
    const charts = await page.evaluate(rasterizeCharts, SCALE);
    const failed = charts.filter((c) => c.error);
    if (failed.length) throw new Error(`${failed.length} chart(s) did not render: ${failed.map((c) => c.id).join(', ')}`);
    await page.addStyleTag({ path: path.join(__dirname, 'print.css') });
    const entries = await page.evaluate(addFrontMatter, { title: opts.title || 'Boek', edition: opts.edition || '', date: opts.date || '' });
    const footer = '<div style="font-family: Helvetica, Arial, sans-serif; font-size: 8pt; color: #444; width: 100%;'
      + ' margin: 0 16mm; display: flex; justify-content: space-between;">'
      + `<span>${escapeHtml(opts.title || '')}</span>`
      + '<span>Pagina <span class="pageNumber"></span> van <span class="totalPages"></span></span></div>';
    const pdfOptions = {
      format: 'A4', printBackground: true, displayHeaderFooter: true, headerTemplate: '<div></div>',
      footerTemplate: footer, margin: { top: '16mm', bottom: '18mm', left: '16mm', right: '16mm' },
      outline: true, tagged: true,
    };
    const tmp = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mkb-pdf-')), 'book.pdf');
    let pages = null;
    let result = null;
    for (let pass = 1; pass <= 4; pass++) {
      await page.pdf({ path: tmp, ...pdfOptions });
      result = findPages(tmp, entries);
      if (pages && JSON.stringify(pages) === JSON.stringify(result.found)) break;
      pages = result.found;
      await page.evaluate((found) => {
        for (const span of document.querySelectorAll('.mkb-toc-page')) span.textContent = String(found[span.dataset.target]);
      }, pages);
    }
    if (external.length) throw new Error(`the book asked for files from other sites: ${external.join(', ')}`);
    if (errors.length) throw new Error(`errors in the page: ${errors.join(' | ')}`);
    fs.mkdirSync(path.dirname(path.resolve(opts.out)), { recursive: true });
    fs.copyFileSync(tmp, opts.out);
    fs.rmSync(path.dirname(tmp), { recursive: true, force: true });
    const manifest = {
      pages: result.pageCount,
      charts,
      toc: entries.map((e) => ({ ...e, page: pages[e.id] })),
      chromium: browser.version(),
    };
    fs.writeFileSync(opts.manifest, JSON.stringify(manifest, null, 1));
    process.stderr.write(`[print-pdf] ${opts.out}: ${manifest.pages} pages, ${charts.length} chart images\n`);
  } finally {
    await browser.close();
    await srv.close();
  }
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : err);
  process.exit(1);
});
