#!/usr/bin/env node
// Browser checks for Acoge's server-rendered pages.
//
//   node check-pages.mjs BASE_URL [[auth:]PATH[@STATUS] ...]
//
// With only BASE_URL, every entry of PAGES, SIGNED_IN_PAGES and FORM_ERRORS
// below is checked. Extra arguments replace those lists (handy for checking
// one page, or a test page): each is a path, optionally followed by @STATUS
// (e.g. `/nope@404`); an `auth:` prefix checks it signed in (`auth:/cuenta`).
//
// Signed-in pages: the script signs in once through the real /entrar form
// (JavaScript off: fill email and password, click the button, land on
// /cuenta) with ACOGE_CI_EMAIL and ACOGE_CI_PASSWORD (.ci/run creates that
// account), and checks every signed-in page in that same browser context.
// With either variable unset, signed-in pages are skipped with a note.
//
// For each page, in headless Debian Chromium driven by playwright-core, with
// page JavaScript disabled (the site must work without it):
//   - the HTTP status is the expected one (200, or 404 for not-found paths),
//     and no redirect took the browser to another path;
//   - <html lang> is "es", or "en" when the URL has ?lang=en;
//   - every request the page makes goes to the page's own origin;
//   - axe-core finds no violation (WCAG 2.0/2.1 A and AA, best-practice) —
//     in a second context where the page's own scripts are blocked by CSP
//     instead (see runAxe for why);
//   - the HTML plus every stylesheet it links weighs at most 14336 bytes
//     compressed (gzip as served, or gzipped here when served uncompressed);
//   - a full-page PNG screenshot goes to screenshots/ for a person to look at.
// FORM_ERRORS entries submit a form the way a person would and check the page
// that comes back (e.g. /entrar with a wrong password, HTTP 422) the same way:
// error messages must pass axe and the weight budget too.
// Closes with `N passed, N failed` (one count per page; skipped pages are in
// neither count) and exits 1 on any failure.

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
  { path: '/organizaciones?sector=salud&lang=en' },
  { path: '/eventos' },
  { path: '/marco-legal' },
  { path: '/acerca' },
  { fromApi: '/api/v1/organizations?per_page=1', template: '/organizaciones/{id}' },
  { fromApi: '/api/v1/events?per_page=1', template: '/eventos/{id}' },
  { path: '/buscar' },
  { path: '/buscar?q=albergue%20tijuana' },
  { path: '/buscar?q=migrantes' },
  { path: '/buscar?q=shelter&lang=en' },
  { path: '/buscar?q=%22integraci%C3%B3n%20local' },
  { path: '/buscar?q=de%20la' },
  { path: '/municipios/99999', status: 404 },
  { path: '/entrar' },
  { path: '/entrar?lang=en' },
  { path: '/recuperar' },
  { path: '/invitacion/0000', status: 404 },
  { path: '/restablecer/0000', status: 404 },
  { path: '/practicas' },
  { path: '/practicas?lang=en' },
  { path: '/practicas?sector=vivienda_albergue&orden=titulo' },
  { path: '/criterios' },
  { fromApi: '/api/v1/practices?per_page=1', template: '/practicas/{id}' },
  { fromApi: '/api/v1/practices?per_page=1', template: '/practicas/{id}/historial' },
  { path: '/municipios/05030' },
  { path: '/armonizacion' },
  { path: '/armonizacion?lang=en' },
  { path: '/responsabilidades' },
  { path: '/responsabilidades?lang=en' },
  { path: '/responsabilidades/salud/federal' },
  { path: '/responsabilidades/todos/municipal?lang=en' },
  { path: '/municipios/07089/mandato' },
  { path: '/municipios/08037/mandato?lang=en' },
  { path: '/estados/02' },
  { path: '/marco-legal/instrumentos/cpeum' },
  { path: '/marco-legal/instrumentos/ley-migracion?lang=en' },
  { fromApi: '/api/v1/provisions', template: '/marco-legal/disposiciones/{id}' },
  { path: '/discusiones' },
  { path: '/grupos' },
  // Made by .ci/run through the API, with one event.
  { path: '/grupos/ci-salud' },
  { path: '/grupos/ci-salud?lang=en' },
  { path: '/marco-de-colaboracion?lang=en' },
  { fromApi: '/api/v1/discussions', template: '/discusiones/{id}' },
  { path: '/eventos/lav-2020-11-10/relatoria?lang=en' },
  { path: '/servicios' },
  { path: '/servicios?estado=07&sector=salud&lang=en' },
  { path: '/alianzas' },
  { path: '/red' },
  { path: '/mapa?lang=en' },
  { path: '/municipios/07089/servicios' },
  { path: '/municipios/02004/aliados-posibles' },
  { path: '/municipios/08037/aliados-posibles?lang=en' },
];

// Checked signed in as the CI administrator (a role that may see them all), in
// one browser context that signed in through the /entrar form.
const SIGNED_IN_PAGES = [
  { path: '/cuenta' },
  { path: '/cuenta?lang=en' },
  { path: '/invitaciones' },
  { path: '/miembros' },
  { path: '/auditoria' },
  { path: '/practicas/nueva' },
  { path: '/practicas/nueva?lang=en' },
  { path: '/mis-practicas' },
  { path: '/notificaciones' },
  { path: '/marco-legal/instrumentos/nuevo' },
  { path: '/marco-legal/instrumentos/cpeum/editar?lang=en' },
  { path: '/marco-legal/instrumentos/cpeum/disposiciones/nueva' },
  { fromApi: '/api/v1/provisions', template: '/marco-legal/disposiciones/{id}/editar' },
  { path: '/moderacion' },
  { fromApi: '/api/v1/discussions', template: '/discusiones/{id}' },
  { fromApi: '/api/v1/discussions', template: '/discusiones/{id}/relatoria/editar' },
  { path: '/alianzas/nueva' },
  { path: '/grupos/nuevo' },
  // Made by .ci/run; as an administrator: the moderators' form and the edit form.
  { path: '/grupos/ci-salud' },
  { path: '/grupos/ci-salud/editar?lang=en' },
  { path: '/marco-de-colaboracion/editar' },
  { fromApi: '/api/v1/organizations?per_page=1', template: '/organizaciones/{id}/editar' },
  { fromApi: '/api/v1/organizations?per_page=1', template: '/organizaciones/{id}/servicios/nuevo' },
  { fromApi: '/api/v1/services?per_page=1', template: '/servicios/{id}/editar' },
  { fromApi: '/api/v1/events?per_page=1', template: '/eventos/{id}/asistencia' },
  { path: '/eventos/nuevo' },
  { fromApi: '/api/v1/events?per_page=1', template: '/eventos/{id}/editar?lang=en' },
  { fromApi: '/api/v1/events?per_page=1', template: '/eventos/{id}?lang=en' },
];

const CI_EMAIL = process.env.ACOGE_CI_EMAIL || '';
const CI_PASSWORD = process.env.ACOGE_CI_PASSWORD || '';
const LOGIN_FORM = 'form[action="/entrar"][method="post" i]';

// Forms submitted with bad input, in a fresh (signed-out) context: `submit`
// says which form of the page at `path` to fill (`form`: a CSS selector) and
// with what (`fields`: name -> value); the page the POST answers with is the
// one checked. A wrong password for a real account when there is one, else
// for an address nobody has; either way the answer is the same form with an
// error. (Each check costs the account 3 failed sign-ins: the page, axe's
// context and the weight replay; the server slows an account from the 5th
// failure in 15 minutes, so this runs after the signed-in pages.)
const FORM_ERRORS = [
  {
    path: '/entrar',
    label: 'POST /entrar (wrong password)',
    shot: 'entrar_wrong-password.png',
    status: 422,
    submit: {
      form: LOGIN_FORM,
      fields: { email: CI_EMAIL || 'nobody@example.org', password: 'not-the-password-0000' },
    },
  },
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
const LANG_COOKIE = 'acoge_lang'; // set by ?lang=; cleared between signed-in pages

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

// Raw request that keeps the body exactly as sent (no transparent decompression).
function rawRequest(url, { method = 'GET', headers = {}, body } = {}) {
  const mod = url.startsWith('https:') ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(url, { method, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.setTimeout(NAV_TIMEOUT_MS, () => req.destroy(new Error(`timeout fetching ${url}`)));
    req.on('error', reject);
    req.end(body);
  });
}

// `Cookie:` header value for browser-context cookies.
function cookieHeader(cookies) {
  return cookies.map((c) => `${c.name}=${c.value}`).join('; ');
}

// Compressed size of a response as a browser that accepts gzip would get it.
function compressedBytes(res) {
  const enc = (res.headers['content-encoding'] || '').toLowerCase().trim();
  if (enc === 'gzip' || enc === 'br' || enc === 'deflate') {
    return { bytes: res.body.length, how: enc, status: res.status };
  }
  return { bytes: gzipSync(res.body).length, how: 'gzipped here', status: res.status };
}

// Compressed size of one resource (GET), sent with the page's cookies if any.
async function compressedSize(url, locale, cookies = []) {
  const headers = { 'Accept-Encoding': 'gzip', 'Accept-Language': locale };
  if (cookies.length) headers.Cookie = cookieHeader(cookies);
  return compressedBytes(await rawRequest(url, { headers }));
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

// Records the requests of browser contexts: any going to another origin is a
// failure, and is aborted so nothing leaves the machine. take() returns (and
// forgets) the foreign URLs seen so far.
function requestGuard(origin) {
  const foreign = [];
  const isForeign = (u) => {
    if (u.startsWith('data:') || u.startsWith('blob:')) return false;
    try { return new URL(u).origin !== origin; } catch { return true; }
  };
  const note = (u) => { if (!foreign.includes(u)) foreign.push(u); };
  // Same-origin requests go to `sameOrigin` (default: continue unchanged).
  const attach = async (ctx, sameOrigin = (route) => route.continue()) => {
    await ctx.route('**/*', (route) => {
      const u = route.request().url();
      if (!isForeign(u)) return sameOrigin(route);
      note(u);
      return route.abort('blockedbyclient');
    });
    // Requests that bypass routing still show up here.
    ctx.on('request', (req) => { if (isForeign(req.url())) note(req.url()); });
  };
  return { isForeign, attach, take: () => foreign.splice(0) };
}

function newPlainContext(browser, locale, javaScriptEnabled = false) {
  return browser.newContext({ javaScriptEnabled, locale, viewport: { width: 1280, height: 800 } });
}

// Opens the form page at `url`, fills `submit.fields` into `submit.form` and
// clicks its submit button, as a person would (works with JavaScript off: a
// plain form POST). Returns the response of the page it lands on (after any
// redirect).
async function submitForm(page, url, submit) {
  const first = await page.goto(url, { waitUntil: 'load', timeout: NAV_TIMEOUT_MS });
  const form = page.locator(submit.form).first();
  if ((await form.count()) === 0) {
    throw new Error(`GET ${url} (HTTP ${first?.status()}) has no form matching ${submit.form}`);
  }
  for (const [name, value] of Object.entries(submit.fields)) {
    await form.locator(`[name="${name}"]`).fill(value);
  }
  const [response] = await Promise.all([
    page.waitForNavigation({ waitUntil: 'load', timeout: NAV_TIMEOUT_MS }),
    form.locator('button[type="submit"], input[type="submit"], button:not([type])').first().click(),
  ]);
  return response;
}

// The fields the form `selector` on the current page would post, with
// `fields` filled in (hidden ones such as csrf included), url-encoded.
async function formBody(page, selector, fields) {
  const pairs = await page.locator(selector).first().evaluate((f) =>
    Array.from(new FormData(f).entries()).map(([k, v]) => [k, String(v)]));
  const params = new URLSearchParams();
  const seen = new Set();
  for (const [k, v] of pairs) {
    if (k in fields) { if (!seen.has(k)) params.append(k, fields[k]); seen.add(k); } else params.append(k, v);
  }
  for (const [k, v] of Object.entries(fields)) if (!seen.has(k)) params.append(k, v);
  return params.toString();
}

// Runs axe-core on the page at `url` (or, for an entry with `submit`, on the
// page that submitting that form answers with).
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
// context.) Requests made there are checked for foreign origins too. For
// signed-in pages that context gets the first context's cookies (session
// included), so axe audits the page as the signed-in member sees it.
async function runAxe(browser, url, entry, locale, guard, cookies) {
  const options = { runOnly: { type: 'tag', values: AXE_TAGS }, resultTypes: ['violations'] };
  const ctx = await newPlainContext(browser, locale, true);
  try {
    if (cookies.length) await ctx.addCookies(cookies);
    await guard.attach(ctx, async (route) => {
      if (route.request().resourceType() !== 'document') return route.continue();
      const resp = await route.fetch({ maxRedirects: 0 });
      const headers = resp.headers();
      const csp = headers['content-security-policy'];
      headers['content-security-policy'] = csp ? `${csp}, script-src 'none'` : "script-src 'none'";
      return route.fulfill({ response: resp, headers });
    });
    const page = await ctx.newPage();
    page.setDefaultTimeout(NAV_TIMEOUT_MS);
    const response = entry.submit
      ? await submitForm(page, url, entry.submit)
      : await page.goto(url, { waitUntil: 'load', timeout: NAV_TIMEOUT_MS });
    const status = response ? response.status() : 0;
    const where = new URL(page.url()).pathname;
    await page.evaluate(AXE_SOURCE + '\n;void 0;');
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error('axe.run() did not finish within 60 s')), 60_000);
    });
    try {
      const result = await Promise.race([page.evaluate((opts) => window.axe.run(document, opts), options), timeout]);
      return { result, status, where };
    } finally {
      clearTimeout(timer);
    }
  } finally {
    await ctx.close();
  }
}

// Checks one page. With `session` ({ context, guard } of a signed-in browser
// context), the page is loaded in that context, and axe's context gets its
// cookies; without, in a fresh context of its own.
async function checkPage(browser, base, entry, session) {
  const url = new URL(entry.path, base).href;
  const origin = new URL(base).origin;
  const locale = entry.locale ?? DEFAULT_LOCALE;
  const problems = [];
  const notes = [];
  if (entry.setupError) {
    problems.push(`could not find the page to check: ${entry.setupError}`);
    return { url, problems, notes };
  }
  if (session?.error) {
    problems.push(`not signed in: ${session.error}`);
    return { url, problems, notes };
  }

  const guard = session ? session.guard : requestGuard(origin);
  let context = session?.context;
  if (context) {
    // Each page starts from the signed-in state, not from the language an
    // earlier ?lang= page left in a cookie.
    await context.clearCookies({ name: LANG_COOKIE });
    guard.take();
  } else {
    context = await newPlainContext(browser, locale);
    await guard.attach(context);
  }

  let page;
  try {
    page = await context.newPage();
    page.setDefaultTimeout(NAV_TIMEOUT_MS);
    const response = entry.submit
      ? await submitForm(page, url, entry.submit)
      : await page.goto(url, { waitUntil: 'load', timeout: NAV_TIMEOUT_MS });
    const status = response ? response.status() : 0;
    if (status !== entry.status) problems.push(`HTTP status ${status}, expected ${entry.status}`);
    const landed = new URL(page.url());
    if (landed.pathname !== new URL(url).pathname) {
      problems.push(`ended up at ${landed.pathname}${landed.search} (redirected), not at ${new URL(url).pathname}`);
    }
    const cookies = session ? await context.cookies() : [];

    const lang = await page.evaluate(() => document.documentElement.getAttribute('lang'));
    const wantLang = entry.lang ?? expectedLang(url);
    if (lang !== wantLang) problems.push(`<html lang> is ${JSON.stringify(lang)}, expected "${wantLang}"`);

    // Stylesheets the page links (absolute URLs, resolved by the browser).
    const sheets = await page.evaluate(() =>
      Array.from(document.querySelectorAll('link[rel~="stylesheet" i][href]')).map((l) => l.href));

    await page.screenshot({ path: path.join(SHOT_DIR, entry.shot ?? shotName(entry.path)), fullPage: true });

    // For a submitted form, the same POST again outside the browser (same
    // cookies and fields), to weigh the answer as served.
    let replay;
    if (entry.submit) {
      replay = {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          Cookie: cookieHeader(await context.cookies(url)),
          Origin: origin,
          Referer: url,
        },
        body: await formBody(page, entry.submit.form, entry.submit.fields),
      };
    }

    // axe-core
    const axe = await runAxe(browser, url, entry, locale, guard, cookies);
    if (axe.status !== entry.status || axe.where !== new URL(url).pathname) {
      problems.push(`axe's context got HTTP ${axe.status} at ${axe.where}, expected ${entry.status} at ${new URL(url).pathname}`);
    }
    notes.push(`axe ${axe.result.testEngine?.version ?? ''}: ${axe.result.passes.length} rules passed, ${axe.result.inapplicable.length} inapplicable, ${axe.result.violations.length} violated`);
    for (const v of axe.result.violations) {
      const targets = v.nodes.slice(0, 8).map((n) => n.target.join(' ')).join(' | ');
      const more = v.nodes.length > 8 ? ` (+${v.nodes.length - 8} more)` : '';
      problems.push(`axe ${v.id} [${v.impact}] ${v.help} — ${v.nodes.length} node(s): ${targets}${more}`);
    }

    // Weight: HTML + linked stylesheets, compressed.
    let total = 0;
    const parts = [];
    // Foreign stylesheets are already failures (and are never fetched from here).
    for (const u of [url, ...sheets.filter((h) => !guard.isForeign(h))]) {
      try {
        let measured;
        if (u === url && replay) {
          replay.headers['Accept-Encoding'] = 'gzip';
          replay.headers['Accept-Language'] = locale;
          measured = compressedBytes(await rawRequest(u, replay));
          if (measured.status !== entry.status) problems.push(`weight: the replayed POST answered HTTP ${measured.status}, expected ${entry.status}`);
        } else {
          measured = await compressedSize(u, locale, u === url ? cookies : []);
          if (u === url && measured.status !== entry.status) problems.push(`weight: GET answered HTTP ${measured.status}, expected ${entry.status}`);
        }
        const { bytes, how, status: s } = measured;
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
    if (session) await page?.close();
    else await context.close();
  }
  for (const f of guard.take()) problems.push(`request to another origin: ${f}`);
  return { url, problems, notes };
}

// Signs in through the /entrar form in a JS-disabled context and returns
// { context, guard } on success, { error } otherwise.
async function signIn(browser, base, email, password) {
  const guard = requestGuard(new URL(base).origin);
  const context = await newPlainContext(browser, DEFAULT_LOCALE);
  await guard.attach(context);
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(NAV_TIMEOUT_MS);
    const response = await submitForm(page, new URL('/entrar', base).href, {
      form: LOGIN_FORM,
      fields: { email, password },
    });
    const landed = new URL(page.url());
    if (landed.pathname !== '/cuenta') {
      const alert = (await page.locator('main').first().innerText().catch(() => '')).replace(/\s+/g, ' ').slice(0, 200);
      throw new Error(`signing in as ${email} ended at ${landed.pathname}${landed.search} with HTTP ${response?.status()}, not at /cuenta (page says: ${alert})`);
    }
    if (!(await context.cookies()).some((c) => c.name === 'acoge_session')) {
      throw new Error('signed in, but no acoge_session cookie was set');
    }
    await page.close();
    const foreign = guard.take();
    if (foreign.length) throw new Error(`signing in made requests to another origin: ${foreign.join(', ')}`);
    return { context, guard };
  } catch (err) {
    await context.close();
    return { error: err.message.split('\n')[0] };
  }
}

async function main() {
  const [base, ...rest] = process.argv.slice(2);
  if (!base) usage();
  try { new URL(base); } catch { usage(); }

  let publicEntries = PAGES;
  let signedInEntries = SIGNED_IN_PAGES;
  let formErrorEntries = FORM_ERRORS;
  if (rest.length) {
    publicEntries = [];
    signedInEntries = [];
    formErrorEntries = [];
    for (const arg of rest) {
      const auth = arg.startsWith('auth:');
      const spec = auth ? arg.slice(5) : arg;
      const m = /^(.*)@(\d{3})$/.exec(spec);
      (auth ? signedInEntries : publicEntries).push(m ? { path: m[1], status: Number(m[2]) } : { path: spec });
    }
  }
  mkdirSync(SHOT_DIR, { recursive: true });
  for (const f of readdirSync(SHOT_DIR)) if (f.endsWith('.png')) rmSync(path.join(SHOT_DIR, f));

  const publicPages = await resolvePages(base, publicEntries);
  const signedInPages = await resolvePages(base, signedInEntries);
  const formErrorPages = await resolvePages(base, formErrorEntries);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const report = (entry, { url, problems, notes }, suffix = '') => {
    const label = `${entry.label ?? entry.path}${suffix}`;
    if (problems.length === 0) {
      passed++;
      console.log(`PASS ${label}${entry.status !== 200 ? ` (HTTP ${entry.status} as expected)` : ''}`);
    } else {
      failed++;
      console.log(`FAIL ${label}  (${url}, expecting HTTP ${entry.status})`);
      for (const p of problems) console.log(`     - ${p}`);
    }
    for (const n of notes) console.log(`       ${n}`);
  };
  try {
    for (const entry of publicPages) report(entry, await checkPage(browser, base, entry));

    if (signedInPages.length && (!CI_EMAIL || !CI_PASSWORD)) {
      skipped += signedInPages.length;
      console.log(`NOTE ACOGE_CI_EMAIL / ACOGE_CI_PASSWORD unset: skipping ${signedInPages.length} signed-in page(s): ${signedInPages.map((e) => e.path).join(' ')}`);
      console.log('     (.ci/run creates that account and sets both; by hand, create one with `acoge user add` and export them)');
    } else if (signedInPages.length) {
      const session = await signIn(browser, base, CI_EMAIL, CI_PASSWORD);
      if (!session.error) console.log(`signed in as ${CI_EMAIL} through the /entrar form`);
      try {
        for (const entry of signedInPages) report(entry, await checkPage(browser, base, entry, session), ' (signed in)');
      } finally {
        await session.context?.close();
      }
    }

    for (const entry of formErrorPages) report(entry, await checkPage(browser, base, entry));
  } finally {
    await browser.close();
  }
  console.log(`screenshots: ${SHOT_DIR}`);
  if (skipped) console.log(`(${skipped} signed-in page(s) skipped: no credentials)`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

main().catch((err) => {
  console.error(err);
  console.log('0 passed, 1 failed');
  process.exit(1);
});
