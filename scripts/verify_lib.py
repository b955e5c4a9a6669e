"""Shared helpers of scripts/load, scripts/crash and scripts/faults.

Python 3 standard library only. Everything talks to 127.0.0.1. Servers,
temporary folders and PostgreSQL databases made here are removed at exit
(normal end, failure, Ctrl-C or SIGTERM): `cleanup()` runs from atexit and
from the signal handlers installed by `install_cleanup()`.
"""

import atexit
import fcntl
import hashlib
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.abspath(os.path.join(ROOT, os.environ.get("BINHYEN_BIN", "target/debug/binhyen")))
PG_ADMIN_URL = os.environ.get("BINHYEN_TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
PG_HOST = "127.0.0.1"
PG_USER = "postgres"
PG_PORT = "5432"
DEMO_PASSWORD = "binhyen-demo-2025"

_servers = []  # Server objects still possibly running
_dirs = []  # temporary folders
_databases = []  # PostgreSQL databases
_finalizers = []  # extra callables (run first, last registered first)


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def check_binary():
    if not (os.path.isfile(BIN) and os.access(BIN, os.X_OK)):
        log(f"binary not found: {BIN} (build it, or set BINHYEN_BIN)")
        sys.exit(2)


def temp_dir(prefix):
    d = tempfile.mkdtemp(prefix=f"binhyen-{prefix}-")
    _dirs.append(d)
    return d


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---- PostgreSQL -------------------------------------------------------------


def pg_available():
    r = subprocess.run(
        ["psql", "-h", PG_HOST, "-p", PG_PORT, "-U", PG_USER, "-d", "postgres", "-Atc", "SELECT 1"],
        capture_output=True, text=True, timeout=10,
    )
    return r.returncode == 0


def pg_create(tag):
    name = f"binhyen_{tag}_{os.getpid()}_{random.randrange(1 << 30)}"
    subprocess.run(["createdb", "-h", PG_HOST, "-p", PG_PORT, "-U", PG_USER, name], check=True)
    _databases.append(name)
    return name, f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"


def pg_drop(name):
    subprocess.run(
        ["dropdb", "-h", PG_HOST, "-p", PG_PORT, "-U", PG_USER, "--if-exists", "--force", name],
        capture_output=True, timeout=30,
    )


# ---- the server -------------------------------------------------------------


class Server:
    """One `binhyen` process on 127.0.0.1 with its own log file."""

    def __init__(self, db_args, workdir, port=None):
        self.db_args = list(db_args)  # ["--data-dir", D] or ["--database-url", U]
        self.workdir = workdir
        self.port = port or free_port()
        self.proc = None
        self.starts = 0
        self.log_path = os.path.join(workdir, "server.log")

    @property
    def base(self):
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def cli(self, *args, stdin=None, check=True, timeout=120):
        """Runs a `binhyen` command on the same database."""
        r = subprocess.run(
            [BIN, *self.db_args, *args], input=stdin, capture_output=True, text=True,
            timeout=timeout,
        )
        if check and r.returncode != 0:
            raise RuntimeError(f"binhyen {' '.join(args)} failed ({r.returncode}): {r.stderr.strip()[-800:]}")
        return r

    def start(self, command="serve", wait=None, extra_env=None):
        # `demo` seeds before it listens: on PostgreSQL about 110 s on two
        # idle cores (every monthly form asks the registers for their
        # figures), over 240 s on a busy machine: a slow seed is not what
        # the parts test, so it may take up to 10 minutes.
        if wait is None:
            wait = 600 if command == "demo" else 90
        env = dict(os.environ)
        env.setdefault("BINHYEN_LOG", "info,sqlx=warn")
        if extra_env:
            env.update(extra_env)
        logf = open(self.log_path, "ab")
        logf.write(f"\n==== start {self.starts} ({command}) at {time.time():.3f}\n".encode())
        logf.flush()
        self.proc = subprocess.Popen(
            [BIN, *self.db_args, command, "--listen", f"127.0.0.1:{self.port}"],
            stdout=logf, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            env=env, start_new_session=True,
        )
        logf.close()
        self.starts += 1
        if self not in _servers:
            _servers.append(self)
        if wait:
            self.wait_healthy(wait)
        return self

    def wait_healthy(self, timeout=90):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode} at start:\n{self.log_tail()}")
            try:
                st, _ = http_request(self.base, "GET", "/healthz", timeout=2)
                if st == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"server not healthy after {timeout}s:\n{self.log_tail()}")

    def kill9(self):
        if self.proc and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def stop(self, timeout=15):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill9()
        if self in _servers:
            _servers.remove(self)

    def rss_kib(self):
        """Memory the server holds (RssAnon: heap, stacks, SQLite's caches).
        The database pages SQLite reads through its memory map are the OS's
        page cache, counted in VmRSS as file pages: they come and go with
        what was read, and are not the server's to leak."""
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("RssAnon:"):
                    return int(line.split()[1])
        return 0

    def log_tail(self, n=30):
        try:
            with open(self.log_path, "rb") as f:
                lines = f.read().decode("utf-8", "replace").splitlines()
            return "\n".join(lines[-n:])
        except OSError:
            return "(no log)"

    def token(self, username):
        return self.cli("token", "create", "--username", username).stdout.strip()


def sqlite_server(tag, command="demo", **kw):
    d = temp_dir(tag)
    data = os.path.join(d, "data")
    if command == "demo":
        demo_copy_sqlite(data)
    s = Server(["--data-dir", data], d)
    s.data_dir = data
    s.start(command, **kw)
    _demo_seeded_once(s, command, kw)
    return s


def postgres_server(tag, command="demo", **kw):
    d = temp_dir(tag)
    # The data folder holds only the national-ID key (the demo's members
    # carry sealed ID numbers): a copied demo needs its template's key.
    data = os.path.join(d, "data")
    if command == "demo":
        name, url = demo_copy_postgres(tag, data)
    else:
        name, url = pg_create(tag)
    s = Server(["--data-dir", data, "--database-url", url], d)
    s.db_name = name
    s.db_url = url
    s.start(command, **kw)
    _demo_seeded_once(s, command, kw)
    return s


def _demo_seeded_once(server, command, kw):
    """A demo started on a copy of the seeded one must find everything
    there: a record it writes again is a seeding that is not idempotent."""
    if command != "demo" or kw.get("wait") == 0 or os.environ.get("DEMO_FRESH") == "1":
        return
    with open(server.log_path, encoding="utf-8", errors="replace") as f:
        this_start = f.read().rsplit("==== start ", 1)[-1]
    plain = re.sub(r"\x1b\[[0-9;]*m", "", this_start)
    again = [line for line in plain.splitlines() if "binhyen::demo" in line and " created" in line]
    if again:
        raise RuntimeError(f"the demo wrote again on its own seeded data: {again[0][-200:]}")


# ---- the seeded demo, made once a run --------------------------------------
#
# `binhyen demo` writes and approves some 52,000 figures before it listens:
# 25–35 s on two quiet cores, 90 s and more when the machine is busy, and
# nearly every part of the harness starts one or two. The first start of
# each database kind seeds a template (so the seeding itself still runs
# every time); later ones copy it, and their `demo` finds its data there and
# only prints the accounts. The key is the binary and the day (the demo's
# months end last month). DEMO_FRESH=1 seeds every server afresh.

DEMO_CACHE = os.path.join(ROOT, "target", "verify-demo")
# A checkout's own templates: two checkouts verifying at once on one
# PostgreSQL (a clean CI clone beside a working tree) must not drop each
# other's as stale.
PG_TEMPLATE_PREFIX = "binhyen_demotpl_" + hashlib.sha1(ROOT.encode()).hexdigest()[:6] + "_"


def _demo_key():
    st = os.stat(BIN)
    raw = f"{BIN}:{st.st_mtime_ns}:{st.st_size}:{time.strftime('%Y-%m-%d')}"
    return hashlib.sha1(raw.encode()).hexdigest()[:12]


def _demo_lock(kind):
    os.makedirs(DEMO_CACHE, exist_ok=True)
    f = open(os.path.join(DEMO_CACHE, f"{kind}.lock"), "w")
    fcntl.flock(f, fcntl.LOCK_EX)
    return f


def _seed_template(db_args, workdir):
    s = Server(db_args, workdir)
    try:
        s.start("demo")
    finally:
        s.stop(60)


def _clear_stale(kind, key):
    for entry in os.listdir(DEMO_CACHE):
        if entry.startswith(f"{kind}-") and entry != f"{kind}-{key}":
            shutil.rmtree(os.path.join(DEMO_CACHE, entry), ignore_errors=True)


def demo_copy_sqlite(data_dir):
    """Fills `data_dir` (absent) with a seeded demo database."""
    if os.environ.get("DEMO_FRESH") == "1":
        return
    key = _demo_key()
    template = os.path.join(DEMO_CACHE, f"sqlite-{key}")
    with _demo_lock("sqlite"):
        if not os.path.isdir(template):
            _clear_stale("sqlite", key)
            work = tempfile.mkdtemp(prefix="seeding-", dir=DEMO_CACHE)
            _seed_template(["--data-dir", os.path.join(work, "data")], work)
            os.rename(os.path.join(work, "data"), template)
            shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(template, data_dir)


def _pg_exists(name):
    r = subprocess.run(
        ["psql", "-h", PG_HOST, "-p", PG_PORT, "-U", PG_USER, "-d", "postgres", "-Atc",
         f"SELECT datname FROM pg_database WHERE datname LIKE '{PG_TEMPLATE_PREFIX}%'"],
        capture_output=True, text=True, timeout=30, check=True,
    )
    names = r.stdout.split()
    return name in names, [n for n in names if n != name]


def demo_copy_postgres(tag, data_dir, name=None):
    """A new database (`name`, or one made from `tag`) holding a seeded
    demo, its key in `data_dir`: (name, url). Dropped at exit like
    pg_create's."""
    if os.environ.get("DEMO_FRESH") == "1":
        return pg_create(tag)
    key = _demo_key()
    template = PG_TEMPLATE_PREFIX + key
    keys = os.path.join(DEMO_CACHE, f"postgres-{key}")
    with _demo_lock("postgres"):
        there, stale = _pg_exists(template)
        if not (there and os.path.isdir(keys)):
            for old in stale + ([template] if there else []):
                pg_drop(old)
            _clear_stale("postgres", key)
            work = tempfile.mkdtemp(prefix="seeding-", dir=DEMO_CACHE)
            subprocess.run(["createdb", "-h", PG_HOST, "-p", PG_PORT, "-U", PG_USER, template], check=True)
            url = f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{template}"
            try:
                _seed_template(["--data-dir", os.path.join(work, "data"), "--database-url", url], work)
            except Exception:
                pg_drop(template)
                raise
            # The keys of a template that is gone are no use: replaced.
            shutil.rmtree(keys, ignore_errors=True)
            os.rename(os.path.join(work, "data"), keys)
            shutil.rmtree(work, ignore_errors=True)
        name = name or f"binhyen_{tag}_{os.getpid()}_{random.randrange(1 << 30)}"
        subprocess.run(["createdb", "-h", PG_HOST, "-p", PG_PORT, "-U", PG_USER, "-T", template, name], check=True)
    _databases.append(name)
    shutil.copytree(keys, data_dir)
    return name, f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"


# ---- HTTP ---------------------------------------------------------------------


def http_request(base, method, path, token=None, body=None, timeout=10):
    """Returns (status, parsed JSON or text). Raises OSError on socket errors."""
    host, port = base.rsplit("//", 1)[1].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        headers = {}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        conn.request(method, path, body=data, headers=headers)
        r = conn.getresponse()
        raw = r.read()
        text = raw.decode("utf-8", "replace")
        if "json" in (r.getheader("Content-Type") or ""):
            try:
                return r.status, json.loads(text)
            except ValueError:
                pass
        return r.status, text
    finally:
        conn.close()


def api(server, method, path, token, body=None, timeout=10, expect=(200, 201)):
    st, data = http_request(server.base, method, path, token, body, timeout)
    if expect and st not in expect:
        raise RuntimeError(f"{method} {path}: HTTP {st}: {str(data)[:300]}")
    return data


def model_placements(server, token, pages=5):
    """(model ids, (type_id, org_unit_id, founded_on) triples, org unit ids) of
    the demo models: a new model placed like an existing one is valid (the
    unit existed on that date and takes that type)."""
    ids, pairs, units = [], set(), set()
    for p in range(1, pages + 1):
        data = api(server, "GET", f"/api/v1/models?per_page=100&page={p}", token)
        for m in data["items"]:
            ids.append(m["id"])
            pairs.add((m["type_id"], m["org_unit_id"], m["founded_on"]))
            units.add(m["org_unit_id"])
        if len(data["items"]) < 100:
            break
    return ids, sorted(pairs), sorted(units)


class Writer(threading.Thread):
    """Writes without pause; notes what was sent and what was acknowledged."""

    def __init__(self, server, token, n, models, placements, tag, pause=0.0):
        super().__init__(daemon=True)
        self.pause = pause
        self.server, self.token, self.n = server, token, n
        self.models, self.placements, self.tag = models, placements, tag
        self.stop = threading.Event()
        self.sent_activities = {}  # description -> (model id, participants)
        self.sent_models = {}  # name -> (type id, unit id, founded_on)
        # acknowledged (HTTP 201) writes, with the time the answer arrived
        self.acked_activities = []  # (activity id, model id, description, participants, t)
        self.acked_models = []  # (model id, name, type id, unit id, founded_on, t)
        self.refused = 0  # connection refused/reset (server down)
        self.refusals = []  # every answer other than 201: (status, body)
        self.unexpected = []  # those other than 503: a failure
        self.error = None  # why the thread ended before stop(), if it did (a traceback)

    def run(self):
        try:
            self._write()
            if not self.stop.is_set():
                self.error = "ended before it was stopped"
        except BaseException:  # any end other than stop() is a failure
            self.error = traceback.format_exc()
        if self.error:
            log(f"writer {self.n} died:\n{self.error}")

    def thread_problems(self):
        """Asked after stop() and join(): the thread ended before stop()
        (an exception, most likely), or it is still running."""
        if self.error:
            return [f"writer {self.n} died: {self.error.strip().splitlines()[-1]}"]
        if self.is_alive():
            return [f"writer {self.n} did not stop"]
        return []

    def problems(self):
        """thread_problems(), and answers other than 201 and 503."""
        return [f"writer {self.n}: {u}" for u in self.unexpected[:3]] + self.thread_problems()

    def _write(self):
        seq = 0
        rnd = random.Random(self.n)
        while not self.stop.is_set():
            seq += 1
            if self.pause:
                time.sleep(self.pause)
            try:
                if seq % 5 == 0:
                    t, u, f = rnd.choice(self.placements)
                    name = f"Mô hình ghi {self.tag}-{self.n}-{seq}"
                    self.sent_models[name] = (t, u, f)
                    st, data = http_request(
                        self.server.base, "POST", "/api/v1/models", self.token,
                        {"type_id": t, "org_unit_id": u, "name": name, "founded_on": f}, timeout=15,
                    )
                    if st == 201:
                        self.acked_models.append((data["id"], name, t, u, f, time.time()))
                        continue
                else:
                    m = rnd.choice(self.models)
                    desc = f"Tuần tra ghi {self.tag}-{self.n}-{seq}"
                    part = rnd.randint(1, 500)
                    self.sent_activities[desc] = (m, part)
                    st, data = http_request(
                        self.server.base, "POST", f"/api/v1/models/{m}/activities", self.token,
                        {"kind": "patrol", "description": desc, "participants": part}, timeout=15,
                    )
                    if st == 201:
                        self.acked_activities.append((data["id"], m, desc, part, time.time()))
                        continue
                # 503 (database unreachable, disk full) is a clear refusal;
                # anything else is a failure
                self.refusals.append((st, data))
                if st != 503:
                    self.unexpected.append(f"HTTP {st}: {str(data)[:200]}")
            except (OSError, ValueError):
                # refused, reset, or a body cut short by the kill: not acknowledged
                self.refused += 1
                time.sleep(0.05)


def verify_writes(server, token, writers, before=None):
    """Every acknowledged record (acknowledged before `before`, if given) is
    present once and holds what was sent; any other record this run sent is
    intact if present. Returns (activities checked, models checked, other
    written records present, problems)."""
    problems = []
    acked_acts = [a[:4] for w in writers for a in w.acked_activities if before is None or a[4] < before]
    sent_acts = {}
    for w in writers:
        sent_acts.update(w.sent_activities)
    by_model = {}
    for aid, m, desc, part in acked_acts:
        by_model.setdefault(m, []).append((aid, desc, part))
    touched = {m for m, _ in sent_acts.values()}
    extra_present = 0
    for m in sorted(touched):
        items = api(server, "GET", f"/api/v1/models/{m}/activities", token)["items"]
        if len(items) >= 500:
            problems.append(f"model {m}: {len(items)} activities, over the list's bound; lower the load")
        present = {}
        seen = set()
        for it in items:
            present.setdefault(it["id"], []).append(it)
            d = it["description"]
            if d in sent_acts:
                if d in seen:
                    problems.append(f"activity written twice: {d}")
                seen.add(d)
                sm, sp = sent_acts[d]
                if sm != m or sp != it["participants"] or it["kind"] != "patrol":
                    problems.append(f"activity {it['id']} not as sent: {it}")
        for aid, desc, part in by_model.get(m, []):
            got = present.get(aid)
            if not got:
                problems.append(f"acknowledged activity {aid} on model {m} ({desc}) is missing")
            elif len(got) > 1 or got[0]["description"] != desc or got[0]["participants"] != part:
                problems.append(f"acknowledged activity {aid} changed: {got}")
        acked_here = {aid for aid, _, _ in by_model.get(m, [])}
        extra_present += sum(1 for it in items if it["description"] in sent_acts and it["id"] not in acked_here)
    acked_models = [x[:5] for w in writers for x in w.acked_models if before is None or x[5] < before]
    for mid, name, t, u, f in acked_models:
        st, data = http_request(server.base, "GET", f"/api/v1/models/{mid}", token)
        if st != 200:
            problems.append(f"acknowledged model {mid} ({name}) missing: HTTP {st}")
        elif (data["name"], data["type_id"], data["org_unit_id"], data["founded_on"]) != (name, t, u, f):
            problems.append(f"acknowledged model {mid} changed: {data}")
    return len(acked_acts), len(acked_models), extra_present, problems


# ---- SQLite checks ------------------------------------------------------------


def sqlite_integrity(path):
    """`PRAGMA integrity_check` and `foreign_key_check` on a closed database file."""
    import sqlite3

    con = sqlite3.connect(f"file:{path}?mode=rw", uri=True, timeout=30)
    try:
        rows = [r[0] for r in con.execute("PRAGMA integrity_check")]
        fk = con.execute("PRAGMA foreign_key_check").fetchall()
    finally:
        con.close()
    problems = [] if rows == ["ok"] else rows[:5]
    if fk:
        problems.append(f"{len(fk)} foreign key violations, e.g. {fk[:3]}")
    return problems


# ---- cleanup --------------------------------------------------------------------


def at_cleanup(fn):
    _finalizers.append(fn)


def cleanup():
    # servers first (they hold files on mounts), then the registered
    # finalizers (PostgreSQL back up, mounts released), then databases
    for s in list(_servers):
        try:
            if s.proc and s.proc.poll() is None:
                s.proc.kill()
                s.proc.wait(10)
        except Exception:
            pass
    _servers.clear()
    while _finalizers:
        fn = _finalizers.pop()
        try:
            fn()
        except Exception as e:  # keep cleaning
            log(f"cleanup: {e}")
    for name in _databases:
        pg_drop(name)
    _databases.clear()
    if os.environ.get("KEEP_TMP") != "1":
        for d in _dirs:
            shutil.rmtree(d, ignore_errors=True)
    elif _dirs:
        log(f"kept: {' '.join(_dirs)}")
    _dirs.clear()


def install_cleanup():
    atexit.register(cleanup)

    def on_signal(sig, _frame):
        log(f"signal {sig}: cleaning up")
        sys.exit(128 + sig)

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, on_signal)


if __name__ == "__main__":
    # For the shell and node parts of the harness:
    #   verify_lib.py demo-copy sqlite DATA_DIR
    #   verify_lib.py demo-copy postgres DBNAME DATA_DIR   (creates DBNAME)
    # DBNAME is the caller's to drop.
    if sys.argv[1:3] == ["demo-copy", "sqlite"] and len(sys.argv) == 4:
        demo_copy_sqlite(sys.argv[3])
    elif sys.argv[1:3] == ["demo-copy", "postgres"] and len(sys.argv) == 5:
        demo_copy_postgres("copy", sys.argv[4], name=sys.argv[3])
        _databases.clear()
    else:
        log("usage: verify_lib.py demo-copy sqlite DATA_DIR | demo-copy postgres DBNAME DATA_DIR")
        sys.exit(2)
