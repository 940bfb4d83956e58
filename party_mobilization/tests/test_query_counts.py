from odoo.tests import tagged

from odoo.addons.party_member_points.tests.test_query_counts import QueryCountMixin

from .common import MobilizationCase


@tagged("post_install", "-at_install")
class TestRosterQueryCount(QueryCountMixin, MobilizationCase):
    """Building and ordering a roster uses the same number of queries for a village of 5 people as for 50 (a
    county's big village has ten thousand)."""

    def _village(self, size):
        """A village branch of ``size`` people: a party member who is a villager representative, a village
        committee member and ordinary villagers, so that every village has the same three batches."""
        village = self.env["party.organization"].create({
            "name": f"Roster Village {size}", "kind": "branch", "sector": "rural", "parent_id": self.town.id,
            "secretary_id": self.user_secretary.id})
        member = self.env["party.member"].create(self._member_vals(f"Roster Member {size}", village))
        self.env["party.mobilization.person"].create(
            [{"name": f"Roster Member {size}", "member_id": member.id, "organization_id": village.id},
             {"name": f"Roster Committee {size}", "organization_id": village.id, "is_village_committee": True}]
            + [{"name": f"Roster Villager {size}-{index:03d}", "organization_id": village.id}
               for index in range(size - 2)])
        return village

    def test_build_and_order_roster(self):
        def prepare(size):
            village = self._village(max(size, 3))
            project = self._new_project(organization_id=village.id)

            def run():
                project._build_roster()
                rows = project._roster_rows()
                self.assertEqual(len(rows), max(size, 3))
                self.assertEqual([batch.identity for batch, _number, _participant in rows][:2], ["4", "5"])
            return run

        # +1: the freeze table reads the state of the project the new batches and people belong to
        self.assertQueryCountConstant(prepare, 52)
