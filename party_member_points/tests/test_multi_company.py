from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestMultiCompany(TransactionCase):
    """A second company with its own organization: its users (member, officer, even its party administrator)
    see nothing of the first company, in any party model, nor the chatter of its records."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True, mail_create_nolog=True))
        cls.company_a = cls.env.ref("base.main_company")
        cls.company_b = cls.env["res.company"].create({"name": "Second County"})
        groups = "base.group_user,party_member_points.group_party_%s"
        cls.users_b = cls.env["res.users"]
        for role in ("member", "officer", "admin"):
            cls.users_b |= new_test_user(cls.env, f"company_b_{role}", groups=groups % role,
                                         company_id=cls.company_b.id, company_ids=[cls.company_b.id])
        member_b, officer_b, _admin_b = cls.users_b
        Org = cls.env["party.organization"].with_company(cls.company_b)
        cls.committee_b = Org.create({"name": "Second County Committee", "kind": "committee",
                                      "company_id": cls.company_b.id})
        cls.branch_b = Org.create({"name": "Second County Branch", "kind": "branch", "company_id": cls.company_b.id,
                                   "parent_id": cls.committee_b.id, "secretary_id": officer_b.id})
        cls.member_b = cls.env["party.member"].create({
            "name": "Second County Member", "organization_id": cls.branch_b.id, "stage": "full",
            "join_date": "2010-01-01", "full_member_date": "2011-01-01", "user_id": member_b.id})
        # the first company has a record in every party model (demo data and what the tests above leave)
        cls.env["party.points.entry"]._post_automatic(
            cls.env["party.member"].search([("company_id", "=", cls.company_a.id)], limit=1), "attendance")

    def _party_models(self):
        for name in sorted(self.env.registry):
            Model = self.env[name]
            field = Model._fields.get("company_id")
            if name.startswith("party.") and not Model._transient and not Model._abstract and field \
                    and field.store:
                yield Model

    def test_second_company_sees_nothing_of_the_first(self):
        seen = []
        checked = []
        for Model in self._party_models():
            first = Model.sudo().search([("company_id", "=", self.company_a.id)])
            if not first:
                continue
            checked.append(Model._name)
            for user in self.users_b:
                try:
                    visible = Model.with_user(user).search([("id", "in", first.ids)])
                except AccessError:
                    continue  # no right on the model at all
                if visible:
                    seen.append(f"{user.login} sees {len(visible)} {Model._name} of {self.company_a.name}")
                try:
                    first[:1].with_user(user).check_access("read")
                    seen.append(f"{user.login} reads {Model._name} {first[:1].id}")
                except AccessError:
                    continue  # refused, as it must be
        self.assertFalse(seen, "\n".join(seen))
        self.assertGreaterEqual(len(checked), 12, f"models checked: {checked}")
        first_members = self.env["party.member"].search([("company_id", "=", self.company_a.id)])
        for user in self.users_b:
            self.assertFalse(self.env["mail.message"].with_user(user).search(
                [("model", "=", "party.member"), ("res_id", "in", first_members.ids)]))

    def test_second_company_runs_its_own_branch(self):
        _member_b, officer_b, admin_b = self.users_b
        self.assertEqual(self.env["party.member"].with_user(officer_b).search([]), self.member_b)
        self.assertEqual(self.env["party.member"].with_user(admin_b).search([]), self.member_b)
        new = self.env["party.member"].with_user(officer_b).create({
            "name": "Second County Applicant", "organization_id": self.branch_b.id})
        self.assertEqual(new.company_id, self.company_b)
        with self.assertRaises(AccessError):
            self.env["party.member"].with_user(officer_b).create({
                "name": "Intruder", "organization_id": self.env["party.organization"].search(
                    [("company_id", "=", self.company_a.id), ("kind", "=", "branch")], limit=1).id})
