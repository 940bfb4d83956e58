#!/usr/bin/env python3
"""Bounded load test of the points ledger over HTTP, with a check that the ledger equals what was sent.

    python3 tests/load/run_load.py [--duration 120] [--users 30] [--port 8502] [--workers 2]

1. Creates a throwaway database (``party_load_<pid>``), installs party_member_points without demo data and
   commits a small organization: a town committee, three branches with their secretary and a committee member
   (6 officers), 4 party groups per branch... 30 logins in all: 6 officers, 12 group leaders, 12 members.
2. Starts Odoo on 127.0.0.1 only (``--workers 2``, no cron) and waits until it answers.
3. Runs the simulated users for ``--duration`` seconds, each with its own session (``/web/session/authenticate``,
   then JSON-RPC ``/web/dataset/call_kw``), as the web client does:
   members claim points (create + submit) and browse their entries; group leaders record points for the members
   of their group (create + submit) and browse; officers approve submitted entries of their branch (two
   officers per branch race for the same entries), record and post points directly, and browse the lists.
4. Prints the throughput, the latency (median, p95, max) per operation and the errors. A refusal expected from
   a race (the other officer approved first: "Only submitted entries can be approved") is counted apart.
5. Verifies the ledger in the database against what the clients were told: every entry acknowledged exists
   once and no other exists, every acknowledged approval or posting is posted (with one "Posted" line in its
   chatter) and nothing else is, each member's posted total equals the points acknowledged.
6. Stops Odoo and drops the database (``--keep-db`` keeps it). Exit status 1 when the ledger check fails.

Only loopback: the server listens on 127.0.0.1 and the clients call it there. The run stops by itself.
"""
import argparse
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
EXPECTED_REFUSALS = ("Only submitted entries can be approved", "Only a draft can be submitted")


# ---------------------------------------------------------------------------------------------- setup
def odoo_command(args, db, data_dir, addons):
    return [sys.executable, "-m", "odoo", "-d", db, f"--addons-path={addons}", f"--data-dir={data_dir}", *args]


def default_addons_path():
    out = subprocess.run([sys.executable, "-c", "from odoo.tools import config; config.parse_config([]); "
                          "print(config['addons_path'])"], capture_output=True, text=True, check=True).stdout
    return f"{ROOT},{out.strip().splitlines()[-1]}"


def create_database(db, data_dir, addons):
    print(f"[load] installing party_member_points into {db} ...", flush=True)
    subprocess.run(odoo_command(["-i", "party_member_points", "--without-demo=all", "--stop-after-init",
                                 "--max-cron-threads=0", "--log-level=warn", "--no-http"], db, data_dir, addons),
                   check=True, timeout=900)
    script = SETUP_SCRIPT
    shell = [sys.executable, "-m", "odoo", "shell", "-d", db, f"--addons-path={addons}", f"--data-dir={data_dir}",
             "--no-http", "--log-level=warn"]
    result = subprocess.run(shell, input=script, capture_output=True, text=True, timeout=600)
    marker = [line for line in result.stdout.splitlines() if line.startswith("LOAD_SETUP ")]
    if result.returncode or not marker:
        raise RuntimeError(f"setup failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return json.loads(marker[-1][len("LOAD_SETUP "):])


SETUP_SCRIPT = r'''
import json
from odoo import Command
env = env(context={"tracking_disable": True, "mail_create_nolog": True, "no_reset_password": True})
Users = env["res.users"]
def user(login, group):
    return Users.create({"name": login, "login": login, "password": login, "email": f"{login}@example.org",
                         "groups_id": [Command.set([env.ref("base.group_user").id,
                                                    env.ref(f"party_member_points.group_party_{group}").id])]})
Org = env["party.organization"]
scheme = env["party.points.scheme"].create({"name": "Load Scheme", "code": "LOAD", "period_type": "quarter",
    "component_ids": [Command.create({"name": "Work", "code": "work"})]})
Rule = env["party.points.rule"]
common = {"scheme_id": scheme.id, "component_id": scheme.component_ids.id}
rules = {"member": Rule.create(dict(common, name="Load claim", code="load_claim", points=1.0, recorder="member")),
         "leader": Rule.create(dict(common, name="Load activity", code="load_activity", points=2.0, recorder="leader")),
         "officer": Rule.create(dict(common, name="Load award", code="load_award", points=3.0, recorder="officer"))}
town = Org.create({"name": "Load Town", "kind": "committee", "points_scheme_id": scheme.id})
users = []
for b in range(3):
    secretary, committee = user(f"load_officer_{b}a", "officer"), user(f"load_officer_{b}b", "officer")
    branch = Org.create({"name": f"Load Branch {b}", "kind": "branch", "parent_id": town.id,
                         "points_scheme_id": scheme.id, "secretary_id": secretary.id,
                         "committee_member_ids": [Command.set(committee.ids)]})
    users += [{"login": u.login, "role": "officer", "branch": branch.id} for u in (secretary, committee)]
    for g in range(4):
        leader = user(f"load_leader_{b}{g}", "leader")
        group = Org.create({"name": f"Load Group {b}-{g}", "kind": "group", "parent_id": branch.id,
                            "secretary_id": leader.id})
        members = env["party.member"].create([{
            "name": f"Load Member {b}-{g}-{m}", "organization_id": branch.id, "party_group_id": group.id,
            "stage": "full", "join_date": "2010-01-01", "full_member_date": "2011-01-01"} for m in range(5)])
        users.append({"login": leader.login, "role": "leader", "branch": branch.id, "members": members.ids})
        member_user = user(f"load_member_{b}{g}", "member")
        members[0].user_id = member_user
        users.append({"login": member_user.login, "role": "member", "branch": branch.id, "members": members[:1].ids})
env.cr.commit()
print("LOAD_SETUP " + json.dumps({"users": users, "rules": {k: v.id for k, v in rules.items()},
                                  "points": {str(v.id): v.points for v in rules.values()}}))
'''


def start_server(db, data_dir, addons, port, workers, log_path):
    args = ["--http-interface", HOST, f"--http-port={port}", f"--gevent-port={port + 1}", f"--workers={workers}",
            "--max-cron-threads=0", f"--db-filter=^{db}$", f"--logfile={log_path}", "--log-level=warn",
            # the retry loop's lines: a request retried after a serialization failure, or given up
            "--log-handler=odoo.service.model:INFO",
            # one line per request with its time in Odoo (queries + the rest): the server-side latency
            "--log-handler=werkzeug:INFO",
            "--limit-time-real=300", "--limit-time-cpu=120"]
    process = subprocess.Popen(odoo_command(args, db, data_dir, addons), stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 120
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Odoo stopped at start-up, see {log_path}")
        try:
            if requests.get(f"http://{HOST}:{port}/web/login", timeout=5).status_code == 200:
                return process
        except requests.RequestException:
            pass
        time.sleep(1)
    raise RuntimeError("Odoo did not answer within two minutes")


def stop_server(process):
    if process and process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)


# ---------------------------------------------------------------------------------------------- clients
class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latency = defaultdict(list)
        self.errors = Counter()
        self.refusals = Counter()
        self.created = {}        # entry name -> (entry id, points) of the acknowledged creations
        self.posted = set()      # entry ids acknowledged as posted (approved or posted directly)
        self.uncertain = set()   # names / ids of writes whose answer was lost (connection error): may exist
        self.requests = 0


class Client:
    def __init__(self, base, spec, db, stats, setup):
        self.base, self.spec, self.db, self.stats, self.setup = base, spec, db, stats, setup
        self.http = requests.Session()
        # one connection per request, as behind a proxy: an idle kept-alive connection would hold an Odoo worker
        self.http.headers["Connection"] = "close"
        self.counter = 0

    def call(self, op, path, params, uncertain=None):
        payload = {"jsonrpc": "2.0", "method": "call", "id": random.randint(1, 10**9), "params": params}
        start = time.perf_counter()
        try:
            response = self.http.post(f"{self.base}{path}", json=payload, timeout=120)
            body = response.json()
        except (requests.RequestException, ValueError) as error:
            with self.stats.lock:
                self.stats.requests += 1
                self.stats.errors[f"{op}: {type(error).__name__}"] += 1
                if uncertain:
                    self.stats.uncertain.add(uncertain)
            return False, None
        elapsed = time.perf_counter() - start
        with self.stats.lock:
            self.stats.requests += 1
            self.stats.latency[op].append(elapsed)
            if "error" in body:
                message = (body["error"].get("data", {}).get("message") or body["error"].get("message") or "?")
                if any(text in message for text in EXPECTED_REFUSALS):
                    self.stats.refusals[op] += 1
                else:
                    self.stats.errors[f"{op}: {message.splitlines()[0][:120]}"] += 1
                return False, None
        return True, body.get("result")

    def kw(self, op, model, method, args, kwargs=None, uncertain=None):
        return self.call(op, f"/web/dataset/call_kw/{model}/{method}",
                         {"model": model, "method": method, "args": args, "kwargs": kwargs or {}}, uncertain)

    def login(self):
        for _attempt in range(5):
            ok, _ = self.call("login", "/web/session/authenticate",
                              {"db": self.db, "login": self.spec["login"], "password": self.spec["login"]})
            if ok:
                return True
            time.sleep(random.uniform(0.5, 2.0))
        return False

    def record(self, member_id, rule_key, post):
        self.counter += 1
        rule_id = self.setup["rules"][rule_key]
        name = f"load:{self.spec['login']}:{self.counter}"
        ok, entry_id = self.kw("create", "party.points.entry", "create", [{
            "member_id": member_id, "rule_id": rule_id, "name": name}], uncertain=name)
        if not ok:
            return
        with self.stats.lock:
            self.stats.created[name] = (entry_id, self.setup["points"][str(rule_id)])
        if post:
            ok, _ = self.kw("post", "party.points.entry", "action_post", [[entry_id]], uncertain=entry_id)
            if ok:
                with self.stats.lock:
                    self.stats.posted.add(entry_id)
        else:
            self.kw("submit", "party.points.entry", "action_submit", [[entry_id]])

    def approve_one(self):
        ok, rows = self.kw("search pending", "party.points.entry", "search_read",
                           [[("state", "=", "submitted"), ("organization_id", "=", self.spec["branch"])]],
                           {"fields": ["id"], "limit": 10, "order": "id"})
        if ok and rows:
            entry_id = random.choice(rows[:3])["id"]  # the oldest ones: the two officers often pick the same
            ok, _ = self.kw("approve", "party.points.entry", "action_approve", [[entry_id]], uncertain=entry_id)
            if ok:
                with self.stats.lock:
                    self.stats.posted.add(entry_id)

    def browse(self):
        self.kw("browse entries", "party.points.entry", "web_search_read", [], {
            "domain": [], "limit": 80, "order": "date desc, id desc",
            "specification": {"name": {}, "date": {}, "points": {}, "state": {},
                              "member_id": {"fields": {"display_name": {}}},
                              "rule_id": {"fields": {"display_name": {}}}}})
        if self.spec["role"] != "member":
            self.kw("browse members", "party.member", "web_search_read", [], {
                "domain": [], "limit": 80,
                "specification": {"name": {}, "stage": {}, "points_year_total": {},
                                  "organization_id": {"fields": {"display_name": {}}}}})

    def run(self, start_gate, deadline_box):
        logged_in = self.login()
        start_gate.wait()  # the timed phase starts once every user is logged in
        if not logged_in:
            return
        deadline = deadline_box[0]
        role = self.spec["role"]
        while time.time() < deadline:
            roll = random.random()
            if role == "member":
                self.record(self.spec["members"][0], "member", post=False) if roll < 0.4 else self.browse()
            elif role == "leader":
                if roll < 0.4:
                    self.record(random.choice(self.spec["members"]), "leader", post=False)
                else:
                    self.browse()
            else:
                if roll < 0.5:
                    self.approve_one()
                elif roll < 0.7:
                    self.record(random.choice(self.setup["branch_members"][str(self.spec["branch"])]), "officer",
                                post=True)
                else:
                    self.browse()
            time.sleep(random.uniform(0.0, 0.1))


# ---------------------------------------------------------------------------------------------- check
def verify(db, stats, setup):
    """Compare the ledger with what the clients were told. Returns a list of problems."""
    sql = """
        SELECT e.id, e.state, e.points, e.member_id, e.name,
               (SELECT count(*) FROM mail_tracking_value t JOIN mail_message m ON m.id = t.mail_message_id
                  JOIN ir_model_fields f ON f.id = t.field_id
                 WHERE m.model = 'party.points.entry' AND m.res_id = e.id AND f.name = 'state'
                   AND t.new_value_char = 'Posted') AS posted_lines
          FROM party_points_entry e WHERE e.name LIKE 'load:%'
    """
    out = subprocess.run(["psql", "-X", "-A", "-t", "-F", "|", "-d", db, "-c", sql], capture_output=True, text=True,
                         check=True).stdout
    rows = [line.split("|") for line in out.splitlines() if line.strip()]
    in_db = {int(r[0]): {"state": r[1], "points": float(r[2]), "member": int(r[3]), "name": r[4],
                         "lines": int(r[5])} for r in rows}
    problems = []
    names = Counter(row["name"] for row in in_db.values())
    doubled_names = [name for name, count in names.items() if count > 1]
    if doubled_names:
        problems.append(f"{len(doubled_names)} claims recorded twice: {doubled_names[:10]}")
    acknowledged_ids = {entry_id for entry_id, _points in stats.created.values()}
    lost = acknowledged_ids - set(in_db)
    extra = {entry_id for entry_id in set(in_db) - acknowledged_ids if in_db[entry_id]["name"] not in stats.uncertain}
    if lost:
        problems.append(f"{len(lost)} acknowledged entries missing: {sorted(lost)[:10]}")
    if extra:
        problems.append(f"{len(extra)} entries nobody sent: {sorted(extra)[:10]}")
    posted_db = {entry_id for entry_id, row in in_db.items() if row["state"] == "posted"}
    unexplained = posted_db - stats.posted - stats.uncertain
    if unexplained or stats.posted - posted_db:
        problems.append(f"posted in the database but not acknowledged: {sorted(unexplained)[:10]}; "
                        f"acknowledged but not posted: {sorted(stats.posted - posted_db)[:10]}")
    doubled = [entry_id for entry_id in posted_db if in_db[entry_id]["lines"] != 1]
    if doubled:
        problems.append(f"{len(doubled)} posted entries without exactly one 'Posted' line: {doubled[:10]}")
    points_sent = {entry_id: points for entry_id, points in stats.created.values()}
    expected_totals = defaultdict(float)
    for entry_id in stats.posted:
        if entry_id in in_db:
            expected_totals[in_db[entry_id]["member"]] += points_sent.get(entry_id, 0.0)
    db_totals = defaultdict(float)
    for entry_id in posted_db & stats.posted:
        db_totals[in_db[entry_id]["member"]] += in_db[entry_id]["points"]
    wrong = {m for m in set(expected_totals) | set(db_totals) if abs(expected_totals[m] - db_totals[m]) > 1e-6}
    if wrong:
        problems.append(f"{len(wrong)} members whose posted total differs from what was sent")
    posted_points = sum(row["points"] for row in in_db.values() if row["state"] == "posted")
    return problems, len(in_db), len(posted_db), posted_points


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def report(stats, elapsed, users, workers):
    total = sum(len(values) for values in stats.latency.values())
    elapsed = max(elapsed, 1e-6)
    print(f"\n[load] {users} simulated users, Odoo --workers {workers}, {elapsed:.0f} s")
    timed = sum(len(values) for values in stats.latency.values())
    print(f"[load] {timed} requests in the timed phase, {timed / elapsed:.1f} requests/s")
    print(f"[load] {'operation':<16}{'count':>8}{'median ms':>12}{'p95 ms':>10}{'max ms':>10}")
    for op, values in sorted(stats.latency.items()):
        print(f"[load] {op:<16}{len(values):>8}{statistics.median(values) * 1000:>12.0f}"
              f"{percentile(values, 0.95) * 1000:>10.0f}{max(values) * 1000:>10.0f}")
    every = [value for values in stats.latency.values() for value in values]
    if every:
        print(f"[load] {'all':<16}{total:>8}{statistics.median(every) * 1000:>12.0f}"
              f"{percentile(every, 0.95) * 1000:>10.0f}{max(every) * 1000:>10.0f}")
    print(f"[load] refusals expected from races: {dict(stats.refusals) or 0}")
    print(f"[load] errors: {sum(stats.errors.values())}")
    for error, count in stats.errors.most_common(10):
        print(f"[load]   {count} x {error}")


REQUEST_LINE = re.compile(r'"POST (/web/dataset/call_kw/[^/ ]+/[^ ?]+)[^"]*" (\d{3}) \S+ (\d+) ([\d.]+) ([\d.]+)')


def server_side_report(lines):
    """Time each JSON-RPC request spent inside Odoo (SQL + Python), from werkzeug's request lines.

    The client's latency adds what happens before a worker takes the connection: waiting in the
    listen queue (Odoo's prefork server listens with a backlog of 8 per worker) and, when the queue
    is full, the kernel's SYN retransmissions (1, 3, 7, 15 s). A stall of the ledger itself shows
    here; a stall of the queue does not."""
    times = defaultdict(list)
    for line in lines:
        match = REQUEST_LINE.search(line)
        if match:
            route = match.group(1).rsplit("/", 2)
            times[f"{route[-2]}.{route[-1]}"].append(float(match.group(4)) + float(match.group(5)))
    if not times:
        return
    print("[load] time inside Odoo per call (SQL + Python), from its request log:")
    print(f"[load] {'call':<38}{'count':>8}{'median ms':>12}{'p95 ms':>10}{'max ms':>10}")
    every = []
    for call, values in sorted(times.items()):
        every.extend(values)
        print(f"[load] {call:<38}{len(values):>8}{statistics.median(values) * 1000:>12.0f}"
              f"{percentile(values, 0.95) * 1000:>10.0f}{max(values) * 1000:>10.0f}")
    print(f"[load] {'all':<38}{len(every):>8}{statistics.median(every) * 1000:>12.0f}"
          f"{percentile(every, 0.95) * 1000:>10.0f}{max(every) * 1000:>10.0f}")
    print(f"[load] requests longer than 5 s inside Odoo: {sum(1 for value in every if value > 5)}")


def listen_overflows():
    """The kernel's count of connections dropped because a listen queue was full (None if unknown)."""
    try:
        with open("/proc/net/netstat", encoding="ascii") as stats:
            rows = [line.split() for line in stats if line.startswith("TcpExt:")]
        return int(dict(zip(rows[0][1:], rows[1][1:]))["ListenOverflows"])
    except (OSError, KeyError, IndexError, ValueError):
        return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=120.0, help="seconds of load (default 120)")
    parser.add_argument("--users", type=int, default=30, help="simulated users, at most 30 (default 30)")
    parser.add_argument("--port", type=int, default=8502, help="HTTP port on 127.0.0.1 (default 8502; +1 for gevent)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--db", default=f"party_load_{os.getpid()}")
    parser.add_argument("--keep-db", action="store_true", help="keep the database (and print its name)")
    options = parser.parse_args()
    duration = max(1.0, min(options.duration, 3600.0))
    work = Path(tempfile.mkdtemp(prefix="party_load_"))
    data_dir, log_path = work / "data", work / "odoo.log"
    addons = default_addons_path()
    server = None
    overflows_before = None
    status = 1
    try:
        setup = create_database(options.db, data_dir, addons)
        setup["branch_members"] = defaultdict(list)
        for spec in setup["users"]:
            if spec["role"] == "leader":
                setup["branch_members"][str(spec["branch"])].extend(spec["members"])
        server = start_server(options.db, data_dir, addons, options.port, options.workers, log_path)
        overflows_before = listen_overflows()
        base = f"http://{HOST}:{options.port}"
        stats = Stats()
        specs = setup["users"][:max(1, min(options.users, len(setup["users"])))]
        clients = [Client(base, spec, options.db, stats, setup) for spec in specs]
        print(f"[load] Odoo up on {base}; {len(clients)} users log in, then {duration:.0f} s of load ...", flush=True)
        deadline_box = [0.0]
        login_started = time.time()

        def go():
            deadline_box[0] = time.time() + duration
            print(f"[load] all logged in after {time.time() - login_started:.0f} s", flush=True)

        gate = threading.Barrier(len(clients), action=go)
        threads = [threading.Thread(target=client.run, args=(gate, deadline_box), daemon=True) for client in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=duration + 900)
        elapsed = time.time() - deadline_box[0] + duration if deadline_box[0] else 0.0
        logins = stats.latency.pop("login", [])
        if logins:
            print(f"[load] logins: {len(logins)}, median {statistics.median(logins):.1f} s, max {max(logins):.1f} s "
                  f"(password hashing, before the timed phase)")
        report(stats, elapsed, len(clients), options.workers)
        stop_server(server)
        server = None
        problems, entries, posted, total = verify(options.db, stats, setup)
        print(f"[load] ledger: {entries} entries created, {posted} posted, {total:g} points posted")
        if problems:
            print("[load] LEDGER CHECK FAILED:")
            for problem in problems:
                print(f"[load]   {problem}")
        else:
            print("[load] ledger check: OK (nothing lost, nothing doubled; totals equal what was sent)")
            status = 0
        with open(log_path, encoding="utf-8", errors="replace") as log:
            lines = log.readlines()
        server_errors = [line for line in lines if " ERROR " in line or " CRITICAL " in line]
        retried = sum(1 for line in lines if "odoo.service.model" in line and "try again in" in line)
        given_up = sum(1 for line in lines if "odoo.service.model" in line and "maximum number of tries" in line)
        print(f"[load] requests retried after a concurrency conflict: {retried}, given up (HTTP 500): {given_up}")
        print(f"[load] ERROR lines in the Odoo log: {len(server_errors)}")
        server_side_report(lines)
        overflows = listen_overflows() - overflows_before if overflows_before is not None else None
        if overflows is not None:
            print(f"[load] listen-queue overflows during the run (kernel, TcpExtListenOverflows): {overflows}")
        for line in server_errors[:5]:
            print(f"[load]   {line.rstrip()[:200]}")
    finally:
        stop_server(server)
        if options.keep_db:
            print(f"[load] kept database {options.db} (log: {log_path})")
        else:
            subprocess.run(["dropdb", "--if-exists", "--force", options.db], capture_output=True, timeout=120)
            shutil.rmtree(work, ignore_errors=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
