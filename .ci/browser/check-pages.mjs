#!/usr/bin/env node
// Browser checks for Acoge's server-rendered pages.
//
//   node check-pages.mjs BASE_URL [PATH[@STATUS] ...]
//
// With only BASE_URL, every entry of PAGES below is checked. Extra arguments
// replace that list (handy for checking one page, or a test page): each is a
// path, optionally followed by @STATUS (e.g. `/nope@404`).
//
// For each page, in headless Debian Chromium driven by playwright-core, with
// page JavaScript disabled (the site must work without it):
//   - the HTTP status is the expected one (200, or 404 for not-found paths);
//   - <html lang> is "es", or "en" when the URL has ?lang=en;
//   - every request the page makes goes to the page's own origin;
//   - axe-core finds no violation (WCAG 2.0/2.1 A and AA, best-practice) —
//     in a second context where the page's own scripts are blocked by CSP
//     instead (see runAxe for why);
//   - the HTML plus every stylesheet it links weighs at most 14336 bytes
//     compressed (gzip as served, or gzipped here when served uncompressed);
//   - a full-page PNG screenshot goes to screenshots/ for a person to look at.
// Closes with `N passed, N failed` (one count per page) and exits 1 on any
// failure.

import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';
import { readFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// ---------------------------------------------------------------------------
// Pages to check. `path` is fetched as is; `status` defaults to 200.
// The browser's locale is `locale` (default es-MX, so Accept-Language asks for
// Spanish: the server negotiates ?lang=, then its cookie, then
// Accept-Language); the expected <html lang> is `lang`, by default "en" when
// the URL has ?lang=en and "es" otherwise.
// `fromApi` entries are resolved first: GET the API URL, take items[0].id and
// put it in place of {id} in `template`.
// ---------------------------------------------------------------------------
const PAGES = [
  { path: '/' },
  { path: '/?lang=en' },
  { path: '/estados' },
  { path: '/estados/07' },
  { path: '/municipios/07089' },
  { path: '/municipios/07089?lang=en' },
  { path: '/municipios?estado=07' },
  { path: '/organizaciones' },
  { path: '/eventos' },
  { path: '/marco-legal' },
  { path: '/acerca' },
  { fromApi: '/api/v1/organizations?per_page=1', template: '/organizaciones/{id}' },
  { fromApi: '/api/v1/events?per_page=1', template: '/eventos/{id}' },
  { path: '/municipios/99999', status: 404 },
];

const WEIGHT_BUDGET = 14336; // bytes, compressed: HTML + linked stylesheets
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const NAV_TIMEOUT_MS = 30_000;
const DEFAULT_LOCALE = 'es-MX';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const SHOT_DIR = path.join(here, 'screenshots');

// ---------------------------------------------------------------------------

function usage() {
  console.error('usage: node check-pages.mjs BASE_URL [PATH[@STATUS] ...]');
  process.exit(2);
}

function expectedLang(url) {
  return new URL(url).searchParams.get('lang') === 'en' ? 'en' : 'es';
}

function shotName(p) {
  let s = p.replace(/^\//, '');
  if (s === '' || s.startsWith('?')) s = 'index' + s;
  return s.replace(/[^A-Za-z0-9._-]+/g, '_') + '.png';
}

// Raw GET that keeps the body exactly as sent (no transparent decompression).
function rawGet(url, headers = {}) {
  const mod = url.startsWith('https:') ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.get(url, { headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.setTimeout(NAV_TIMEOUT_MS, () => req.destroy(new Error(`timeout fetching ${url}`)));
    req.on('error', reject);
  });
}

// Compressed size of one resource as a browser that accepts gzip would get it.
async function compressedSize(url, locale) {
  const res = await rawGet(url, { 'Accept-Encoding': 'gzip', 'Accept-Language': locale });
  const enc = (res.headers['content-encoding'] || '').toLowerCase().trim();
  if (enc === 'gzip' || enc === 'br' || enc === 'deflate') {
    return { bytes: res.body.length, how: enc, status: res.status };
  }
  return { bytes: gzipSync(res.body).length, how: 'gzipped here', status: res.status };
}

async function resolvePages(base, entries) {
  const out = [];
  for (const e of entries) {
    if (!e.fromApi) {
      out.push({ ...e, status: e.status ?? 200 });
      continue;
    }
    try {
      const res = await fetch(new URL(e.fromApi, base), { headers: { Accept: 'application/json' } });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const json = await res.json();
      const id = json?.items?.[0]?.id;
      if (id === undefined || id === null || id === '') throw new Error('no items[0].id in the answer');
      out.push({ ...e, path: e.template.replace('{id}', encodeURIComponent(String(id))), status: e.status ?? 200 });
    } catch (err) {
      out.push({ ...e, path: e.template, status: e.status ?? 200, setupError: `${e.fromApi}: ${err.message}` });
    }
  }
  return out;
}

// Runs axe-core on the page at `url`.
//
// Why a second context: in the JS-disabled context (javaScriptEnabled: false,
// i.e. Emulation.setScriptExecutionDisabled) page.addScriptTag({content})
// inserts a <script> that never runs, so `axe` stays undefined. Evaluating
// axe's source with page.evaluate() does define it there, but axe.run() then
// never settles: timers (setTimeout) do not fire while script execution is
// disabled, and axe needs them. So axe runs in a second context, with
// JavaScript enabled, on the same URL — but every document response gets an
// extra `Content-Security-Policy: script-src 'none'` (added alongside any
// policy the server sends), so none of the page's own scripts run there either
// and axe audits the same no-JS rendering. Playwright's evaluate() goes through
// the DevTools protocol, which CSP does not block, so axe's source is evaluated
// directly. (One difference: <noscript> content is not rendered in that
// context.) Requests made there are checked for foreign origins too.
async function runAxe(browser, url, locale, guardRequests) {
  const options = { runOnly: { type: 'tag', values: AXE_TAGS }, resultTypes: ['violations'] };
  const ctx = await browser.newContext({ javaScriptEnabled: true, locale, viewport: { width: 1280, height: 800 } });
  try {
    await guardRequests(ctx, async (route) => {
      if (route.request().resourceType() !== 'document') return route.continue();
      const resp = await route.fetch();
      const headers = resp.headers();
      const csp = headers['content-security-policy'];
      headers['content-security-policy'] = csp ? `${csp}, script-src 'none'` : "script-src 'none'";
      return route.fulfill({ response: resp, headers });
    });
    const page = await ctx.newPage();
    page.setDefaultTimeout(NAV_TIMEOUT_MS);
    await page.goto(url, { waitUntil: 'load', timeout: NAV_TIMEOUT_MS });
    await page.evaluate(AXE_SOURCE + '\n;void 0;');
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error('axe.run() did not finish within 60 s')), 60_000);
    });
    try {
      return await Promise.race([page.evaluate((opts) => window.axe.run(document, opts), options), timeout]);
    } finally {
      clearTimeout(timer);
    }
  } finally {
    await ctx.close();
  }
}

async function checkPage(browser, base, entry) {
  const url = new URL(entry.path, base).href;
  const origin = new URL(base).origin;
  const problems = [];
  const notes = [];
  if (entry.setupError) {
    problems.push(`could not find the page to check: ${entry.setupError}`);
    return { url, problems, notes };
  }

  const foreign = [];
  const isForeign = (u) => {
    if (u.startsWith('data:') || u.startsWith('blob:')) return false;
    try { return new URL(u).origin !== origin; } catch { return true; }
  };
  const noteForeign = (u) => { if (!foreign.includes(u)) foreign.push(u); };
  // Records every request of a context: any going to another origin is a
  // failure, and is aborted so nothing leaves the machine. Same-origin ones go
  // to `sameOrigin` (default: continue unchanged).
  const guardRequests = async (ctx, sameOrigin = (route) => route.continue()) => {
    await ctx.route('**/*', (route) => {
      const u = route.request().url();
      if (!isForeign(u)) return sameOrigin(route);
      noteForeign(u);
      return route.abort('blockedbyclient');
    });
    // Requests that bypass routing still show up here.
    ctx.on('request', (req) => { if (isForeign(req.url())) noteForeign(req.url()); });
  };

  const context = await browser.newContext({
    javaScriptEnabled: false,
    locale: entry.locale ?? DEFAULT_LOCALE,
    viewport: { width: 1280, height: 800 },
  });
  await guardRequests(context);

  try {
    const page = await context.newPage();
    page.setDefaultTimeout(NAV_TIMEOUT_MS);
    const response = await page.goto(url, { waitUntil: 'load', timeout: NAV_TIMEOUT_MS });
    const status = response ? response.status() : 0;
    if (status !== entry.status) problems.push(`HTTP status ${status}, expected ${entry.status}`);

    const lang = await page.evaluate(() => document.documentElement.getAttribute('lang'));
    const wantLang = entry.lang ?? expectedLang(url);
    if (lang !== wantLang) problems.push(`<html lang> is ${JSON.stringify(lang)}, expected "${wantLang}"`);

    // Stylesheets the page links (absolute URLs, resolved by the browser).
    const sheets = await page.evaluate(() =>
      Array.from(document.querySelectorAll('link[rel~="stylesheet" i][href]')).map((l) => l.href));

    await page.screenshot({ path: path.join(SHOT_DIR, shotName(entry.path)), fullPage: true });

    // axe-core
    const axe = await runAxe(browser, url, entry.locale ?? DEFAULT_LOCALE, guardRequests);
    notes.push(`axe ${axe.testEngine?.version ?? ''}: ${axe.passes.length} rules passed, ${axe.inapplicable.length} inapplicable, ${axe.violations.length} violated`);
    for (const v of axe.violations) {
      const targets = v.nodes.slice(0, 8).map((n) => n.target.join(' ')).join(' | ');
      const more = v.nodes.length > 8 ? ` (+${v.nodes.length - 8} more)` : '';
      problems.push(`axe ${v.id} [${v.impact}] ${v.help} — ${v.nodes.length} node(s): ${targets}${more}`);
    }

    // Weight: HTML + linked stylesheets, compressed.
    let total = 0;
    const parts = [];
    // Foreign stylesheets are already failures (and are never fetched from here).
    for (const u of [url, ...sheets.filter((h) => !isForeign(h))]) {
      try {
        const { bytes, how, status: s } = await compressedSize(u, entry.locale ?? DEFAULT_LOCALE);
        total += bytes;
        parts.push(`${u === url ? 'html' : new URL(u).pathname} ${bytes} B (${how})`);
        if (u !== url && s !== 200) problems.push(`stylesheet ${u} answered HTTP ${s}`);
      } catch (err) {
        problems.push(`weight: could not fetch ${u}: ${err.message}`);
      }
    }
    notes.push(`weight ${total} B: ${parts.join(', ')}`);
    if (total > WEIGHT_BUDGET) problems.push(`weight ${total} B compressed is over the ${WEIGHT_BUDGET} B budget`);
  } catch (err) {
    problems.push(`error: ${err.message.split('\n')[0]}`);
  } finally {
    await context.close();
  }
  for (const f of foreign) problems.push(`request to another origin: ${f}`);
  return { url, problems, notes };
}

async function main() {
  const [base, ...rest] = process.argv.slice(2);
  if (!base) usage();
  try { new URL(base); } catch { usage(); }

  let entries = PAGES;
  if (rest.length) {
    entries = rest.map((arg) => {
      const m = /^(.*)@(\d{3})$/.exec(arg);
      return m ? { path: m[1], status: Number(m[2]) } : { path: arg };
    });
  }
  mkdirSync(SHOT_DIR, { recursive: true });
  for (const f of readdirSync(SHOT_DIR)) if (f.endsWith('.png')) rmSync(path.join(SHOT_DIR, f));

  const pages = await resolvePages(base, entries);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  let passed = 0;
  let failed = 0;
  try {
    for (const entry of pages) {
      const { url, problems, notes } = await checkPage(browser, base, entry);
      if (problems.length === 0) {
        passed++;
        console.log(`PASS ${entry.path}${entry.status !== 200 ? ` (HTTP ${entry.status} as expected)` : ''}`);
      } else {
        failed++;
        console.log(`FAIL ${entry.path}  (${url}, expecting HTTP ${entry.status})`);
        for (const p of problems) console.log(`     - ${p}`);
      }
      for (const n of notes) console.log(`       ${n}`);
    }
  } finally {
    await browser.close();
  }
  console.log(`screenshots: ${SHOT_DIR}`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

main().catch((err) => {
  console.error(err);
  console.log('0 passed, 1 failed');
  process.exit(1);
});
