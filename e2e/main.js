'use strict';
// Runs every journey at a phone width and a desktop width against one
// freshly started demo server, and prints one summary line.
//
//   BINHYEN_BIN   the server binary (absolute; `run` resolves it)
//   E2E_ONLY      comma-separated journey names to run (default: all)
//   E2E_WIDTHS    comma-separated widths (default: 390,1366)

const fs = require('node:fs');
const path = require('node:path');
const { startServer } = require('./lib/server');
const { Journey, keyPattern, closeAll } = require('./lib/journey');

const ROOT = path.resolve(__dirname, '..');
const SHOTS = path.join(__dirname, 'screenshots');
const JOURNEYS = ['login', 'hierarchy', 'models', 'admin', 'scope', 'statistics', 'catalogue', 'home', 'certification', 'forces', 'training', 'documents', 'programs', 'directives', 'commendations', 'events', 'reviews', 'tips'];

async function main() {
  const started = Date.now();
  const bin = process.env.BINHYEN_BIN || path.join(ROOT, 'target/debug/binhyen');
  const only = (process.env.E2E_ONLY || '').split(',').map((s) => s.trim()).filter(Boolean);
  const widths = (process.env.E2E_WIDTHS || '390,1366').split(',').map(Number);
  const journeys = JOURNEYS.filter((n) => !only.length || only.includes(n)).map((n) => require(`./journeys/${n}`));
  if (!journeys.length) throw new Error(`no journey named ${only.join(', ')}`);

  fs.mkdirSync(SHOTS, { recursive: true });
  for (const f of fs.readdirSync(SHOTS)) {
    if (f.endsWith('.png') || f.endsWith('.log')) fs.rmSync(path.join(SHOTS, f));
  }
  const keyRe = keyPattern(ROOT);
  const server = await startServer({ bin, logFile: path.join(SHOTS, 'server.log') });
  const db = process.env.E2E_DATABASE === 'postgres' ? 'postgres' : 'sqlite';
  console.log(`e2e: server ready at ${server.base} on ${db} in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const results = [];
  let interrupted = false;
  const onSignal = (sig) => {
    interrupted = true;
    process.on('unhandledRejection', () => {}); // the browsers are going away
    console.log(`e2e: FAILED: interrupted by ${sig}`);
    Promise.allSettled([closeAll(), server.stop()]).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  // One worker per width, each through every journey in order; the widths
  // run side by side (E2E_SERIAL=1 runs them one after the other).
  const runWidth = async (width) => {
    for (const def of journeys) {
      if (interrupted) break;
      results.push(await runOne(def, width, server, keyRe));
    }
  };
  try {
    if (process.env.E2E_SERIAL === '1') {
      for (const w of widths) await runWidth(w);
    } else {
      await Promise.all(widths.map(runWidth));
    }
  } finally {
    await server.stop();
  }
  // A panic or an ERROR line in the server's log fails the run too.
  const panics = server.logText().split('\n').filter((l) => /panicked|\bERROR\b/.test(l));
  for (const l of panics) console.log(`  server log: ${l}`);

  const secs = Math.round((Date.now() - started) / 1000);
  const failed = results.filter((r) => !r.ok);
  const expected = journeys.length * widths.length;
  if (!failed.length && !panics.length && results.length === expected) {
    console.log(`e2e: ${journeys.length} journeys × ${widths.length} widths passed on ${db} in ${secs} s`);
    return 0;
  }
  const what = failed.map((r) => `${r.name}@${r.width}`).join(', ');
  console.log(
    `e2e: FAILED ${failed.length} of ${expected} journey runs (${journeys.length} journeys × ${widths.length} widths)` +
      `${what ? `: ${what}` : ''}${panics.length ? `; ${panics.length} server panic/ERROR line(s)` : ''}` +
      `${results.length < expected ? `; ${expected - results.length} not run` : ''} in ${secs} s` +
      ` (screenshots and server.log in e2e/screenshots/)`,
  );
  return 1;
}

async function runOne(def, width, server, keyRe) {
  const t0 = Date.now();
  const j = new Journey({ name: def.name, width, base: server.base, shotsDir: SHOTS, keyRe, repoRoot: ROOT });
  let error = null;
  try {
    await j.open();
    await def.run(j);
    await j.scan();
    await j.shot('end');
  } catch (e) {
    error = e;
    try {
      if (j.page) await j.shot('FAILED');
    } catch {
      // The browser may be gone.
    }
  } finally {
    try {
      await j.close();
    } catch (e) {
      j.problem('browser', `close failed: ${e.message}`);
    }
  }
  if (server.exited) j.problem('server', `exited during the journey: ${JSON.stringify(server.exited)}`);
  const ok = !error && j.problems.length === 0;
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  const lines = [`  ${ok ? 'ok  ' : 'FAIL'} ${def.name} @${width}px (${secs} s) · ${def.title}`];
  if (error) lines.push(`       ${String(error.stack || error).split('\n').slice(0, 6).join('\n       ')}`);
  for (const p of j.problems) lines.push(`       ${p}`);
  for (const w of j.warnings) lines.push(`       note: ${w}`);
  console.log(lines.join('\n'));
  return { name: def.name, width, ok };
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`e2e: FAILED: ${e.stack || e}`);
    process.exit(1);
  },
);
