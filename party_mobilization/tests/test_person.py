from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import VILLAGE_SIZE, MobilizationCase


@tagged("post_install", "-at_install")
class TestMobilizationPerson(MobilizationCase):
    """Identities of the villagers: highest identity wins, outside residents included."""

    def test_identities_of_the_village(self):
        self.assertEqual(len(self.people), VILLAGE_SIZE)
        expected = {
            self.p_secretary: 1,            # secretary (branch's secretary user) and director
            self.p_committee: 3,            # committee member user and representative
            self.p_declared_committee: 3,   # declared on the person
            self.p_village_committee: 4,    # party member on the village committee
            self.p_committee_nonmember: 4,  # village committee member without party membership
            self.p_member_rep: 5,           # party member and representative
            self.p_probationary: 5,         # probationary members are party members
            self.p_outside_member: 5,       # member of another branch living here long-term
            self.p_outside_cadre: 5,        # membership kept by an outside organization
            self.p_applicant_rep: 6,        # an applicant is not a party member
            self.p_expelled: 7,             # expelled: no longer a party member
            self.p_outside_worker: 7,
            self.p_villager: 7,
        }
        for person, rank in expected.items():
            self.assertEqual(person.identity_rank, rank, person.name)
            self.assertEqual(person.identity, str(rank), person.name)
        counts = {rank: len(self.people.filtered(lambda p, r=rank: p.identity_rank == r)) for rank in range(1, 8)}
        self.assertEqual(counts, {1: 1, 2: 0, 3: 2, 4: 2, 5: 26, 6: 15, 7: 154})
        self.assertTrue(self.p_secretary.is_cadre and self.p_committee_nonmember.is_cadre)
        self.assertFalse(self.p_member_rep.is_cadre)

    def test_identity_follows_the_branch_and_the_register(self):
        # the branch elects a new secretary: the old one keeps the village director post
        self.village.secretary_id = self.user_committee
        self.assertEqual(self.p_committee.identity_rank, 1)
        self.assertEqual(self.p_secretary.identity_rank, 2)
        # a member who leaves the party falls back to the identity of their other roles
        self.p_member_rep.member_id._set_status("withdrew", self.today, "Withdrew from the party")
        self.assertEqual(self.p_member_rep.identity_rank, 6)
        self.p_plain_member.member_id._set_status("deceased", self.today, "Died")
        self.assertEqual(self.p_plain_member.identity_rank, 7)

    def test_member_matched_by_contact(self):
        # members not yet registered as villagers (a person is registered once)
        member, member2 = self.env["party.member"].create([
            self._member_vals("Same Contact", self.other_village),
            self._member_vals("From Member", self.other_village)])
        person = self.env["party.mobilization.person"].create({
            "name": "Same Contact", "organization_id": self.other_village.id, "partner_id": member.partner_id.id})
        self.assertEqual(person.member_id, member)
        self.assertTrue(person.is_party_member)
        person2 = self.env["party.mobilization.person"].create({
            "name": "From Member", "organization_id": self.other_village.id, "member_id": member2.id})
        self.assertEqual(person2.partner_id, member2.partner_id)

    def test_constraints(self):
        Person = self.env["party.mobilization.person"]
        count = Person.search_count([])
        with self.assertRaises(ValidationError):
            Person.create({"name": "No Unit", "organization_id": self.village.id, "residence": "outside_resident"})
        with self.assertRaises(ValidationError):
            Person.create({"name": "Declared Without Record", "organization_id": self.village.id,
                           "branch_secretary_role": True})
        with self.assertRaises(ValidationError):
            Person.create({"name": "Native Outside Member", "organization_id": self.village.id,
                           "outside_party_member": True})
        self.assertEqual(Person.search_count([]), count, "nothing saved")
