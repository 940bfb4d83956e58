"""The access matrix of the party addons, as data, and the machinery that checks it.

A matrix row says, for one *target* (a kind of record of branch A, e.g. "a draft points entry of Alice") what
each role may do with it::

    #  target           member  leader  off_A   off_B   upper   hr      admin   portal
    ("entry_alice",     "----", "rwcu", "rwcu", "----", "rwcu", "----", "rwcu", "----"),

Each cell is four characters for read / write / create / unlink: the letter when the operation must succeed,
``-`` when it must be refused (access error, or the business refusal of the model), ``.`` when it is not
checked. A target names its model, the values to create one (``vals``), the values of a harmless write
(``write``) and optionally how to get the shared record (``make``); unlink always runs on a fresh record.
Adding a role is one column (``ROLES`` and ``_build_users``), adding a model one target and one row.

The same rows run twice: through the ORM (``with_user``, each cell in a savepoint rolled back afterwards) and
over HTTP through ``/web/dataset/call_kw`` with a real session per role (``run_matrix_rpc``). Reports are
checked the same way (``REPORTS``: ``y`` rendered, ``-`` refused), through ``_render_qweb_html`` and through
``/report/html/...`` and ``/report/pdf/...``. A failure lists every wrong cell, e.g.
``party.points.entry[entry_alice] officer_b write: expected REFUSED, got ALLOWED``.

The ``portal`` column is a portal user (base.group_portal) linked to a member of branch A: the backend models
give it nothing. A portal branch that adds its own rules (own records only) changes that column's cells for
the member's own records only.
"""
import json
from datetime import date
from itertools import count

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user
from odoo.addons.party_member_points.tools.clock import party_today

from .common import full_member_values

ROLES = ("member", "leader", "officer_a", "officer_b", "upper", "hr", "admin", "portal")
OPS = ("read", "write", "create", "unlink")
LETTERS = dict(zip(OPS, "rwcu"))
REFUSALS = (AccessError, UserError)


class AccessWorld:
    """Mixin of a TransactionCase/HttpCase: one company with a town committee, branch A (secretary ``officer_a``,
    party group A1 led by ``leader``) and branch B (secretary ``officer_b``), members, a points scheme, and one
    user per role (password = login). Subclasses add their targets in ``_build_targets`` and their rows in
    ``MATRIX`` / ``REPORTS``."""

    MATRIX = ()
    REPORTS = ()

    def setUp(self):
        super().setUp()
        self._cache.clear()  # records cached by an earlier test were rolled back with it

    @classmethod
    def _build_world(cls):
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True, mail_create_nolog=True,
                                       mail_notrack=True))
        cls.today = party_today(cls.env["party.member"])
        cls.counter = count(1)
        cls._build_users()
        Org = cls.env["party.organization"]
        cls.town = Org.create({"name": "Matrix Town", "kind": "committee", "secretary_id": cls.users["upper"].id})
        cls.branch_a = Org.create({"name": "Matrix Branch A", "kind": "branch", "parent_id": cls.town.id,
                                   "secretary_id": cls.users["officer_a"].id})
        cls.group_a1 = Org.create({"name": "Matrix Group A1", "kind": "group", "parent_id": cls.branch_a.id,
                                   "secretary_id": cls.users["leader"].id})
        cls.branch_b = Org.create({"name": "Matrix Branch B", "kind": "branch", "parent_id": cls.town.id,
                                   "secretary_id": cls.users["officer_b"].id})
        Scheme = cls.env["party.points.scheme"]
        cls.scheme = Scheme.create({
            "name": "Matrix Scheme", "code": "MATRIX", "period_type": "quarter",
            "component_ids": [Command.create({"name": "Work", "code": "work", "sequence": 1})]})
        Rule = cls.env["party.points.rule"]
        rule = {"scheme_id": cls.scheme.id, "component_id": cls.scheme.component_ids.id, "points": 2.0}
        cls.r_claim = Rule.create(dict(rule, name="Matrix claim", code="claim", recorder="member"))
        cls.r_lead = Rule.create(dict(rule, name="Matrix activity", code="activity", recorder="leader"))
        cls.r_auto = Rule.create(dict(rule, name="Matrix attendance", code="attendance", recorder="system"))
        (cls.branch_a | cls.branch_b).points_scheme_id = cls.scheme
        cls.m_member = cls._member("Matrix Member", party_group_id=cls.group_a1.id, user_id=cls.users["member"].id)
        cls.alice = cls._member("Matrix Alice", party_group_id=cls.group_a1.id)
        cls.bob = cls._member("Matrix Bob", org=cls.branch_b)
        cls.m_portal = cls._member("Matrix Portal Member", user_id=cls.users["portal"].id)
        cls.targets = {}
        cls._cache = {}
        cls._build_targets()

    @classmethod
    def _build_users(cls):
        party = "base.group_user,party_member_points.group_party_%s"
        groups = {
            "member": party % "member",
            "leader": party % "leader",
            "officer_a": party % "officer",
            "officer_b": party % "officer",
            "upper": party % "upper",
            "hr": "base.group_user,hr.group_hr_manager",
            "admin": party % "admin",
            "portal": "base.group_portal",
        }
        cls.users = {role: new_test_user(cls.env, f"matrix_{role}", groups=groups[role], name=f"Matrix {role}")
                     for role in ROLES}

    @classmethod
    def _member(cls, name, org=None, **vals):
        return cls.env["party.member"].create(full_member_values(name, org or cls.branch_a, **vals))

    @classmethod
    def _target(cls, name, model, vals, write=None, make=None, fresh=None):
        """Declare a target: ``vals(n)`` gives the values of the n-th new record (sudo-created for the shared
        record and for unlink, created by the role for the create cell); ``write`` the values of the write
        cell; ``make()`` the shared record and ``fresh(n)`` a record to delete, when they are not simply
        created from ``vals`` (without ``vals`` nor ``fresh``, unlink runs on the shared record)."""
        cls.targets[name] = {"model": model, "vals": vals, "write": write or {}, "make": make, "fresh": fresh}

    @classmethod
    def _build_targets(cls):
        """Targets of the base addon: the register and the points."""
        target = cls._target
        target("org", "party.organization",
               lambda n: {"name": f"Matrix Group A{n + 1}", "kind": "group", "parent_id": cls.branch_a.id},
               {"note": "<p>checked</p>"}, make=lambda: cls.branch_a)
        # the place of branch A in the tree and who runs it: the town (upper organization) decides, not branch A
        target("org_structure", "party.organization",
               lambda n: {"name": f"Matrix Branch C{n}", "kind": "branch", "parent_id": cls.town.id},
               {"parent_id": cls.town.id, "secretary_id": cls.users["officer_a"].id}, make=lambda: cls.branch_a)
        # a member changes organization by an approved transfer only, never by a write
        target("member_move", "party.member", None, {"organization_id": cls.branch_b.id}, make=lambda: cls.alice)
        # an XLSX export made by the member: theirs only
        target("export", "party.xlsx.export", lambda n: {"filename": f"matrix-{n}.xlsx"},
               {"filename": "renamed.xlsx"},
               make=lambda: cls.env["party.xlsx.export"].with_user(cls.users["member"]).create(
                   {"filename": "matrix.xlsx"}).sudo())
        target("member_alice", "party.member",
               lambda n: {"name": f"Matrix New {n}", "organization_id": cls.branch_a.id, "stage": "applicant"},
               {"phone": "13800000000"}, make=lambda: cls.alice)
        target("member_self", "party.member",
               lambda n: {"name": f"Matrix New {n}", "organization_id": cls.branch_a.id, "stage": "applicant"},
               {"phone": "13800000000"}, make=lambda: cls.m_member)
        target("status_history", "party.member.status.history",
               lambda n: {"member_id": cls.alice.id, "old_status": "normal", "new_status": "removed",
                          "reason": f"Matrix {n}"}, {"reason": "rewritten"})
        target("sanction", "party.member.sanction",
               lambda n: {"member_id": cls.alice.id, "sanction_type": "party_warning", "reason": f"Matrix {n}",
                          "date_start": "2020-01-01", "date_end": "2020-12-31"}, {"reason": "changed"})
        target("transfer", "party.member.transfer",
               lambda n: {"member_id": cls.alice.id, "direction": "out", "from_organization_id": cls.branch_a.id,
                          "to_external": "Elsewhere", "reason": f"Matrix {n}"}, {"reason": "changed"})
        target("dues", "party.dues",
               lambda n: {"member_id": cls.alice.id, "month": date(1900 + n, 1, 1), "amount_due": 10.0},
               {"note": "checked"})
        target("meeting", "party.meeting",
               lambda n: {"name": f"Matrix meeting {n}", "organization_id": cls.group_a1.id,
                          "attendance_ids": [Command.create({"member_id": cls.m_member.id})]},
               {"location": "Room 2"})
        target("attendance", "party.meeting.attendance",
               lambda n: {"member_id": cls.m_member.id, "meeting_id": cls.env["party.meeting"].create(
                   {"name": f"Matrix meeting {n}", "organization_id": cls.group_a1.id}).id},
               {"leave_reason": "checked"})
        target("scheme", "party.points.scheme", lambda n: {"name": f"Matrix scheme {n}", "code": f"M{n}"},
               {"description": "checked"}, make=lambda: cls.scheme)
        target("component", "party.points.component",
               lambda n: {"name": f"Part {n}", "code": f"part{n}", "scheme_id": cls.scheme.id},
               {"note": "checked"}, make=lambda: cls.scheme.component_ids[:1])
        target("rule", "party.points.rule",
               lambda n: {"name": f"Rule {n}", "code": f"rule{n}", "scheme_id": cls.scheme.id,
                          "component_id": cls.scheme.component_ids[:1].id, "points": 1.0},
               {"description": "checked"}, make=lambda: cls.r_claim)
        target("entry_alice", "party.points.entry",
               lambda n: {"member_id": cls.alice.id, "rule_id": cls.r_lead.id, "name": f"Matrix {n}"},
               {"evidence_note": "checked"})
        target("entry_self", "party.points.entry",
               lambda n: {"member_id": cls.m_member.id, "rule_id": cls.r_claim.id, "name": f"Matrix {n}"},
               {"evidence_note": "checked"})
        target("period", "party.points.period",
               lambda n: {"organization_id": cls.branch_a.id, "date_from": date(1900 + n, 1, 1),
                          "date_to": date(1900 + n, 3, 31)}, {"note": "<p>checked</p>"})
        target("period_published", "party.points.period", None, {"note": "<p>checked</p>"},
               make=lambda: cls._published_period())
        target("appeal", "party.points.appeal",
               lambda n: {"period_id": cls._published_period().id, "member_id": cls.m_member.id,
                          "reason": f"Matrix {n}"}, {"reason": "changed"},
               make=lambda: cls.env["party.points.appeal"].with_user(cls.users["member"]).create({
                   "period_id": cls._published_period().id, "member_id": cls.m_member.id, "reason": "Filed"}).sudo())
        # whose appeal it is and what it disputes never change, whoever writes
        target("appeal_owner", "party.points.appeal", None, {"member_id": cls.alice.id},
               make=lambda: cls.env["party.points.appeal"].with_user(cls.users["member"]).create({
                   "period_id": cls._published_period().id, "member_id": cls.m_member.id,
                   "reason": "Filed"}).sudo())
        target("result", "party.points.result", lambda n: {"member_id": cls.bob.id, "year": 1900 + n},
               {"veto_manual_reason": "checked"}, make=lambda: cls._result(),
               fresh=lambda n: cls.env["party.points.result"]._compute_year(1900 + n, cls.alice))
        target("result_line", "party.points.result.line",
               lambda n: {"result_id": cls._result().id, "component_id": cls.scheme.component_ids[:1].id},
               {"points": 99.0}, make=lambda: cls._result().line_ids[:1],
               # result lines are a view of the results' subtotals: a fresh one comes with a fresh result
               fresh=lambda n: cls.env["party.points.result"]._compute_year(1900 + n, cls.alice).line_ids[:1])
        target("hr_report", "party.hr.performance.report", lambda n: {"year": 1900 + n}, {"year": 1901},
               make=lambda: cls._hr_report_row(), fresh=lambda n: cls._hr_report_row())

    # ------------------------------------------------------------------ shared records
    @classmethod
    def _published_period(cls):
        if "published_period" not in cls._cache:
            period = cls.env["party.points.period"].create({
                "organization_id": cls.branch_a.id, "date_from": date(1899, 1, 1), "date_to": date(1899, 3, 31)})
            period.action_review()
            period.action_publish()
            cls._cache["published_period"] = period
        return cls._cache["published_period"]

    @classmethod
    def _result(cls):
        if "result" not in cls._cache:
            cls.env["party.points.entry"]._post_automatic(cls.alice, "attendance", date=date(2024, 5, 1))
            cls._cache["result"] = cls.env["party.points.result"]._compute_year(2024, cls.alice)
        return cls._cache["result"]

    @classmethod
    def _hr_report_row(cls):
        employee = cls.env["hr.employee"].create({"name": "Matrix Alice"})
        cls.alice.employee_id = employee
        result = cls._result()
        cls.env.flush_all()
        return cls.env["party.hr.performance.report"].search([("id", "=", result.id)])

    def _shared(self, name):
        spec = self.targets[name]
        record = self._cache.get(("shared", name))
        if not record or not record.exists():
            if spec["make"]:
                record = spec["make"]()
            else:
                record = self.env[spec["model"]].create(spec["vals"](next(self.counter)))
            self._cache[("shared", name)] = record
        return record

    def _fresh(self, name):
        spec = self.targets[name]
        if spec["fresh"]:
            return spec["fresh"](next(self.counter))
        if not spec["vals"]:
            return self._shared(name)
        return self.env[spec["model"]].create(spec["vals"](next(self.counter)))

    def _create_vals(self, name):
        vals = self.targets[name]["vals"]
        return vals(next(self.counter)) if vals else {}

    # ------------------------------------------------------------------ matrix
    def _cells(self):
        """(target, role, op, expected) for every checked cell of the matrix."""
        for row in self.MATRIX:
            name, cells = row[0], row[1:]
            self.assertEqual(len(cells), len(ROLES), f"matrix row {name}: one cell per role {ROLES}")
            self.assertIn(name, self.targets, f"matrix row {name}: unknown target")
            for role, cell in zip(ROLES, cells):
                self.assertEqual(len(cell), 4, f"matrix row {name}, {role}: four characters (rwcu)")
                for op, char in zip(OPS, cell):
                    if char == ".":
                        continue
                    self.assertIn(char, (LETTERS[op], "-"), f"matrix row {name}, {role}, {op}: {char!r}")
                    yield name, role, op, char != "-"

    @staticmethod
    def _verdict(name, model, role, op, expected, allowed, detail):
        if allowed == expected:
            return None
        wanted = "ALLOWED" if expected else "REFUSED"
        got = "ALLOWED" if allowed else f"REFUSED ({detail})"
        return f"{model}[{name}] {role} {op}: expected {wanted}, got {got}"

    def _assert_no_failures(self, failures, what):
        if failures:
            self.fail(f"{len(failures)} wrong cell(s) in the {what}:\n" + "\n".join(failures))

    def run_matrix_orm(self):
        """Every cell through the ORM as the role's user, in a savepoint rolled back after the cell."""
        failures = []
        cells = list(self._cells())
        for name in {cell[0] for cell in cells}:
            self._shared(name)  # created once, before the savepoints
        for name, role, op, expected in cells:
            spec = self.targets[name]
            user = self.users[role]
            with self.env.cr.savepoint() as savepoint:
                try:
                    if op == "read":
                        self._shared(name).with_user(user).read()
                    elif op == "write":
                        self._shared(name).with_user(user).write(dict(spec["write"]))
                    elif op == "create":
                        self.env[spec["model"]].with_user(user).create(self._create_vals(name))
                    else:
                        self._fresh(name).with_user(user).unlink()
                    self.env.flush_all()
                    allowed, detail = True, ""
                except REFUSALS as error:
                    allowed, detail = False, f"{type(error).__name__}: {str(error).splitlines()[0][:150]}"
                finally:
                    savepoint.rollback()
            failure = self._verdict(name, spec["model"], role, op, expected, allowed, detail)
            if failure:
                failures.append(failure)
        self._assert_no_failures(failures, "access matrix (ORM)")

    def _report_cells(self):
        for row in self.REPORTS:
            report, name, cells = row[0], row[1], row[2]
            self.assertEqual(len(cells), len(ROLES), f"report row {report}: one character per role {ROLES}")
            for role, char in zip(ROLES, cells):
                if char != ".":
                    yield report, name, role, char == "y"

    def run_reports_orm(self):
        failures = []
        for report, name, role, expected in self._report_cells():
            record = self._shared(name)
            try:
                self.env["ir.actions.report"].with_user(self.users[role])._render_qweb_html(report, record.ids)
                allowed, detail = True, ""
            except REFUSALS as error:
                allowed, detail = False, f"{type(error).__name__}: {str(error).splitlines()[0][:150]}"
            failure = self._verdict(name, report, role, "print", expected, allowed, detail)
            if failure:
                failures.append(failure)
        self._assert_no_failures(failures, "report matrix (ORM)")

    # ------------------------------------------------------------------ over HTTP
    def _call_kw(self, model, method, args, kwargs=None):
        """One JSON-RPC call as the authenticated user: (allowed, detail)."""
        self.env.flush_all()
        payload = {"jsonrpc": "2.0", "method": "call", "id": next(self.counter),
                   "params": {"model": model, "method": method, "args": args, "kwargs": kwargs or {}}}
        response = self.url_open(f"/web/dataset/call_kw/{model}/{method}", data=json.dumps(payload, default=str),
                                 headers={"Content-Type": "application/json"})
        self.env.invalidate_all()
        body = response.json()
        if "error" in body:
            data = body["error"].get("data", {})
            return False, f"{data.get('name', '?')}: {(data.get('message') or '').splitlines()[0][:150]}"
        return True, ""

    def run_matrix_rpc(self):
        """Every cell over JSON-RPC (/web/dataset/call_kw) with a session of the role's user. A write or create
        that succeeds stays (the values are harmless); unlink runs on a fresh record."""
        failures = []
        cells = sorted(self._cells(), key=lambda cell: ROLES.index(cell[1]))
        current = None
        for name, role, op, expected in cells:
            if role != current:
                self.authenticate(self.users[role].login, self.users[role].login)
                current = role
            spec = self.targets[name]
            model = spec["model"]
            if op == "read":
                allowed, detail = self._call_kw(model, "read", [self._shared(name).ids], {"fields": []})
            elif op == "write":
                allowed, detail = self._call_kw(model, "write", [self._shared(name).ids, dict(spec["write"])])
            elif op == "create":
                allowed, detail = self._call_kw(model, "create", [self._create_vals(name)])
            else:
                allowed, detail = self._call_kw(model, "unlink", [self._fresh(name).ids])
            failure = self._verdict(name, model, role, op, expected, allowed, detail)
            if failure:
                failures.append(failure)
        self._assert_no_failures(failures, "access matrix (JSON-RPC)")

    def run_reports_http(self):
        """Every report cell through /report/html/... and /report/pdf/... (HTML in test mode) of the role."""
        failures = []
        cells = sorted(self._report_cells(), key=lambda cell: ROLES.index(cell[2]))
        current = None
        for report, name, role, expected in cells:
            if role != current:
                self.authenticate(self.users[role].login, self.users[role].login)
                current = role
            report_name = self.env.ref(report).report_name
            ids = ",".join(str(i) for i in self._shared(name).ids)
            self.env.flush_all()
            for converter in ("html", "pdf"):
                response = self.url_open(f"/report/{converter}/{report_name}/{ids}")
                allowed = response.status_code == 200
                failure = self._verdict(name, f"{report} ({converter})", role, "print", expected, allowed,
                                        f"HTTP {response.status_code}")
                if failure:
                    failures.append(failure)
        self._assert_no_failures(failures, "report matrix (HTTP)")


class OrmMatrixTests(AccessWorld):
    """The tests of a world's ``MATRIX`` and ``REPORTS`` through the ORM. A test class mixes it (after its
    world, before ``TransactionCase``) and sets ``MATRIX`` and ``REPORTS``; not a test case by itself."""

    allow_inherited_tests_method = True  # Odoo's loader runs only a class's own test methods otherwise

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._build_world()

    def test_matrix(self):
        self.run_matrix_orm()

    def test_reports(self):
        self.run_reports_orm()


class RpcMatrixTests(AccessWorld):
    """The same tests over JSON-RPC and the report routes, with a real session per role (mixed before
    ``HttpCase``)."""

    allow_inherited_tests_method = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._build_world()

    def test_matrix_rpc(self):
        self.run_matrix_rpc()

    def test_reports_http(self):
        self.run_reports_http()
