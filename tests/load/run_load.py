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

For the scale-out rehearsal (``tests/scaleout/run.sh``): ``--scaleout`` installs the three addons with their demo
data and adds readers (lists and pivots of the three addons, reports), portal claims with evidence, the member
search panel and the online ballots of the demo voters; ``--setup-only FILE`` creates the database and stops;
``--base-url URL --setup FILE`` drives a running deployment instead of starting Odoo, then checks the ledger,
the ballots, the errors against the disruptions listed in ``--events``, the read paths answered on the replica
(``--odoo-log`` of each node, ``--primary-port``/``--replica-port`` for pg_stat_statements) and the evidence
uploaded through each ``--node-url`` and read through the others.
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
CSRF = re.compile(r'name="csrf_token"\s+value="([^"]+)"')
CLAIM_LOCATION = re.compile(r"/my/party/claims/(\d+)\?submitted=1")


# ---------------------------------------------------------------------------------------------- setup
def odoo_command(args, db, data_dir, addons):
    return [sys.executable, "-m", "odoo", "-d", db, f"--addons-path={addons}", f"--data-dir={data_dir}", *args]


def default_addons_path():
    out = subprocess.run([sys.executable, "-c", "from odoo.tools import config; config.parse_config([]); "
                          "print(config['addons_path'])"], capture_output=True, text=True, check=True).stdout
    return f"{ROOT},{out.strip().splitlines()[-1]}"


def create_database(db, data_dir, addons, modules="party_member_points", demo=False, report_url=None):
    print(f"[load] installing {modules} into {db}{' with demo data' if demo else ''} ...", flush=True)
    subprocess.run(odoo_command(["-i", modules, *([] if demo else ["--without-demo=all"]), "--stop-after-init",
                                 "--max-cron-threads=0", "--log-level=warn", "--no-http"], db, data_dir, addons),
                   check=True, timeout=1800)
    script = SETUP_SCRIPT + (SCALEOUT_SETUP_SCRIPT.replace("REPORT_URL", repr(report_url)) if demo else "") + \
        SETUP_SCRIPT_END
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
result = {"users": users, "rules": {k: v.id for k, v in rules.items()},
          "points": {str(v.id): v.points for v in rules.values()}}
'''

SETUP_SCRIPT_END = r'''
env.cr.commit()
print("LOAD_SETUP " + json.dumps(result))
'''

# With the demo data of the three addons (run by tests/scaleout/run.sh): readers who browse the evaluation and
# mobilization records and print reports, and the voters of the demo campaign voting online, each with a token.
SCALEOUT_SETUP_SCRIPT = r'''
env["ir.config_parameter"].set_param("report.url", REPORT_URL or "")
readers = []
for xmlid in ("base.user_admin", "party_member_points.demo_user_upper", "party_member_points.demo_user_secretary",
              "party_member_points.demo_user_hr"):
    reader = env.ref(xmlid, raise_if_not_found=False)
    if reader:
        reader.password = reader.login
        users.append({"login": reader.login, "role": "reader", "branch": False})
results = env["party.points.result"].search([], limit=10)
campaigns = env["party.evaluation.campaign"].search([])
projects = env["party.mobilization.project"].search([])
reports = []
if results:
    reports.append(f"/report/html/party_member_points.report_points_register/{','.join(map(str, results.ids))}")
    reports.append(f"/report/pdf/party_member_points.report_points_summary/{','.join(map(str, results.ids))}")
for campaign in campaigns[:2]:
    reports.append(f"/report/html/party_evaluation.report_ballot_member/{campaign.id}")
for project in projects[:2]:
    reports.append(f"/report/html/party_mobilization.report_mobilization_announcement/{project.id}")
    reports.append(f"/report/html/party_mobilization.report_mobilization_roster/{project.id}")
tokens = env["party.evaluation.ballot.token"].search([("used", "=", False)]).filtered(lambda t: t._is_valid())
voters = []
for token in tokens:
    if token.user_id and token.user_id.id != env.ref("base.user_admin").id:
        token.user_id.password = token.user_id.login
        voters.append({"login": token.user_id.login, "role": "voter", "branch": False, "token": token.token})
users.extend(voters)
online = env["party.evaluation.ballot"].search_count([("channel", "=", "online")])
result.update({"reports": reports, "online_ballots_before": online, "voter_tokens": len(voters)})
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
        self.error_times = []    # (time, error key) of every error: the disruptions of a scale-out run explain some
        self.ballots = 0         # ballots acknowledged (redirected to "voted")
        self.ballots_uncertain = 0


class Client:
    def __init__(self, base, spec, db, stats, setup):
        self.base, self.spec, self.db, self.stats, self.setup = base, spec, db, stats, setup
        self.http = requests.Session()
        # one connection per request, as behind a proxy: an idle kept-alive connection would hold an Odoo worker
        self.http.headers["Connection"] = "close"
        self.counter = 0
        self.tag, self.last_name = "portal", None  # names of the portal claims: load:<login>:<tag>:<counter>

    def call(self, op, path, params, uncertain=None):
        payload = {"jsonrpc": "2.0", "method": "call", "id": random.randint(1, 10**9), "params": params}
        start = time.perf_counter()
        try:
            response = self.http.post(f"{self.base}{path}", json=payload, timeout=120)
            body = response.json() if response.status_code == 200 else None
        except (requests.RequestException, ValueError) as error:
            self.failed(op, type(error).__name__, uncertain)
            return False, None
        if body is None:
            self.failed(op, f"HTTP {response.status_code}", uncertain)
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
                    key = f"{op}: {message.splitlines()[0][:120]}"
                    self.stats.errors[key] += 1
                    self.stats.error_times.append((time.time(), key))
                return False, None
        return True, body.get("result")

    def failed(self, op, reason, uncertain=None):
        """A request without an answer (connection error, proxy error page): its write may or may not exist."""
        key = f"{op}: {reason}"
        with self.stats.lock:
            self.stats.requests += 1
            self.stats.errors[key] += 1
            self.stats.error_times.append((time.time(), key))
            if uncertain:
                self.stats.uncertain.add(uncertain)
        if self.setup.get("scaleout"):
            time.sleep(random.uniform(0.5, 1.5))  # a user whose page failed tries again after a moment

    def page(self, op, path, method="GET", expect=(200,), uncertain=None, **kwargs):
        """An HTTP route (portal page, report): the response when its status is expected, else ``None``."""
        start = time.perf_counter()
        try:
            response = self.http.request(method, f"{self.base}{path}", timeout=120, allow_redirects=False, **kwargs)
        except requests.RequestException as error:
            self.failed(op, type(error).__name__, uncertain)
            return None
        if response.status_code not in expect:
            self.failed(op, f"HTTP {response.status_code}", uncertain)
            return None
        with self.stats.lock:
            self.stats.requests += 1
            self.stats.latency[op].append(time.perf_counter() - start)
        return response

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

    # ------------------------------------------------------------------ the routes of a scale-out run (--scaleout)
    def pivot(self, model, groupby, measures):
        """A pivot as the web client loads it: ``read_group`` of the rows, lazy=False."""
        self.kw("pivot", model, "read_group", [], {"domain": [], "fields": measures, "groupby": groupby,
                                                    "lazy": False})

    def search_panel(self):
        self.kw("search panel", "party.member", "search_panel_select_range", ["organization_id"],
                {"search_domain": [], "category_domain": [], "filter_domain": [], "enable_counters": False,
                 "expand": False, "limit": 200})

    def counters(self):
        self.call("portal counters", "/my/counters",
                  {"counters": ["party_entry_count", "party_claim_count", "party_ballot_count"]})

    def csrf(self, op, path):
        response = self.page(op, path)
        match = CSRF.search(response.text) if response is not None else None
        return match.group(1) if match else None

    def portal_claim(self, evidence=b""):
        """A claim through the member portal, with a file of evidence: its entry's id from the redirection."""
        token = self.csrf("portal page", "/my/party/claims/new")
        if not token:
            return None
        self.counter += 1
        name = f"load:{self.spec['login']}:{self.tag}:{self.counter}"
        self.last_name = name
        rule_id = self.setup["rules"]["member"]
        response = self.page("portal claim", "/my/party/claims/new", "POST", expect=(303,), uncertain=name, data={
            "csrf_token": token, "rule_id": rule_id, "date": time.strftime("%Y-%m-%d", time.gmtime()),
            "description": name}, files={"attachments": (f"{name}.txt", evidence or name.encode())})
        match = CLAIM_LOCATION.search(response.headers.get("Location", "")) if response is not None else None
        if not match:
            if response is not None:
                with self.stats.lock:
                    self.stats.errors["portal claim: refused (form shown again)"] += 1
                    self.stats.uncertain.add(name)
            return None
        entry_id = int(match.group(1))
        with self.stats.lock:
            self.stats.created[name] = (entry_id, self.setup["points"][str(rule_id)])
        return entry_id

    def vote(self):
        """Cast the voter's online ballot once (every evaluated participant graded "qualified")."""
        path = f"/my/evaluation/ballot/{self.spec['token']}"
        response = self.page("ballot page", path)
        if response is None:
            return
        token = CSRF.search(response.text)
        grades = {f"grade_{pid}": "qualified" for pid in set(re.findall(r'name="grade_(\d+)"', response.text))}
        if not token or not grades:
            with self.stats.lock:
                self.stats.errors["ballot page: no ballot to cast"] += 1
            return
        response = self.page("ballot cast", path, "POST", expect=(303,), uncertain=f"ballot:{self.spec['login']}",
                             data={"csrf_token": token.group(1), **grades})
        with self.stats.lock:
            if response is not None and "voted=1" in response.headers.get("Location", ""):
                self.stats.ballots += 1
            elif response is None:
                self.stats.ballots_uncertain += 1
            else:
                self.stats.errors["ballot cast: refused"] += 1

    def read_around(self):
        """What the readers (administrator, upper committee, branch secretary, HR) open: lists and pivots of the
        three addons and printed reports."""
        roll = random.random()
        if roll < 0.12:
            self.kw("browse", "party.evaluation.participant", "web_search_read", [], {
                "domain": [], "limit": 80, "specification": {"member_name": {}, "final_grade": {}, "evaluated": {}}})
        elif roll < 0.22:
            self.pivot("party.evaluation.participant", ["campaign_id", "final_grade"], ["__count"])
        elif roll < 0.30:
            self.kw("browse", "party.mobilization.project", "web_search_read", [], {
                "domain": [], "limit": 80, "specification": {"name": {}, "state": {}}})
        elif roll < 0.40:
            self.kw("browse", "party.mobilization.participant", "web_search_read", [], {
                "domain": [], "limit": 80, "specification": {"name": {}, "project_id": {"fields": {
                    "display_name": {}}}}})
        elif roll < 0.48:
            self.pivot("party.mobilization.participant", ["project_id"], ["__count"])
        elif roll < 0.56:
            self.kw("browse", "party.points.result", "web_search_read", [], {
                "domain": [], "limit": 80, "specification": {"member_id": {"fields": {"display_name": {}}},
                                                             "year": {}, "total": {}}})
        elif roll < 0.62 and self.spec["login"] in ("admin", "hr"):  # HR managers and administrators only
            self.pivot("party.hr.performance.report", ["department_id"], ["total:avg"])
        elif roll < 0.70:
            self.pivot("party.points.entry", ["organization_id", "component_id"], ["points:sum"])
        elif roll < 0.74:
            self.search_panel()
        elif roll < 0.90 and self.setup.get("reports") and self.spec["login"] == "admin":  # records of any branch
            path = random.choice(self.setup["reports"])
            if "/report/pdf/" in path and random.random() < 0.7:  # a PDF costs a wkhtmltopdf run: fewer of them
                path = path.replace("/report/pdf/", "/report/html/")
            self.page("report PDF" if "/report/pdf/" in path else "report HTML", path)
        else:
            self.browse()

    def run(self, start_gate, deadline_box):
        logged_in = self.login()
        start_gate.wait()  # the timed phase starts once every user is logged in
        if not logged_in:
            return
        deadline = deadline_box[0]
        role = self.spec["role"]
        full = self.setup.get("scaleout")
        if role == "voter":
            self.page("portal page", "/my/evaluation")
            self.vote()
        if role == "reader" and self.spec["login"] == "admin":  # every report once (PDF: wkhtmltopdf), then at random
            for path in self.setup.get("reports", []):
                self.page("report PDF" if "/report/pdf/" in path else "report HTML", path)
        while time.time() < deadline:
            roll = random.random()
            if role == "reader":
                self.read_around()
            elif role == "voter":
                (self.counters if roll < 0.5 else lambda: self.page("portal page", "/my/evaluation"))()
            elif role == "member" and full and roll < 0.5:
                if roll < 0.15:
                    self.portal_claim()
                elif roll < 0.3:
                    self.counters()
                elif roll < 0.4:
                    self.page("portal page", "/my/party/claims")
                else:
                    self.record(self.spec["members"][0], "member", post=False)
            elif role == "member":
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
                elif full and roll < 0.8:
                    self.pivot("party.points.entry", ["organization_id", "component_id"], ["points:sum"])
                elif full and roll < 0.85:
                    self.search_panel()
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


def psql(db, sql, port=None):
    """Rows of ``sql`` (``|``-separated columns) on ``db``, through libpq's environment (PGHOST, PGUSER...)."""
    command = ["psql", "-X", "-A", "-t", "-F", "|", "-d", db, "-c", sql]
    if port:
        command[1:1] = ["-p", str(port)]
    out = subprocess.run(command, capture_output=True, text=True, check=True, timeout=120).stdout
    return [line.split("|") for line in out.splitlines() if line.strip()]


def verify_ballots(db, stats, setup):
    """Online ballots: one new ballot and one used token per acknowledged cast (a cast whose answer was lost may
    or may not have counted)."""
    ballots = int(psql(db, "SELECT count(*) FROM party_evaluation_ballot WHERE channel = 'online'")[0][0])
    used = int(psql(db, "SELECT count(*) FROM party_evaluation_ballot_token WHERE used")[0][0])
    new = ballots - setup["online_ballots_before"]
    low, high = stats.ballots, stats.ballots + stats.ballots_uncertain
    problems = []
    if not low <= new <= high:
        problems.append(f"{new} online ballots cast, {stats.ballots} acknowledged (+{stats.ballots_uncertain} "
                        "without an answer)")
    if used != new:
        problems.append(f"{used} tokens used for {new} online ballots")
    return problems, new


def check_attachments(node_urls, spec, setup, db):
    """Evidence uploaded through each node (a portal claim with a file) and read back through every other node:
    the nodes share the filestore and the sessions (one ``--data-dir``). Returns (checks, problems)."""
    checks, problems = 0, []
    for index, upload_url in enumerate(node_urls):
        stats = Stats()
        client = Client(upload_url, spec, db, stats, setup)
        client.tag = f"evidence{index}"
        if not client.login():
            problems.append(f"cannot log in on {upload_url}")
            continue
        content = f"evidence uploaded through {upload_url} at {time.time()}".encode()
        entry_id = client.portal_claim(evidence=content)
        if not entry_id:
            problems.append(f"claim with evidence refused on {upload_url}: {dict(stats.errors)}")
            continue
        setup.setdefault("attachment_entries", []).append((client.last_name, entry_id))
        for read_url in node_urls[:index] + node_urls[index + 1:]:
            reader = Client(read_url, spec, db, stats, setup)
            reader.http.cookies.update(client.http.cookies)  # the same session, opened on the other node
            page = reader.page("claim page", f"/my/party/claims/{entry_id}")
            link = re.search(r'(/web/content/\d+\?download=true&(?:amp;)?access_token=[\w-]+)', page.text) \
                if page is not None else None
            if not link:
                problems.append(f"claim {entry_id} uploaded through {upload_url}: no evidence link on {read_url}")
                continue
            # /web/content is a read-only route: answered by the replica, which may be a moment behind
            for _attempt in range(5):
                data = reader.page("attachment", link.group(1).replace("&amp;", "&"))
                if data is not None:
                    break
                time.sleep(1)
            checks += 1
            if data is None or data.content != content:
                problems.append(f"evidence of claim {entry_id} uploaded through {upload_url} differs on {read_url}")
    return checks, problems


REQUEST_MODE = re.compile(r'"(GET|POST) (\S+) HTTP/[\d.]+" (\d{3}) \S+ (\d+) ([\d.]+) ([\d.]+) (ro->rw|ro|rw|-)')
# Read paths of the three addons that Odoo 18 sends to the replica (readonly routes and call_kw of methods marked
# @api.readonly); each must have been answered there at least once, and never retried on the primary (ro->rw).
READ_PATHS = [
    ("points: ledger list", r"/call_kw/party\.points\.entry/web_search_read"),
    ("points: ledger pivot (summary)", r"/call_kw/party\.points\.entry/read_group"),
    ("points: member list", r"/call_kw/party\.member/web_search_read"),
    ("points: year results list", r"/call_kw/party\.points\.result/web_search_read"),
    ("points: HR performance pivot", r"/call_kw/party\.hr\.performance\.report/read_group"),
    ("points: portal counters", r"^/my/counters"),
    ("points: register report (HTML)", r"^/report/html/party_member_points\."),
    ("points: summary report (PDF)", r"^/report/pdf/party_member_points\."),
    ("evaluation: participant list", r"/call_kw/party\.evaluation\.participant/web_search_read"),
    ("evaluation: participant pivot", r"/call_kw/party\.evaluation\.participant/read_group"),
    ("evaluation: ballot sheet report", r"^/report/html/party_evaluation\."),
    ("mobilization: project list", r"/call_kw/party\.mobilization\.project/web_search_read"),
    ("mobilization: participant list", r"/call_kw/party\.mobilization\.participant/web_search_read"),
    ("mobilization: participant pivot", r"/call_kw/party\.mobilization\.participant/read_group"),
    ("mobilization: announcement and roster reports", r"^/report/html/party_mobilization\."),
]


def route_kind(path):
    if path.startswith("/web/dataset/call_kw/"):
        method = path.rsplit("/", 1)[-1]
        return {"web_search_read": "list", "search_read": "list", "read_group": "pivot",
                "web_read_group": "pivot", "search_panel_select_range": "search panel"}.get(method, "write (call_kw)")
    for prefix, kind in (("/report/pdf/", "report PDF"), ("/report/html/", "report HTML"),
                         ("/my/counters", "portal counters"), ("/my/evaluation/ballot/", "ballot"),
                         ("/my/", "portal page"), ("/web/session/", "login"), ("/web/content/", "attachment")):
        if path.startswith(prefix):
            return kind
    return "other"


def replica_report(lines):
    """Requests per cursor mode from the nodes' request logs (Odoo 18 appends ``ro``, ``rw`` or ``ro->rw`` when a
    replica is configured), per route kind, and the read-path checklist. Returns (problems, ro share)."""
    modes = Counter()
    kinds = defaultdict(Counter)
    paths = {label: Counter() for label, _pattern in READ_PATHS}
    retried = []
    for line in lines:
        match = REQUEST_MODE.search(line)
        if not match:
            continue
        path, mode = match.group(2), match.group(7)
        modes[mode] += 1
        kinds[route_kind(path)][mode] += 1
        for label, pattern in READ_PATHS:
            if re.search(pattern, path):
                paths[label][mode] += 1
        if mode == "ro->rw":
            retried.append(path)
    total = sum(modes.values()) or 1
    print(f"[scaleout] requests by database cursor: {modes['ro']} on the replica (ro), {modes['rw']} on the "
          f"primary (rw), {modes['ro->rw']} read-only requests that wrote and were run again on the primary "
          f"(ro->rw); share on the replica {modes['ro'] / total:.0%}")
    print(f"[scaleout] {'route kind':<18}{'ro':>8}{'rw':>8}{'ro->rw':>8}")
    for kind, counts in sorted(kinds.items()):
        print(f"[scaleout] {kind:<18}{counts['ro']:>8}{counts['rw']:>8}{counts['ro->rw']:>8}")
    problems = []
    print("[scaleout] read paths of the three addons, answered on the replica:")
    for label, counts in paths.items():
        ok = counts["ro"] > 0 and not counts["ro->rw"]
        print(f"[scaleout]   {'OK ' if ok else 'NO '} {label:<48} ro {counts['ro']:>5}  ro->rw {counts['ro->rw']:>3}"
              f"  rw {counts['rw']:>4}")
        if not ok:
            problems.append(f"read path not answered on the replica: {label}")
    if retried:
        problems.append(f"{len(retried)} read-only requests wrote (ro->rw): {Counter(retried).most_common(5)}")
    return problems, modes["ro"] / total


def statements_report(db, primary_port, replica_port):
    """What each cluster executed (pg_stat_statements since the load began): statements on the tables of the three
    addons, and the share of SELECT calls answered by the replica."""
    sql = ("SELECT coalesce(sum(calls) FILTER (WHERE query ~* '^\\s*select'), 0), "
           "coalesce(sum(calls) FILTER (WHERE query ~* '^\\s*select' AND query ~ 'party_points_|party_member'), 0), "
           "coalesce(sum(calls) FILTER (WHERE query ~* '^\\s*select' AND query ~ 'party_evaluation_'), 0), "
           "coalesce(sum(calls) FILTER (WHERE query ~* '^\\s*select' AND query ~ 'party_mobilization_'), 0), "
           "coalesce(sum(calls) FILTER (WHERE query ~* '^\\s*(insert|update|delete)'), 0) "
           "FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = current_database()")
    rows = {}
    for name, port in (("primary", primary_port), ("replica", replica_port)):
        try:
            rows[name] = [int(float(value)) for value in psql(db, sql, port)[0]]
        except (subprocess.SubprocessError, IndexError, ValueError) as error:
            print(f"[scaleout] pg_stat_statements unreadable on the {name}: {error}")
            return []
    print(f"[scaleout] pg_stat_statements   {'SELECT':>9}{'points':>9}{'evaluation':>11}{'mobiliz.':>9}{'writes':>8}")
    for name, values in rows.items():
        print(f"[scaleout]   {name:<19}" + "".join(f"{v:>{w}}" for v, w in zip(values, (9, 9, 11, 9, 8))))
    share = rows["replica"][0] / max(1, rows["replica"][0] + rows["primary"][0])
    print(f"[scaleout] share of SELECT statements executed by the replica: {share:.0%}")
    problems = []
    if rows["replica"][4]:
        problems.append(f"the replica executed {rows['replica'][4]} writes")
    for index, addon in ((1, "party_member_points"), (2, "party_evaluation"), (3, "party_mobilization")):
        if not rows["replica"][index]:
            problems.append(f"no query of {addon}'s tables on the replica")
    return problems


def explained(error_times, events_path, margin=15.0):
    """Split the errors into those that happened during a disruption of the run (a killed worker or node, from the
    events file: ``start end label`` per line, epoch seconds) plus ``margin`` seconds, and the others."""
    windows = []
    if events_path and os.path.exists(events_path):
        with open(events_path, encoding="utf-8") as events:
            for line in events:
                parts = line.split(maxsplit=2)
                if len(parts) == 3:
                    windows.append((float(parts[0]) - 1, float(parts[1]) + margin, parts[2].strip()))
    inside, outside = Counter(), Counter()
    for when, key in error_times:
        window = next((w for w in windows if w[0] <= when <= w[1]), None)
        (inside if window else outside)[f"{key} [{window[2]}]" if window else key] += 1
    return windows, inside, outside


def kind_report(stats, elapsed):
    """Requests, errors and client latency (p50, p95) per route kind: the summary table of a scale-out run."""
    latency = defaultdict(list)
    for op, values in stats.latency.items():
        latency[OP_KINDS.get(op, op)].extend(values)
    errors = Counter()
    for key, count in stats.errors.items():
        errors[OP_KINDS.get(key.split(":")[0], key.split(":")[0])] += count
    print("\n| Route kind | Requests | Errors | p50 | p95 |\n|---|---:|---:|---:|---:|")
    every = []
    for kind in sorted(set(latency) | set(errors)):
        values = latency.get(kind, [])
        every.extend(values)
        p50 = f"{statistics.median(values) * 1000:.0f} ms" if values else "-"
        p95 = f"{percentile(values, 0.95) * 1000:.0f} ms" if values else "-"
        print(f"| {kind} | {len(values) + errors[kind]:,} | {errors[kind]} | {p50} | {p95} |")
    if every:
        print(f"| **all** | **{len(every) + sum(errors.values()):,}** ({len(every) / max(elapsed, 1e-6):.1f}/s) | "
              f"**{sum(errors.values())}** | **{statistics.median(every) * 1000:.0f} ms** | "
              f"**{percentile(every, 0.95) * 1000:.0f} ms** |\n")


OP_KINDS = {"create": "write: create entry", "submit": "write: submit", "post": "write: post",
            "approve": "write: approve", "search pending": "list", "browse entries": "list",
            "browse members": "list", "browse": "list", "pivot": "pivot", "search panel": "search panel",
            "portal counters": "portal counters", "portal page": "portal page", "portal claim": "portal claim",
            "ballot page": "ballot", "ballot cast": "ballot", "report HTML": "report HTML",
            "report PDF": "report PDF", "login": "login"}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=120.0, help="seconds of load (default 120)")
    parser.add_argument("--users", type=int, default=30, help="simulated users, at most 30 (default 30)")
    parser.add_argument("--port", type=int, default=8502, help="HTTP port on 127.0.0.1 (default 8502; +1 for gevent)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--db", default=f"party_load_{os.getpid()}")
    parser.add_argument("--keep-db", action="store_true", help="keep the database (and print its name)")
    scale = parser.add_argument_group("scale-out rehearsal (used by tests/scaleout/run.sh)")
    scale.add_argument("--scaleout", action="store_true",
                       help="install the three addons with their demo data and drive every route kind: pivots, "
                            "search panel, reports, portal claims with evidence, online ballots")
    scale.add_argument("--setup-only", metavar="FILE", help="create the database, write its setup to FILE, stop")
    scale.add_argument("--base-url", help="drive this running deployment (with --setup) instead of starting Odoo")
    scale.add_argument("--setup", metavar="FILE", help="setup written by --setup-only")
    scale.add_argument("--data-dir", help="Odoo data directory of the setup (default: a temporary one)")
    scale.add_argument("--report-url", help="report.url of the database (the address wkhtmltopdf fetches from)")
    scale.add_argument("--odoo-log", action="append", default=[], help="request log of a node (repeat)")
    scale.add_argument("--node-url", action="append", default=[],
                       help="a node's own address (repeat): evidence uploaded through each is read through the others")
    scale.add_argument("--events", help="file of disruptions (start end label per line) that explain errors")
    scale.add_argument("--primary-port", type=int, help="PostgreSQL primary (pg_stat_statements report)")
    scale.add_argument("--replica-port", type=int, help="PostgreSQL replica (pg_stat_statements report)")
    options = parser.parse_args()
    # stopped by its orchestrator (SIGTERM): clean up as on any other exit
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(1))
    duration = max(1.0, min(options.duration, 3600.0))
    work = Path(tempfile.mkdtemp(prefix="party_load_"))
    data_dir = Path(options.data_dir) if options.data_dir else work / "data"
    log_path = work / "odoo.log"
    addons = default_addons_path()
    external = bool(options.base_url)
    server = None
    overflows_before = None
    status = 1
    try:
        if external:
            setup = json.loads(Path(options.setup).read_text(encoding="utf-8"))
        else:
            modules = "party_member_points,party_evaluation,party_mobilization" if options.scaleout \
                else "party_member_points"
            setup = create_database(options.db, data_dir, addons, modules, demo=options.scaleout,
                                    report_url=options.report_url)
            setup["scaleout"] = options.scaleout
        if options.setup_only:
            Path(options.setup_only).write_text(json.dumps(setup), encoding="utf-8")
            print(f"[load] database {options.db} ready, setup in {options.setup_only}")
            return 0
        setup["branch_members"] = defaultdict(list)
        for spec in setup["users"]:
            if spec["role"] == "leader":
                setup["branch_members"][str(spec["branch"])].extend(spec["members"])
        if external:
            base = options.base_url.rstrip("/")
        else:
            server = start_server(options.db, data_dir, addons, options.port, options.workers, log_path)
            base = f"http://{HOST}:{options.port}"
        overflows_before = listen_overflows()
        stats = Stats()
        specs = setup["users"] if options.scaleout or setup.get("scaleout") else \
            setup["users"][:max(1, min(options.users, len(setup["users"])))]
        clients = [Client(base, spec, options.db, stats, setup) for spec in specs]
        print(f"[load] Odoo up on {base}; {len(clients)} users log in, then {duration:.0f} s of load ...", flush=True)
        deadline_box = [0.0]
        login_started = time.time()

        def go():
            deadline_box[0] = time.time() + duration
            print(f"[load] all logged in after {time.time() - login_started:.0f} s", flush=True)
            if options.events:  # the orchestrator (run.sh) times its disruptions from this line
                Path(options.events + ".started").write_text(f"{deadline_box[0] - duration}\n", encoding="ascii")

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
        problems = []
        if setup.get("scaleout"):
            kind_report(stats, elapsed)
            windows, inside, outside = explained(stats.error_times, options.events)
            for start, end, label in windows:
                print(f"[scaleout] disruption: {label} ({end - start - 16:.0f} s)")
            print(f"[scaleout] errors during a disruption (explained): {sum(inside.values())}")
            for key, count in inside.most_common(10):
                print(f"[scaleout]   {count} x {key}")
            print(f"[scaleout] errors outside any disruption: {sum(outside.values())}")
            for key, count in outside.most_common(10):
                print(f"[scaleout]   {count} x {key}")
            if outside:
                problems.append(f"{sum(outside.values())} errors the disruptions do not explain")
            member = next((spec for spec in setup["users"] if spec["role"] == "member"), None)
            if options.node_url and member:
                checks, attachment_problems = check_attachments(options.node_url, member, setup, options.db)
                print(f"[scaleout] evidence uploaded through one node and read through the other: {checks} checks, "
                      f"{len(attachment_problems)} problems")
                problems += attachment_problems
                for name, entry_id in setup.get("attachment_entries", []):
                    stats.created[name] = (entry_id, setup["points"][str(setup["rules"]["member"])])
        stop_server(server)
        server = None
        ledger_problems, entries, posted, total = verify(options.db, stats, setup)
        problems += ledger_problems
        print(f"[load] ledger: {entries} entries created, {posted} posted, {total:g} points posted")
        if setup.get("scaleout") and setup.get("voter_tokens"):
            ballot_problems, cast = verify_ballots(options.db, stats, setup)
            problems += ballot_problems
            print(f"[scaleout] online ballots: {cast} cast of {setup['voter_tokens']} tokens, "
                  f"{'OK' if not ballot_problems else 'FAILED'}")
        lines = []
        for path in options.odoo_log or ([] if external else [log_path]):
            with open(path, encoding="utf-8", errors="replace") as log:
                lines += log.readlines()
        if setup.get("scaleout") and options.odoo_log:
            replica_problems, _share = replica_report(lines)
            problems += replica_problems
        if options.primary_port and options.replica_port:
            problems += statements_report(options.db, options.primary_port, options.replica_port)
        if problems:
            print("[load] CHECK FAILED:" if setup.get("scaleout") else "[load] LEDGER CHECK FAILED:")
            for problem in problems:
                print(f"[load]   {problem}")
        else:
            print("[load] ledger check: OK (nothing lost, nothing doubled; totals equal what was sent)")
            status = 0
        server_errors = [line for line in lines if " ERROR " in line or " CRITICAL " in line]
        retried = sum(1 for line in lines if "odoo.service.model" in line and "try again in" in line)
        given_up = sum(1 for line in lines if "odoo.service.model" in line and "maximum number of tries" in line)
        readonly_retries = sum(1 for line in lines if "retrying with a read/write cursor" in line)
        print(f"[load] requests retried after a concurrency conflict: {retried}, given up (HTTP 500): {given_up}")
        if setup.get("scaleout"):
            print(f"[scaleout] read-only transactions that wrote (Odoo's 'retrying with a read/write cursor'): "
                  f"{readonly_retries}")
        print(f"[load] ERROR lines in the Odoo log: {len(server_errors)}")
        server_side_report(lines)
        overflows = listen_overflows() - overflows_before if overflows_before is not None else None
        if overflows is not None:
            print(f"[load] listen-queue overflows during the run (kernel, TcpExtListenOverflows): {overflows}")
        for line in server_errors[:5]:
            print(f"[load]   {line.rstrip()[:200]}")
    finally:
        stop_server(server)
        if external:
            print(f"[load] database {options.db} left to its deployment")
        elif options.keep_db or options.setup_only:
            print(f"[load] kept database {options.db} (log: {log_path})")
        else:
            subprocess.run(["dropdb", "--if-exists", "--force", options.db], capture_output=True, timeout=120)
        if not (options.keep_db or (options.setup_only and not options.data_dir)):
            shutil.rmtree(work, ignore_errors=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
