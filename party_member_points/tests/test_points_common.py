from contextlib import contextmanager
from datetime import date

from odoo import Command
from odoo.exceptions import UserError

from .common import PartyRegisterCase


class PartyPointsCase(PartyRegisterCase):
    """The register's two branches plus a small test scheme with easy numbers for the cap rules.

    ``branch`` (secretary ``user_secretary``, group ``group1`` led by ``user_leader``) uses the test scheme;
    ``default_branch`` uses the shipped default scheme (S003 P4) like every organization without its own.
    """

    YEAR = 2025

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Scheme = cls.env["party.points.scheme"]
        cls.scheme = Scheme.create({
            "name": "Test Scheme", "code": "TEST", "period_type": "quarter", "total_method": "sum",
            "floor_mode": "component", "carry_over_percent": 30.0, "publication_days": 5,
            "component_ids": [
                Command.create({"name": "Life", "code": "life", "max_points": 10.0, "is_core": True, "sequence": 1}),
                Command.create({"name": "Study", "code": "study", "max_points": 20.0, "is_core": True,
                                "sequence": 2}),
                Command.create({"name": "Bonus", "code": "bonus", "sequence": 3}),
            ],
        })
        cls.c_life, cls.c_study, cls.c_bonus = cls.scheme.component_ids.sorted("sequence")
        Rule = cls.env["party.points.rule"]

        def rule(code, component, points, **vals):
            return Rule.create(dict({"name": code.replace("_", " ").title(), "code": code,
                                     "scheme_id": cls.scheme.id, "component_id": component.id,
                                     "points": points, "recorder": "leader"}, **vals))

        cls.r_act = rule("activity", cls.c_life, 3.0)
        cls.r_capped = rule("capped", cls.c_study, 4.0, cap_points=10.0)
        cls.r_twice = rule("twice_a_month", cls.c_bonus, 5.0, count_limit=2, limit_period="month")
        cls.r_deduct = rule("deduct", cls.c_study, -4.0, recorder="officer")
        cls.r_claim = rule("claim", cls.c_bonus, 6.0, recorder="member", evidence_required=True)
        cls.r_officer = rule("officer_only", cls.c_bonus, 2.0, recorder="officer")
        cls.r_free = rule("free_claim", cls.c_bonus, 1.0, recorder="member")
        cls.r_big = rule("big", cls.c_bonus, 50.0, recorder="system")
        for code, points in (("attendance", 3.0), ("absence_unexcused", -5.0), ("evaluation_excellent", 20.0)):
            rule(code, cls.c_life if code != "evaluation_excellent" else cls.c_bonus, points, recorder="system")
        cls.branch.points_scheme_id = cls.scheme
        cls.default_scheme = cls.env.ref("party_member_points.scheme_p4")
        cls.default_branch = cls.env["party.organization"].create({
            "name": "South Village Branch", "kind": "branch", "parent_id": cls.town.id,
            "secretary_id": cls.user_other_secretary.id})
        cls.own = cls._member("Own Member", user_id=cls.user_member.id, party_group_id=cls.group1.id)
        cls.alice = cls._member("Alice", party_group_id=cls.group1.id)
        cls.bob = cls._member("Bob")
        cls.Entry = cls.env["party.points.entry"]

    @classmethod
    def _post(cls, member, rule, day=None, points=None, source=None):
        """Post points through the automatic API (rule by code, caps applied)."""
        return cls.env["party.points.entry"]._post_automatic(
            member, rule.code, source=source, date=day or date(cls.YEAR, 3, 1), points=points)

    def _total(self, member, component=None, year=None):
        domain = [("member_id", "=", member.id), ("state", "=", "posted"), ("year", "=", year or self.YEAR)]
        if component:
            domain.append(("component_id", "=", component.id))
        return sum(self.Entry.search(domain).mapped("points"))

    @contextmanager
    def assertUserError(self, pattern):
        """Like assertRaisesRegex, but within a savepoint rolled back on the error (as a real request would be),
        so that the test can check that nothing was saved."""
        with self.assertRaises(UserError) as catcher:
            yield catcher
        self.assertRegex(str(catcher.exception), pattern)

    def _attachment(self):
        return self.env["ir.attachment"].create({"name": "proof.txt", "raw": b"proof"})
