from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import TransactionCase, new_test_user
from odoo.addons.party_member_points.tools.clock import party_today

VILLAGE_SIZE = 200


class MobilizationCase(TransactionCase):
    """A town committee with two villages. The first village has 200 people with overlapping identities:

    - the branch secretary is also the village committee director (rank 1);
    - a branch committee member (an Odoo user of the branch committee) is also a villager representative (rank 3);
    - a branch committee member declared on the person (rank 3);
    - a party member on the village committee and a village committee member who is not a party member (rank 4);
    - 28 party members, 6 of them villager representatives, one probationary, one from an outside unit kept in
      another branch's register, one whose membership is in an outside organization (rank 5);
    - an applicant who is a villager representative and 14 other representatives (rank 6);
    - an expelled member, a long-term resident from an outside unit who is not a member and ordinary villagers
      (rank 7).
    No one is rank 2: the director is the secretary.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True, mail_create_nolog=True,
                                       mail_notrack=True))
        cls.today = party_today(cls.env["party.mobilization.project"])
        groups = "base.group_user,party_member_points.group_party_"
        cls.user_town = new_test_user(cls.env, "mob_town", groups=groups + "upper", name="Town Secretary")
        cls.user_secretary = new_test_user(cls.env, "mob_secretary", groups=groups + "officer",
                                           name="Village Secretary")
        cls.user_committee = new_test_user(cls.env, "mob_committee", groups=groups + "officer",
                                           name="Branch Committee Member")
        cls.user_other = new_test_user(cls.env, "mob_other", groups=groups + "officer", name="Other Secretary")
        cls.user_member = new_test_user(cls.env, "mob_member", groups=groups + "member", name="Village Member")
        Org = cls.env["party.organization"]
        cls.town = Org.create({"name": "Mobilization Town Committee", "kind": "committee", "sector": "rural",
                               "secretary_id": cls.user_town.id})
        cls.village = Org.create({
            "name": "Green River Village Branch", "kind": "branch", "sector": "rural", "parent_id": cls.town.id,
            "secretary_id": cls.user_secretary.id, "committee_member_ids": [fields.Command.set(cls.user_committee.ids)],
        })
        cls.other_village = Org.create({"name": "Stone Bridge Village Branch", "kind": "branch", "sector": "rural",
                                        "parent_id": cls.town.id, "secretary_id": cls.user_other.id})
        cls._create_village()

    @classmethod
    def _member_vals(cls, name, org, **vals):
        values = {"name": name, "organization_id": org.id, "stage": "full", "join_date": "2005-07-01",
                  "full_member_date": "2006-07-01"}
        values.update(vals)
        return values

    @classmethod
    def _create_village(cls):
        Member = cls.env["party.member"]
        Person = cls.env["party.mobilization.person"]
        member_vals = [cls._member_vals(f"Member {index:02d}", cls.village) for index in range(28)]
        member_vals[0].update(name="Secretary Wang", user_id=cls.user_secretary.id)
        member_vals[1].update(name="Committee Li", user_id=cls.user_committee.id)
        member_vals[2].update(name="Committee Zhang")
        member_vals[3].update(name="Village Committee Zhao")
        member_vals[4].update(name="Member Rep Chen")
        member_vals[5].update(name="Member Liu", user_id=cls.user_member.id)
        member_vals[6].update(name="Probationary Sun", stage="probationary", join_date=cls.today - relativedelta(
            months=5), full_member_date=False)
        member_vals.append(cls._member_vals("Applicant Rep Zhou", cls.village, stage="applicant", join_date=False,
                                            full_member_date=False))
        member_vals.append(cls._member_vals("Expelled Wu", cls.village))
        member_vals.append(cls._member_vals("Outside Member Qian", cls.other_village))
        members = Member.create(member_vals)
        cls.expelled_member = members[29]
        cls.expelled_member._set_status("expelled", cls.today - relativedelta(months=3), "Serious violation")
        cls.members = members

        vals_list = []
        for index, member in enumerate(members[:28]):
            vals = {"name": member.name, "member_id": member.id, "organization_id": cls.village.id}
            if index == 0:
                vals["is_village_director"] = True
            elif index == 1:
                vals["is_representative"] = True
            elif index == 2:
                vals["branch_committee_role"] = True
            elif index == 3:
                vals["is_village_committee"] = True
            elif 4 <= index <= 9:
                vals["is_representative"] = True
            vals_list.append(vals)
        vals_list.append({"name": "Applicant Rep Zhou", "member_id": members[28].id,
                          "organization_id": cls.village.id, "is_representative": True})
        vals_list.append({"name": "Expelled Wu", "member_id": members[29].id, "organization_id": cls.village.id})
        vals_list.append({"name": "Outside Member Qian", "member_id": members[30].id,
                          "organization_id": cls.village.id, "residence": "outside_resident",
                          "outside_unit": "Town Middle School"})
        vals_list.append({"name": "Outside Cadre Feng", "organization_id": cls.village.id,
                          "residence": "outside_resident", "outside_unit": "County Water Bureau",
                          "outside_party_member": True})
        vals_list.append({"name": "Outside Worker Jiang", "organization_id": cls.village.id,
                          "residence": "outside_resident", "outside_unit": "Township Hospital"})
        vals_list.append({"name": "Committee Non-member Han", "organization_id": cls.village.id,
                          "is_village_committee": True})
        for index in range(14):
            vals_list.append({"name": f"Representative {index:02d}", "organization_id": cls.village.id,
                              "is_representative": True})
        index = 0
        while len(vals_list) < VILLAGE_SIZE:
            vals_list.append({"name": f"Villager {index:03d}", "organization_id": cls.village.id})
            index += 1
        people = Person.create(vals_list)
        cls.people = people
        by_name = {person.name: person for person in people}
        cls.p_secretary = by_name["Secretary Wang"]
        cls.p_committee = by_name["Committee Li"]
        cls.p_declared_committee = by_name["Committee Zhang"]
        cls.p_village_committee = by_name["Village Committee Zhao"]
        cls.p_member_rep = by_name["Member Rep Chen"]
        cls.p_member_user = by_name["Member Liu"]
        cls.p_probationary = by_name["Probationary Sun"]
        cls.p_applicant_rep = by_name["Applicant Rep Zhou"]
        cls.p_expelled = by_name["Expelled Wu"]
        cls.p_outside_member = by_name["Outside Member Qian"]
        cls.p_outside_cadre = by_name["Outside Cadre Feng"]
        cls.p_outside_worker = by_name["Outside Worker Jiang"]
        cls.p_committee_nonmember = by_name["Committee Non-member Han"]
        cls.p_villager = by_name["Villager 000"]
        cls.p_villager2 = by_name["Villager 001"]
        cls.p_plain_member = by_name["Member 20"]
        cls.other_people = Person.create([
            {"name": f"Stone Bridge Villager {index}", "organization_id": cls.other_village.id} for index in range(5)
        ])

    # ------------------------------------------------------------------ helpers
    def _new_project(self, kind="flood", **vals):
        values = {
            "name": f"Test {kind} mobilization",
            "organization_id": self.village.id,
            "kind": kind,
            "date_start": self.today,
            "date_deadline": self.today + relativedelta(days=59),
            "joint_meeting_date": self.today - relativedelta(days=10),
            "rewards": "Commendation notice and points for exemplary members.",
            "penalties": "Below-standard conversion for members who resist.",
            "stage_review_plan": "Progress published on the village affairs board after each batch.",
            "description": "<p>Reinforce the river dyke and clear the drains.</p>",
        }
        values.update(vals)
        return self.env["party.mobilization.project"].with_user(self.user_secretary).create(values)

    def _approve(self, project):
        project.with_user(self.user_secretary).action_submit()
        project.with_user(self.user_town).action_approve()

    def _to_voting(self, project):
        project.with_user(self.user_secretary).action_build_roster()
        self._approve(project)
        project.with_user(self.user_secretary).action_collect_opinions()
        project.with_user(self.user_secretary).opinion_summary = "All members agreed; night patrols added."
        project.with_user(self.user_secretary).action_start_vote()

    def _vote(self, project, votes_for, attendees=150, meeting_type="assembly", **vals):
        values = {"project_id": project.id, "meeting_type": meeting_type, "attendee_count": attendees,
                  "votes_for": votes_for, "votes_against": attendees - votes_for, "ballot": "secret"}
        values.update(vals)
        vote = self.env["party.mobilization.vote"].with_user(self.user_secretary).create(values)
        vote.action_confirm()
        return vote

    def _participant(self, project, person):
        return project.participant_ids.filtered(lambda p: p.person_id == person)

    def _batch_ranks(self, project):
        return project.batch_ids.sorted("sequence").mapped("identity_rank")

    def _roster_ranks(self, project):
        participants = self.env["party.mobilization.participant"].search([("project_id", "=", project.id)])
        return participants.mapped("identity_rank")

    def _points_api(self):
        return "party.points.entry" in self.env and hasattr(self.env["party.points.entry"], "_post_automatic")
