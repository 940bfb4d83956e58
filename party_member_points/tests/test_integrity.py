import json
import math
from datetime import date, timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger
from odoo.addons.party_member_points.tools.clock import party_today

from ..models.party_workflow import WORKFLOW
from .test_points_common import PartyPointsCase

FORGED_FLAGS = (True, 1, "1", "true", {"x": 1}, [1])


class TodayMixin:
    @property
    def today(self):
        return party_today(self.env["party.points.entry"])


def load_zh_cn(env):
    """Activate Chinese and its translations of the party addons (the code's messages come from zh_CN.po)."""
    env["res.lang"]._activate_lang("zh_CN")
    modules = env["ir.module.module"].search([("name", "like", "party_%"), ("state", "=", "installed")])
    modules._update_translations(["zh_CN"])


@tagged("post_install", "-at_install")
class TestWorkflowFlags(PartyPointsCase):
    """The context keys that let the workflow write protected fields were plain booleans: any JSON-RPC call may
    carry a context, so a member could post their own points. Only the in-code marker counts now."""

    def test_member_cannot_post_own_points_with_a_forged_context(self):
        Entry = self.Entry.with_user(self.user_member)
        for forged in FORGED_FLAGS:
            with self.assertRaises(UserError, msg=f"party_points_posting={forged!r}"):
                Entry.with_context(party_points_posting=forged).create({
                    "member_id": self.own.id, "rule_id": self.r_free.id, "points": 1.0, "state": "posted",
                    "approver_id": self.user_member.id})
        draft = Entry.create({"member_id": self.own.id, "rule_id": self.r_free.id})
        for vals in ({"state": "posted"}, {"approver_id": self.user_secretary.id}, {"is_reversed": True},
                     {"requested_points": 50.0}, {"source_ref": f"party.member,{self.own.id}"}):
            with self.assertRaises(UserError, msg=str(vals)):
                draft.with_context(party_points_posting=True).write(vals)
        self.assertEqual((draft.state, draft.approver_id, draft.is_reversed), ("draft", self.env["res.users"], False))

    def test_forged_flags_of_periods_appeals_and_results(self):
        period = self.env["party.points.period"].create({
            "organization_id": self.branch.id, "date_from": date(self.YEAR, 1, 1), "date_to": date(self.YEAR, 3, 31)})
        as_officer = period.with_user(self.user_secretary)
        with self.assertRaises(UserError):
            as_officer.with_context(party_points_period_flow=True).write({"state": "closed"})
        with self.assertRaises(UserError):
            self.env["party.points.period"].with_user(self.user_secretary).create({
                "organization_id": self.branch.id, "date_from": date(self.YEAR, 4, 1),
                "date_to": date(self.YEAR, 6, 30), "state": "closed"})
        as_officer.action_review()
        as_officer.action_publish()
        appeal = self.env["party.points.appeal"].with_user(self.user_member).create({
            "period_id": period.id, "reason": "Missing points"})
        with self.assertRaises(UserError):
            appeal.with_context(party_points_appeal_answer=True).write({"state": "accepted", "answer": "Yes"})
        with self.assertRaises(UserError):
            self.env["party.points.appeal"].with_user(self.user_member).create({
                "period_id": period.id, "reason": "x", "state": "accepted", "answer": "granted"})
        self._post(self.alice, self.r_act)
        result = self.env["party.points.result"]._compute_year(self.YEAR, self.alice)
        with self.assertRaises(UserError):
            result.with_user(self.user_secretary).with_context(party_points_compute=True).write(
                {"grade": "excellent", "stars": 5})
        with self.assertRaises(UserError):
            self.env["party.points.result"].with_user(self.user_secretary).create(
                {"member_id": self.bob.id, "year": self.YEAR, "grade": "excellent"})
        self.assertEqual(period.state, "published")
        self.assertEqual(appeal.state, "submitted")
        self.assertNotEqual(result.grade, "excellent")

    def test_the_marker_itself_works_in_code(self):
        period = self.env["party.points.period"].create({
            "organization_id": self.branch.id, "date_from": date(self.YEAR, 1, 1), "date_to": date(self.YEAR, 3, 31)})
        period.with_context(party_points_period_flow=WORKFLOW).write({"publication_days": 7})
        self.assertEqual(period.publication_days, 7)


@tagged("post_install", "-at_install")
class TestLedgerIntegrity(TodayMixin, PartyPointsCase):
    """Posted points are never changed nor deleted, by anyone (administrator and superuser included), whether
    through the ORM or an import; a closed period locks what is dated in it."""

    def _posted(self):
        entry = self.Entry.with_user(self.user_leader).create({"member_id": self.alice.id, "rule_id": self.r_act.id,
                                                              "date": date(self.YEAR, 2, 1)})
        entry.with_user(self.user_secretary).action_post()
        return entry

    def test_posted_entry_is_immutable_for_everyone(self):
        entry = self._posted()
        admin = self.env.ref("base.user_admin")
        for env_entry in (entry.with_user(self.user_secretary), entry.with_user(admin), entry.sudo()):
            for vals in ({"points": 99.0}, {"date": date(self.YEAR, 2, 2)}, {"name": "changed"},
                         {"is_reversed": True}, {"state": "draft"}):
                with self.assertRaises(UserError, msg=f"{env_entry.env.user.login} {vals}"):
                    env_entry.write(vals)
            with self.assertRaises(UserError):
                env_entry.unlink()
        self.assertEqual((entry.points, entry.state, entry.is_reversed), (3.0, "posted", False))

    def test_import_cannot_change_or_delete_posted_points(self):
        entry = self._posted()
        Entry = self.Entry.with_user(self.user_secretary)
        result = Entry.load([".id", "points", "name"], [[str(entry.id), "99", "changed"]])
        self.assertFalse(result["ids"])
        self.assertTrue(any(message["type"] == "error" for message in result["messages"]))
        self.assertEqual((entry.points, entry.name), (3.0, self.r_act.name))

    def test_import_with_broken_rows_saves_nothing(self):
        count = self.Entry.search_count([])
        rows = [
            [str(self.alice.id), str(self.r_act.id), "2025-02-01", "good row"],
            [str(self.alice.id), "999999", "2025-02-01", "unknown rule"],
            [str(self.alice.id), str(self.r_act.id), "not a date", "bad date"],
        ]
        result = self.Entry.with_user(self.user_secretary).load(
            ["member_id/.id", "rule_id/.id", "date", "name"], rows)
        self.assertFalse(result["ids"])
        self.assertGreaterEqual(len([m for m in result["messages"] if m["type"] == "error"]), 2)
        self.assertEqual(self.Entry.search_count([]), count, "one broken row: nothing of the file is saved")

    def test_closed_period_locks_everything_dated_in_it(self):
        entry = self._posted()
        draft = self.Entry.with_user(self.user_leader).create({
            "member_id": self.alice.id, "rule_id": self.r_act.id, "date": date(self.YEAR, 2, 3)})
        period = self.env["party.points.period"].create({
            "organization_id": self.branch.id, "date_from": date(self.YEAR, 1, 1), "date_to": date(self.YEAR, 3, 31)})
        draft.with_user(self.user_secretary).action_post()
        period.action_review()
        period.action_publish()
        period.with_context(party_points_period_flow=WORKFLOW).write({"publication_end": self.today - timedelta(1)})
        period.action_close()
        with self.assertUserError("closed"):
            self.Entry.with_user(self.user_secretary).create({
                "member_id": self.alice.id, "rule_id": self.r_act.id, "date": date(self.YEAR, 3, 1)})
        # the register is not locked: the points of a meeting of the closed quarter go to the open period
        late = self.Entry._post_automatic(self.alice, "attendance", date=date(self.YEAR, 3, 1))
        self.assertEqual(late.date, self.today)
        self.assertIn("closed", late.name)
        with self.assertUserError("closed"):
            entry.with_user(self.user_secretary)._reverse("Wrong")
        for vals in ({"state": "open"}, {"date_to": date(self.YEAR, 2, 1)}, {"organization_id": self.other_branch.id}):
            with self.assertRaises(UserError):
                period.write(vals)
        with self.assertRaises(UserError):
            period.unlink()
        self.assertEqual(period.state, "closed")

    def test_every_state_change_is_in_the_chatter_with_author_and_time(self):
        entry = self.Entry.with_user(self.user_member).with_context(tracking_disable=False).create({
            "member_id": self.own.id, "rule_id": self.r_free.id, "date": self.today})
        # each step is its own request: the tracking is written when its transaction commits
        self.env.flush_all()
        self.env.cr.precommit.run()
        entry.with_user(self.user_member).with_context(tracking_disable=False).action_submit()
        self.env.flush_all()
        self.env.cr.precommit.run()
        entry.with_user(self.user_secretary).with_context(tracking_disable=False).action_approve()
        self.env.flush_all()
        self.env.cr.precommit.run()
        trackings = self.env["mail.tracking.value"].sudo().search([
            ("mail_message_id.model", "=", entry._name), ("mail_message_id.res_id", "=", entry.id),
            ("field_id.name", "=", "state")])
        changes = {(t.old_value_char, t.new_value_char): t.mail_message_id for t in trackings}
        self.assertEqual(set(changes), {("Draft", "Submitted"), ("Submitted", "Posted")})
        self.assertEqual(changes[("Draft", "Submitted")].author_id, self.user_member.partner_id)
        self.assertEqual(changes[("Submitted", "Posted")].author_id, self.user_secretary.partner_id)
        self.assertTrue(all(message.date for message in changes.values()))

    def test_audit_trail_cannot_be_deleted_or_rewritten(self):
        entry = self._posted()
        entry.with_user(self.user_secretary).message_post(body="Checked against the minutes", message_type="comment",
                                                          subtype_xmlid="mail.mt_note")
        log = self.env["mail.message"].create({"model": entry._name, "res_id": entry.id, "body": "Posted",
                                               "message_type": "notification"})
        note = entry.message_ids.filtered(lambda m: m.message_type == "comment")[:1]
        Message = self.env["mail.message"].with_user(self.user_secretary)
        with self.assertRaises(UserError):
            Message.browse(log.id).unlink()
        with self.assertRaises(UserError):
            Message.browse(log.id).write({"body": "Nothing happened"})
        self.assertTrue(log.exists())
        # the officer's own note stays theirs to edit (a comment, not the trail)
        Message.browse(note.id).write({"body": "Checked twice"})
        self.assertIn("twice", note.body)

    def test_appeal_statement_belongs_to_its_author(self):
        period = self.env["party.points.period"].create({
            "organization_id": self.branch.id, "date_from": date(self.YEAR, 1, 1), "date_to": date(self.YEAR, 3, 31)})
        period.action_review()
        period.action_publish()
        appeal = self.env["party.points.appeal"].with_user(self.user_member).create({
            "period_id": period.id, "reason": "My attendance of March is missing"})
        with self.assertRaises(UserError):
            appeal.with_user(self.user_secretary).write({"reason": "Nothing to see"})
        with self.assertRaises(UserError):
            appeal.with_user(self.user_secretary).unlink()
        appeal.with_user(self.user_member).write({"reason": "My attendance of March 3 is missing"})
        self.assertIn("March 3", appeal.reason)


@tagged("post_install", "-at_install")
class TestPointsBadInput(TodayMixin, PartyPointsCase):
    """Bad values get a clear message (in Chinese too) and leave nothing behind."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.r_variable = cls.env["party.points.rule"].create({
            "name": "Variable", "code": "variable", "scheme_id": cls.scheme.id, "component_id": cls.c_bonus.id,
            "points": 5.0, "allow_custom_points": True, "recorder": "leader"})

    def _create(self, **vals):
        values = {"member_id": self.alice.id, "rule_id": self.r_variable.id, "date": date(self.YEAR, 2, 1)}
        values.update(vals)
        return self.Entry.with_user(self.user_leader).create(values)

    def test_points_out_of_range(self):
        count = self.Entry.search_count([])
        for points in (-1.0, 5.5, 1e300, -1e300, math.inf, -math.inf, math.nan):
            with self.assertRaises(ValidationError, msg=repr(points)):
                self._create(points=points)
        self.assertEqual(self.Entry.search_count([]), count)
        draft = self._create(points=2.5)
        for points in (math.nan, 6.0, -2.0):
            with self.assertRaises(ValidationError, msg=repr(points)):
                draft.write({"points": points})
        self.assertEqual(draft.points, 2.5)

    def test_future_date_refused(self):
        with self.assertUserError("future"):
            self._create(points=1.0, date=self.today + timedelta(days=3))
        draft = self._create(points=1.0)
        with self.assertUserError("future"):
            draft.write({"date": fields.Date.to_string(self.today + timedelta(days=1))})

    def test_wrong_organization_and_rule(self):
        with self.assertRaises(AccessError):
            self.Entry.with_user(self.user_other_secretary).create({"member_id": self.alice.id,
                                                                     "rule_id": self.r_act.id})
        other_rule = self.default_scheme.rule_ids.filtered(lambda r: r.recorder == "leader")[:1]
        with self.assertUserError("not part of the scheme"):
            self.Entry.with_user(self.user_leader).create({"member_id": self.alice.id, "rule_id": other_rule.id})

    def test_period_dates(self):
        with mute_logger("odoo.sql_db"), self.assertUserError("cannot end before it starts"):
            self.env["party.points.period"].create({
                "organization_id": self.branch.id, "date_from": date(self.YEAR, 3, 31),
                "date_to": date(self.YEAR, 1, 1)})

    def test_messages_are_translated(self):
        load_zh_cn(self.env)
        Entry = self.Entry.with_user(self.user_leader).with_context(lang="zh_CN")
        checks = [
            (lambda: Entry.create({"member_id": self.alice.id, "rule_id": self.r_variable.id, "points": math.nan}),
             "Points must be a number"),
            (lambda: Entry.create({"member_id": self.alice.id, "rule_id": self.r_variable.id, "points": 1.0,
                                   "date": self.today + timedelta(days=3)}), "is in the future"),
            (lambda: Entry.create({"member_id": self.alice.id, "rule_id": self.r_variable.id, "state": "posted"}),
             "starts as a draft"),
            (lambda: Entry.create({"member_id": self.alice.id, "rule_id": self.r_variable.id,
                                   "approver_id": self.user_leader.id}), "set by the approval workflow"),
        ]
        for call, english in checks:
            with self.assertRaises(UserError) as caught:
                call()
            message = str(caught.exception)
            self.assertNotIn(english, message, f"untranslated: {message}")
            self.assertTrue(any("\u4e00" <= char <= "\u9fff" for char in message), f"not Chinese: {message}")


@tagged("post_install", "-at_install")
class TestForgedContextOverRpc(HttpCase):
    """The same forged flag sent over JSON-RPC, as a browser or a script would; posted points over JSON-RPC."""

    def _call(self, model, method, args, kwargs=None):
        payload = {"jsonrpc": "2.0", "method": "call", "id": 1, "params": {
            "model": model, "method": method, "args": args, "kwargs": kwargs or {}}}
        response = self.url_open(f"/web/dataset/call_kw/{model}/{method}", data=json.dumps(payload),
                                 headers={"Content-Type": "application/json"})
        return response.json()

    def test_posted_points_over_rpc_as_administrator(self):
        entry = self.env["party.points.entry"].search([("state", "=", "posted")], limit=1)
        if not entry:
            self.skipTest("no posted entry in the demo data")
        points, name = entry.points, entry.name
        self.authenticate("admin", "admin")
        for method, args, kwargs in (
                ("write", [entry.ids, {"points": points + 100}], {}),
                ("write", [entry.ids, {"state": "draft"}], {"context": {"party_points_posting": True}}),
                ("unlink", [entry.ids], {}),
                ("web_save", [entry.ids, {"name": "rewritten"}], {"specification": {"name": {}}})):
            body = self._call("party.points.entry", method, args, kwargs)
            self.assertIn("error", body, f"{method} {args}")
        body = self._call("party.points.entry", "load", [[".id", "points"], [[str(entry.id), "999"]]])
        self.assertFalse(body["result"]["ids"])
        self.env.invalidate_all()
        self.assertEqual((entry.points, entry.name, entry.state), (points, name, "posted"))

    def test_member_cannot_post_own_points_over_rpc(self):
        member = self.env["party.member"].search([("user_id.login", "=", "member")], limit=1)
        if not member:
            self.skipTest("demo data without the member login")
        rule = member.organization_id._get_points_scheme().rule_ids.filtered(lambda r: r.recorder == "member")[:1]
        count = self.env["party.points.entry"].search_count([("member_id", "=", member.id)])
        self.authenticate("member", "member")
        payload = {"jsonrpc": "2.0", "method": "call", "id": 1, "params": {
            "model": "party.points.entry", "method": "create",
            "args": [{"member_id": member.id, "rule_id": rule.id, "state": "posted", "points": rule.points}],
            "kwargs": {"context": {"party_points_posting": True}}}}
        response = self.url_open("/web/dataset/call_kw/party.points.entry/create", data=json.dumps(payload),
                                 headers={"Content-Type": "application/json"})
        body = response.json()
        self.assertIn("error", body)
        self.assertEqual(body["error"]["data"]["name"], "odoo.exceptions.UserError")
        self.assertEqual(self.env["party.points.entry"].search_count([("member_id", "=", member.id)]), count)
