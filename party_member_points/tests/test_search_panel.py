from unittest.mock import patch

from odoo.tests import new_test_user, tagged

from odoo.addons.party_member_points.models.party_member import PartyMember

from .common import PartyRegisterCase

PANEL = {"category_domain": [], "enable_counters": True, "expand": False, "filter_domain": [], "hierarchize": True,
         "limit": 0, "search_domain": [("status", "=", "normal")]}


@tagged("post_install", "-at_install")
class TestMemberSearchPanel(PartyRegisterCase):
    """The organizations of the member search panel: Odoo's tree with its counters, built in three queries; beyond
    ``_PANEL_MAX_ORGANIZATIONS`` organizations (a province), the committees only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Org = cls.env["party.organization"]
        cls.user_province = new_test_user(cls.env, "t_province",
                                          groups="base.group_user,party_member_points.group_party_upper")
        cls.county = Org.create({"name": "Panel County", "kind": "committee", "secretary_id": cls.user_province.id})
        cls.town.parent_id = cls.county
        cls.second_town = Org.create({"name": "Panel Second Town", "kind": "committee", "parent_id": cls.county.id})
        cls.third_branch = Org.create({"name": "Panel Third Branch", "kind": "branch",
                                       "parent_id": cls.second_town.id})
        for index in range(3):
            cls._member(f"East {index}", party_group_id=cls.group1.id if index else False)
        cls._member("West", org=cls.other_branch)
        for index in range(2):
            cls._member(f"Third {index}", org=cls.third_branch)

    def _odoo_panel(self, Member):
        """What Odoo's own search panel returns (the implementation this module replaces for the organizations)."""
        # the next implementation after this module's (web's), called on purpose from a helper of the test
        return super(PartyMember, Member).search_panel_select_range(  # pylint: disable=super-method-mismatch
            "organization_id", **PANEL)

    @staticmethod
    def _tree(result):
        return sorted((value["display_name"], value["parent_id"], value["__count"]) for value in result["values"])

    def test_same_tree_and_counters_as_odoo(self):
        for user in (self.user_province, self.user_upper, self.user_secretary):
            Member = self.env["party.member"].with_user(user)
            mine = Member.search_panel_select_range("organization_id", **PANEL)
            self.assertEqual(mine["parent_field"], "parent_id")
            self.assertEqual(self._tree(mine), self._tree(self._odoo_panel(Member)), user.login)
        # the branch secretary sees the branch and the committees above it, with the branch's members only
        Member = self.env["party.member"].with_user(self.user_secretary)
        tree = {value["display_name"]: value["__count"]
                for value in Member.search_panel_select_range("organization_id", **PANEL)["values"]}
        self.assertEqual(tree, {"Panel County": 3, "Test Town Committee": 3, "East Village Branch": 3})

    def test_a_province_sees_its_committees(self):
        Member = self.env["party.member"].with_user(self.user_province)
        with patch.object(PartyMember, "_PANEL_MAX_ORGANIZATIONS", 1):
            result = Member.search_panel_select_range("organization_id", **PANEL)
        tree = {value["display_name"]: (value["parent_id"], value["__count"]) for value in result["values"]}
        self.assertEqual(tree, {
            "Panel County": (False, 6),
            "Test Town Committee": (self.county.id, 4),
            "Panel Second Town": (self.county.id, 2),
        })
        # a filter of the list applies to the counters, and when it leaves few organizations, their branches
        # are listed again
        with patch.object(PartyMember, "_PANEL_MAX_ORGANIZATIONS", 1):
            result = Member.search_panel_select_range(
                "organization_id", **dict(PANEL, filter_domain=[("name", "like", "Third")]))
        self.assertEqual(sorted((v["display_name"], v["__count"]) for v in result["values"]),
                         [("Panel County", 2), ("Panel Second Town", 2), ("Panel Third Branch", 2)])

    def test_queries_do_not_grow_with_the_tree(self):
        Member = self.env["party.member"].with_user(self.user_province)
        Member.search_panel_select_range("organization_id", **PANEL)  # rules and caches warm
        with self.assertQueryCount(3):
            Member.search_panel_select_range("organization_id", **PANEL)
        Org = self.env["party.organization"]
        towns = Org.create([{"name": f"Panel Town {t}", "kind": "committee", "parent_id": self.county.id}
                            for t in range(5)])
        branches = Org.create([{"name": f"Panel Branch {b}", "kind": "branch", "parent_id": towns[b % 5].id}
                               for b in range(30)])
        self.env["party.member"].create([{"name": f"Panel {b}", "organization_id": branch.id, "stage": "full",
                                          "join_date": "2010-07-01", "full_member_date": "2011-07-01"}
                                         for b, branch in enumerate(branches)])
        self.env.flush_all()
        Member.search_panel_select_range("organization_id", **PANEL)
        with self.assertQueryCount(3):
            result = Member.search_panel_select_range("organization_id", **PANEL)
        self.assertEqual(len(result["values"]), 3 + 2 + 5 + 30 + 1)
