'use strict';
// Starts the real binhyen binary with the demo data on a free port of
// 127.0.0.1 and a fresh data folder, and stops it again.

const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The local PostgreSQL server the harness's seeded demo lives on. */
const PG_BASE = 'postgres://postgres@127.0.0.1:5432';

async function healthy(base) {
  try {
    const r = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2000) });
    return r.status === 200;
  } catch {
    return false;
  }
}

/**
 * Fills `dataDir` with a copy of the harness's seeded demo
 * (scripts/verify_lib.py seeds it once per binary and day), so that
 * `demo` only prints its accounts. E2E_FRESH_DEMO=1 seeds afresh.
 */
function copySeededDemo(bin, dataDir, pgName) {
  if (process.env.E2E_FRESH_DEMO === '1' && !pgName) return;
  // verify_lib copies into a folder that does not exist yet.
  fs.rmdirSync(dataDir);
  const args = pgName ? ['demo-copy', 'postgres', pgName, dataDir] : ['demo-copy', 'sqlite', dataDir];
  const r = spawnSync('python3', [path.join(__dirname, '..', '..', 'scripts', 'verify_lib.py'), ...args], {
    env: { ...process.env, BINHYEN_BIN: bin },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (r.status !== 0) throw new Error(`the seeded demo could not be copied (python3 scripts/verify_lib.py: ${r.status})`);
}

/**
 * Starts `binhyen --data-dir DIR demo --listen 127.0.0.1:PORT` and waits
 * for /healthz to answer 200 (up to `timeoutMs`). The server's output goes
 * to `logFile`. Returns { base, stop(), logText(), exited }. The demo
 * writes and approves every indicator of every data set before it
 * listens: 40–50 s on a quiet machine (as fuzz-api's wait, 120 s).
 */
async function startServer({ bin, logFile, timeoutMs = 120000 }) {
  if (!fs.existsSync(bin)) {
    throw new Error(`server binary not found: ${bin} (build it with \`cargo build -p binhyen\` or set BINHYEN_BIN)`);
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'binhyen-e2e-data-'));
  // E2E_DATABASE=postgres: a copy of the seeded PostgreSQL demo in a
  // database of its own on the local server (dropped at the end).
  const pg = process.env.E2E_DATABASE === 'postgres';
  const pgName = pg ? `binhyen_e2e_${process.pid}_${Date.now() % 100000}` : null;
  copySeededDemo(bin, dataDir, pgName);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const log = fs.openSync(logFile, 'w');
  const dbArgs = ['--data-dir', dataDir, ...(pg ? ['--database-url', `${PG_BASE}/${pgName}`] : [])];
  const child = spawn(bin, [...dbArgs, 'demo', '--listen', `127.0.0.1:${port}`], {
    stdio: ['ignore', log, log],
    env: { ...process.env, NO_COLOR: '1', RUST_BACKTRACE: '1' },
  });
  let exited = null;
  const exitPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    });
  });
  const logText = () => {
    try {
      return fs.readFileSync(logFile, 'utf8');
    } catch {
      return '';
    }
  };
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (exited === null) {
      child.kill('SIGTERM');
      const t = setTimeout(() => {
        if (exited === null) child.kill('SIGKILL');
      }, 5000);
      await exitPromise;
      clearTimeout(t);
    }
    fs.closeSync(log);
    fs.rmSync(dataDir, { recursive: true, force: true });
    if (pgName) {
      spawnSync('psql', ['-q', '-d', `${PG_BASE}/postgres`, '-c', `DROP DATABASE IF EXISTS "${pgName}" WITH (FORCE)`], { stdio: 'ignore' });
    }
  };

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited !== null) {
      const text = logText();
      await stop();
      throw new Error(`server exited before it was ready (${JSON.stringify(exited)}):\n${text.slice(-3000)}`);
    }
    if (await healthy(base)) break;
    if (Date.now() > deadline) {
      const text = logText();
      await stop();
      throw new Error(`server not healthy after ${timeoutMs / 1000} s:\n${text.slice(-3000)}`);
    }
    await sleep(250);
  }
  return { base, stop, logText, get exited() { return exited; } };
}

module.exports = { startServer };
