'use strict';
// One journey at one width: a fresh Chromium profile, watchers that turn
// console errors, failed requests and untranslated message keys into
// failures, and the small vocabulary the journeys are written in.

const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const PASSWORD = 'binhyen-demo-2025';

// Message keys as the catalogue writes them (`models.title`, `nav.home`):
// one of these showing in a page means a template asked for a key the
// catalogue does not have. The prefixes are the brief's list plus every
// prefix the catalogue itself uses.
function keyPattern(repoRoot) {
  const prefixes = new Set([
    'nav', 'units', 'models', 'level', 'kind', 'role', 'error', 'sector', 'rating',
    'model_status', 'activity', 'target', 'action', 'account', 'users', 'audit', 'login',
    'succession',
  ]);
  try {
    const src = fs.readFileSync(path.join(repoRoot, 'crates/web/src/i18n.rs'), 'utf8');
    for (const m of src.matchAll(/^\s*\("([a-z_]+)\.[a-z0-9_.]+",/gm)) prefixes.add(m[1]);
    // The coded values' labels the catalogue takes from the domain
    // (`coded_terms`: `("doc_kind", d::Kind::ALL …)`).
    for (const m of src.matchAll(/"([a-z_]+)",\s*(?:d|domain)::/g)) prefixes.add(m[1]);
  } catch {
    // The brief's list alone still catches the usual ones.
  }
  return new RegExp(`\\b(?:${[...prefixes].join('|')})\\.[a-z_][a-z0-9_]*\\b`, 'g');
}

function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// Journeys with a browser open, closed by an interrupted run.
const LIVE = new Set();

class Journey {
  constructor({ name, width, base, shotsDir, keyRe, repoRoot }) {
    this.name = name;
    this.width = width;
    this.base = base;
    this.shotsDir = shotsDir;
    this.keyRe = keyRe;
    this.repoRoot = repoRoot;
    this.problems = [];
    this.warnings = [];
    this.allowed = []; // [{status, re}] answers a step expects
    this.shotCount = 0;
    this.assert = assert;
    this.tag = `${width}`; // tells apart what the two widths create
  }

  async open() {
    LIVE.add(this);
    this.profile = fs.mkdtempSync(path.join(os.tmpdir(), 'binhyen-e2e-chromium-'));
    this.downloadsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'binhyen-e2e-downloads-'));
    const phone = this.width < 600;
    this.context = await chromium.launchPersistentContext(this.profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: this.width, height: phone ? 844 : 768 },
      isMobile: phone,
      hasTouch: phone,
      deviceScaleFactor: 1,
      acceptDownloads: true,
      downloadsPath: this.downloadsDir,
      locale: 'vi-VN',
      timezoneId: 'Asia/Ho_Chi_Minh',
    });
    this.context.setDefaultTimeout(15000);
    this.context.setDefaultNavigationTimeout(30000);
    this.page = this.context.pages()[0] || (await this.context.newPage());
    for (const p of this.context.pages()) this.watch(p);
    this.context.on('page', (p) => this.watch(p));
  }

  async close() {
    try {
      if (this.context) await this.context.close();
    } finally {
      LIVE.delete(this);
      fs.rmSync(this.profile, { recursive: true, force: true });
      fs.rmSync(this.downloadsDir, { recursive: true, force: true });
    }
  }

  problem(kind, text) {
    this.problems.push(`${kind}: ${text}`);
  }

  isAllowed(status, url) {
    return this.allowed.some((a) => a.status === status && (!a.re || a.re.test(url)));
  }

  watch(page) {
    page.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      const text = msg.text();
      // Chromium reports every 4xx/5xx answer on the console too; the
      // response watcher judges those (some are expected).
      const m = /the server responded with a status of (\d+)/.exec(text);
      const where = msg.location() && msg.location().url;
      if (m && this.isAllowed(Number(m[1]), where || '')) return;
      this.problem('console error', `${text}${where ? ` (${where})` : ''} on ${page.url()}`);
    });
    page.on('pageerror', (err) => this.problem('page error', `${err.message} on ${page.url()}`));
    page.on('requestfailed', (req) => {
      const failure = req.failure() ? req.failure().errorText : 'failed';
      // A link with `download` ends its request once the file is saved.
      if (failure === 'net::ERR_ABORTED' && this.downloading) return;
      // A picker's suggestions still on their way when the form is sent.
      if (failure === 'net::ERR_ABORTED' && req.resourceType() === 'fetch' && /\/api\/v1\/(org-units|models)\?/.test(req.url())) return;
      this.problem('request failed', `${req.method()} ${req.url()}: ${failure}`);
    });
    page.on('response', (resp) => {
      const status = resp.status();
      if (status < 400) return;
      const url = resp.url();
      if (this.isAllowed(status, url)) return;
      this.problem('bad response', `${status} ${resp.request().method()} ${url}`);
    });
  }

  url(p) {
    return new URL(p, this.base).toString();
  }

  /** Runs `fn` while answers with these statuses (on URLs matching `re`) are expected. */
  async expecting(statuses, re, fn) {
    const entries = [].concat(statuses).map((status) => ({ status, re }));
    this.allowed.push(...entries);
    try {
      return await fn();
    } finally {
      // Late console messages of the allowed answers still arrive after
      // the step: keep the allowance a moment.
      await this.page.waitForTimeout(50);
      this.allowed = this.allowed.filter((a) => !entries.includes(a));
    }
  }

  /** Types an address into the browser and waits for the page. */
  async goto(p, { status = 200 } = {}) {
    const run = async () => {
      const resp = await this.page.goto(this.url(p), { waitUntil: 'load' });
      assert.ok(resp, `no response for ${p}`);
      assert.equal(resp.status(), status, `GET ${p}: status ${resp.status()}, expected ${status}`);
      await this.scan();
      return resp;
    };
    return status >= 400 ? this.expecting(status, new RegExp(escapeRe(this.url(p).split('?')[0])), run) : run();
  }

  /** Does `action` (a click, a key) and waits for the page it leads to. */
  async nav(action, { url } = {}) {
    const page = this.page;
    const navigated = page.waitForEvent('framenavigated', {
      predicate: (f) => f === page.mainFrame(),
      timeout: 30000,
    });
    // If the action throws, the wait must not end as an unhandled rejection.
    navigated.catch(() => {});
    await action();
    await navigated;
    await page.waitForLoadState('load');
    if (url) await page.waitForURL(url, { timeout: 10000 });
    await this.scan();
  }

  /** Clicks a link or button and waits for the next page. */
  async click(locator, opts) {
    const loc = typeof locator === 'string' ? this.page.locator(locator) : locator;
    // On a phone the menu folds behind its button: open it, as a person would.
    const menu = this.page.locator('label.menu-button');
    if (this.width < 600 && (await loc.count()) > 0 && !(await loc.first().isVisible()) && (await menu.isVisible())) {
      await menu.click();
    }
    await loc.scrollIntoViewIfNeeded();
    await this.nav(() => loc.click(), opts);
  }

  /** Looks for untranslated message keys in what the page shows. */
  async scan() {
    const page = this.page;
    let text;
    try {
      text = await page.evaluate(() => {
        const parts = [document.title, document.body ? document.body.innerText : ''];
        for (const el of document.querySelectorAll('[placeholder], [title], input[type=submit], input[type=button]')) {
          parts.push(el.getAttribute('placeholder') || '', el.getAttribute('title') || '', el.value || '');
        }
        return parts.join('\n');
      });
    } catch (e) {
      this.problem('scan', `could not read ${page.url()}: ${e.message}`);
      return;
    }
    const found = new Set(text.match(this.keyRe) || []);
    for (const k of found) this.problem('untranslated key', `"${k}" on ${page.url()}`);
    // A phone must not need sideways scrolling (wide tables scroll inside
    // their own box), and no text may be smaller than 12 px there.
    if (this.width < 600) {
      const where = new URL(page.url()).pathname;
      const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth).catch(() => 0);
      if (over > 1) this.problem('phone', `page ${where} is ${over}px wider than the ${this.width}px screen`);
      const tiny = await page.evaluate(() => {
        const out = [];
        for (const el of document.querySelectorAll('body *')) {
          const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
          if (!own || !el.getClientRects().length) continue;
          let size = parseFloat(getComputedStyle(el).fontSize);
          // Text in a drawing is as small as the drawing is scaled down.
          const svg = el.closest('svg');
          if (svg && svg.viewBox && svg.viewBox.baseVal && svg.viewBox.baseVal.width) {
            size *= svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
          }
          if (size < 11.95) out.push(`${el.tagName.toLowerCase()} ${size}px "${el.textContent.trim().slice(0, 30)}"`);
        }
        return out.slice(0, 3);
      }).catch(() => []);
      if (tiny.length) this.problem('phone', `text under 12px on ${where}: ${tiny.join('; ')}`);
    }
    return text;
  }

  /**
   * A check of a bug found and fixed: it fails like any assertion; with
   * E2E_STRICT=0 it is only noted (to see the rest of a run through).
   */
  knownBug(ok, text) {
    if (ok) return;
    if (process.env.E2E_STRICT !== '0') assert.fail(text);
    const msg = `known bug: ${text}`;
    if (!this.warnings.includes(msg)) this.warnings.push(msg);
  }

  async text(locator) {
    const loc = typeof locator === 'string' ? this.page.locator(locator) : locator;
    return (await loc.innerText()).trim();
  }

  async shot(step) {
    this.shotCount += 1;
    const n = String(this.shotCount).padStart(2, '0');
    const file = path.join(this.shotsDir, `${this.name}-${this.width}-${n}-${step}.png`);
    await this.page.screenshot({ path: file, fullPage: true });
    return file;
  }

  /** Clicks a download link; returns { name, bytes }. */
  async download(locator) {
    const loc = typeof locator === 'string' ? this.page.locator(locator) : locator;
    this.downloading = true;
    try {
      const [dl] = await Promise.all([this.page.waitForEvent('download'), loc.click()]);
      const failure = await dl.failure();
      assert.equal(failure, null, `download of ${dl.url().slice(0, 100)} failed: ${failure}`);
      const file = await dl.path();
      return { name: dl.suggestedFilename(), bytes: fs.readFileSync(file), url: dl.url() };
    } finally {
      await this.page.waitForTimeout(100);
      this.downloading = false;
    }
  }

  async login(username, password = PASSWORD) {
    await this.goto('/login');
    await this.page.locator('#username').fill(username);
    await this.page.locator('#password').fill(password);
    await this.click(this.page.locator('form[action="/login"] button[type=submit]'));
    assert.ok(!new URL(this.page.url()).pathname.startsWith('/login'), `login as ${username} stayed on ${this.page.url()}`);
    await this.page.locator('header .who a.user').waitFor();
  }

  async logout() {
    const button = this.page.locator('header form[action="/logout"] button');
    await this.click(button);
    assert.equal(new URL(this.page.url()).pathname, '/login', `logout went to ${this.page.url()}`);
    assert.equal(await this.page.locator('header .who a.user').count(), 0, 'still shown as logged in after logout');
  }

  /**
   * Types into a search box that submits itself after a pause (the units
   * list) and waits for the results. Pressing the button as well would
   * race the box's own submit.
   */
  async searchAsYouType(selector, value) {
    const box = this.page.locator(selector);
    await box.click();
    // One input event for the whole word: typed key by key on a starved
    // machine, a pause between two keys could submit half a word.
    await this.nav(() => box.fill(value), {
      url: (u) => new URL(u).searchParams.get('q') === value,
    });
  }

  /** The number at the start of the list's count line ("325 mô hình", "Hơn 10000 mô hình"). */
  async count() {
    const t = await this.text('p.count');
    const m = /^(?:Hơn |More than )?(\d+)/.exec(t);
    assert.ok(m, `no count in "${t}"`);
    return Number(m[1]);
  }

  /** Opens a list's folded filters (folded on a phone), as a person would. */
  async openFilters() {
    const more = this.page.locator('details.more-filters');
    if ((await more.count()) && !(await more.first().evaluate((d) => d.open))) {
      await more.first().locator('summary').click();
    }
  }

  /** Picks the option of a <select> whose text starts with `prefix`. */
  async selectStarting(select, prefix) {
    const loc = this.page.locator(select);
    const value = await loc.evaluate((el, pre) => {
      const o = [...el.options].find((o) => o.textContent.trim().startsWith(pre));
      return o ? o.value : null;
    }, prefix);
    assert.ok(value !== null, `${select} has no option starting with "${prefix}"`);
    await loc.selectOption(value);
    return value;
  }

  /** Header texts of a table's columns the page does not show. */
  async hiddenColumns(tableLocator) {
    const table = typeof tableLocator === 'string' ? this.page.locator(tableLocator) : tableLocator;
    return table.locator('thead th').evaluateAll((ths) =>
      ths.filter((th) => getComputedStyle(th).display === 'none').map((th) => th.textContent.trim()));
  }

  /** Texts of one column of a table body's rows. */
  async column(tableLocator, index) {
    const table = typeof tableLocator === 'string' ? this.page.locator(tableLocator) : tableLocator;
    return table.locator('tbody tr').evaluateAll(
      (rows, i) => rows.map((r) => (r.children[i] ? r.children[i].innerText.trim() : '')),
      index,
    );
  }
}

/** Closes every open browser (an interrupted run), within `ms`. */
async function closeAll(ms = 5000) {
  const all = Promise.allSettled([...LIVE].map((j) => j.close()));
  await Promise.race([all, new Promise((r) => setTimeout(r, ms))]);
}

module.exports = { Journey, keyPattern, closeAll, PASSWORD };
