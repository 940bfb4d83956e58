from contextlib import contextmanager
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import Command
from odoo.tests import TransactionCase, new_test_user
from odoo.addons.party_member_points.tools.clock import party_today

# Indexes of the members of the 35-member test branch with a particular situation
SECRETARY, COMMITTEE, WITH_LOGIN = 0, 1, 2
PROBATIONARY = (3, 4)
ABROAD, SENTENCE = 5, 6
SANCTIONED, VETO, OLD_SANCTION = 7, 8, 9
AGED, FRAIL = 10, 11
LOW, BASIC = 12, 13
OVERRIDDEN = 14
EXCELLENT = (15, 16, 17, 18, 19, 20, 21, 22)  # the last two get fewer excellent votes
# voting members absent or on leave at the meeting (the others are present)
ON_LEAVE = (23, 24)
ABSENT = (25,)
BRANCH_SIZE = 35


class EvaluationCase(TransactionCase):
    """A town committee with a branch of 35 members (probationary, excluded, sanctioned and six-month veto
    members among them) and a second branch, with a user for each role."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True, mail_create_nolog=True,
                                       mail_notrack=True))
        groups = "base.group_user,party_member_points.group_party_%s"
        cls.user_upper = new_test_user(cls.env, "ev_upper", groups=groups % "upper", name="Upper Secretary")
        cls.user_secretary = new_test_user(cls.env, "ev_secretary", groups=groups % "officer", name="Branch Secretary")
        cls.user_committee = new_test_user(cls.env, "ev_committee", groups=groups % "officer", name="Committee Member")
        cls.user_other = new_test_user(cls.env, "ev_other", groups=groups % "officer", name="Other Secretary")
        cls.user_member = new_test_user(cls.env, "ev_member", groups=groups % "member", name="Plain Member")
        Org = cls.env["party.organization"]
        cls.town = Org.create({"name": "Test Town Committee", "kind": "committee", "secretary_id": cls.user_upper.id})
        cls.branch = Org.create({"name": "Test Branch", "kind": "branch", "parent_id": cls.town.id,
                                 "secretary_id": cls.user_secretary.id,
                                 "committee_member_ids": [Command.set(cls.user_committee.ids)]})
        cls.group1 = Org.create({"name": "Group 1", "kind": "group", "parent_id": cls.branch.id})
        cls.group2 = Org.create({"name": "Group 2", "kind": "group", "parent_id": cls.branch.id})
        cls.other_branch = Org.create({"name": "Other Branch", "kind": "branch", "parent_id": cls.town.id,
                                       "secretary_id": cls.user_other.id})
        today = party_today(cls.env["party.member"])
        vals_list = []
        for index in range(BRANCH_SIZE):
            vals = {
                "name": f"Member {index:02d}",
                "organization_id": cls.branch.id,
                "party_group_id": (cls.group1 if index % 2 else cls.group2).id,
                "stage": "full",
                "join_date": "2005-07-01",
                "full_member_date": "2006-07-01",
                "birth_date": today - relativedelta(years=45),
            }
            if index in PROBATIONARY:
                vals.update(stage="probationary", join_date=today - relativedelta(months=6), full_member_date=False)
            vals_list.append(vals)
        vals_list[SECRETARY]["user_id"] = cls.user_secretary.id
        vals_list[COMMITTEE]["user_id"] = cls.user_committee.id
        vals_list[WITH_LOGIN]["user_id"] = cls.user_member.id
        vals_list[ABROAD]["abroad_long"] = True
        vals_list[SENTENCE]["serving_sentence"] = True
        vals_list[AGED]["birth_date"] = today - relativedelta(years=75)
        vals_list[FRAIL]["is_frail"] = True
        cls.members = cls.env["party.member"].create(vals_list)
        # seven months of dues unpaid before the meeting: the six-month ground, judged from the records
        first_unpaid = today.replace(day=1) - relativedelta(months=8)
        cls.env["party.dues"].create([{"member_id": cls.members[VETO].id, "amount_due": 2.0,
                                       "month": first_unpaid + relativedelta(months=shift)} for shift in range(7)])
        Sanction = cls.env["party.member.sanction"]
        Sanction.create([
            {"member_id": cls.members[SANCTIONED].id, "sanction_type": "party_warning", "reason": "Breach",
             "date_start": today - relativedelta(years=2), "date_end": today - relativedelta(years=1)},
            {"member_id": cls.members[OLD_SANCTION].id, "sanction_type": "party_serious_warning", "reason": "Old",
             "date_start": today - relativedelta(years=6), "date_end": today - relativedelta(years=5)},
        ])
        cls.other_member = cls.env["party.member"].create({
            "name": "Other Branch Member", "organization_id": cls.other_branch.id, "stage": "full",
            "join_date": "2005-07-01", "full_member_date": "2006-07-01"})
        cls.today = today
        cls.meeting_date = today + timedelta(days=14)

    # ------------------------------------------------------------------ helpers
    @contextmanager
    def assertRaisesMsg(self, exception, text):
        """assertRaises (which rolls back to a savepoint, so nothing of the failed call stays) and the message
        contains ``text``."""
        with self.assertRaises(exception) as caught:
            yield caught
        self.assertIn(text, str(caught.exception))

    def _campaign(self, **vals):
        values = {"organization_id": self.branch.id, "year": self.today.year, "meeting_date": self.meeting_date,
                  "meeting_location": "Activity room", "points_basic": 8.0}
        values.update(vals)
        return self.env["party.evaluation.campaign"].with_user(self.user_secretary).create(values)

    def _participant(self, campaign, index):
        return campaign.participant_ids.filtered(lambda p: p.member_id == self.members[index])

    def _prepare(self, campaign):
        """Draft → preparation with every gate of the meeting met (still before the meeting date)."""
        campaign.action_load_members()
        campaign.action_submit()
        as_upper = campaign.with_user(self.user_upper)
        as_upper.action_confirm_all_exclusions()
        as_upper.action_approve_plan()
        campaign.action_start_preparation()
        return self._meet_preparation_gates(campaign)

    def _meet_preparation_gates(self, campaign):
        """Meet the gates of the meeting: materials approved, every attendee notified and talked to,
        self-evaluations received, written notice given."""
        campaign.with_user(self.user_upper).action_approve_materials()
        attending = campaign.participant_ids.filtered(lambda p: p.exclusion_state != "confirmed")
        attending.write({"notified": True, "talk_done": True})
        attending.filtered(lambda p: p.evaluated and p.self_eval_state == "pending").write(
            {"self_eval_state": "submitted", "self_evaluation": "Party-spirit analysis"})
        campaign.notice_date = self.today
        campaign.list_posted_date = self.today
        return campaign

    def _committee_grades(self, campaign):
        """The committee grades every member on its grading screen: it adopts the suggested grades and chooses
        the disposals itself (removal for the six-month ground, rectification for the other Unqualified, a
        warning talk for Basically Qualified)."""
        evaluated = campaign.participant_ids.filtered("evaluated")
        evaluated.action_adopt_suggestion()
        for participant in evaluated:
            if participant.proposal_rule == "veto":
                participant.disposal = "removal"
            elif participant.proposal_rule != "sanction" and participant.committee_grade in ("basic", "unqualified"):
                participant.disposal = {"basic": "warning_talk", "unqualified": "rectification"}[
                    participant.committee_grade]
        return campaign

    def _upper_talks(self, campaign):
        """The upper committee records its talks with the members graded Unqualified."""
        unqualified = campaign.participant_ids.filtered(lambda p: p.final_grade == "unqualified")
        unqualified.with_user(self.user_upper).write({"upper_talk_kind": "talk", "upper_talk_date": self.today,
                                                      "upper_talk_note": "Heard the member's explanation"})
        return campaign

    def _tallied_to_published(self, campaign):
        """Proposal, hearing of those who need it, resolution, upper approval and publication."""
        campaign.action_propose()
        self._committee_grades(campaign)
        campaign.action_hear()
        campaign.participant_ids.filtered(lambda p: p._needs_hearing()).write({"heard": True})
        campaign.action_resolve()
        campaign.action_submit_results()
        self._upper_talks(campaign)
        campaign.with_user(self.user_upper).action_approve_results()
        campaign.action_publish()
        return campaign

    def _record_attendance(self, campaign, mass_reps=12):
        attending = campaign.participant_ids.filtered(lambda p: p.exclusion_state != "confirmed")
        for participant in attending:
            index = self.members.ids.index(participant.member_id.id)
            if index in ON_LEAVE:
                participant.write({"attendance": "leave", "leave_type": "work", "leave_reason": "Working in town"})
            elif index in ABSENT:
                participant.attendance = "absent"
            else:
                participant.attendance = "present"
        campaign.mass_reps_present = mass_reps

    def _to_voting(self, campaign):
        self._prepare(campaign)
        with freeze_time(self.meeting_date):
            campaign.action_start_meeting()
            self._record_attendance(campaign)
            campaign.action_start_voting()
        return campaign

    def _grade_for(self, index, voter_type, ballot_index):
        """The vote pattern of the test: what ballot number ``ballot_index`` (0-based) of the given voter type
        says about the member at ``index``."""
        if index in EXCELLENT:
            limit = 20 if voter_type == "member" else 8
            if index in EXCELLENT[-2:]:
                limit = 15 if voter_type == "member" else 6
            return "excellent" if ballot_index < limit else "qualified"
        if index == LOW:
            limit = 10 if voter_type == "member" else 4
            return "qualified" if ballot_index < limit else "unqualified"
        if index == BASIC:
            # member ballots: 9 excellent, 8 qualified, 10 basic; public: 4, 3, 4
            cuts = (9, 17) if voter_type == "member" else (4, 7)
            if ballot_index < cuts[0]:
                return "excellent"
            if ballot_index < cuts[1]:
                return "qualified"
            return "basic"
        if index == OVERRIDDEN and ballot_index == 0:
            return "abstain"
        return "qualified"

    def _ballot_vals(self, campaign, voter_type, ballot_index, spoiled=False):
        vals = {"campaign_id": campaign.id, "voter_type": voter_type, "spoiled": spoiled}
        if not spoiled:
            vals["line_ids"] = [
                Command.create({"participant_id": participant.id, "grade": self._grade_for(
                    self.members.ids.index(participant.member_id.id), voter_type, ballot_index)})
                for participant in campaign.participant_ids.filtered("evaluated")]
        return vals

    def _cast_ballots(self, campaign, members=27, member_spoiled=1, public=11, public_spoiled=1):
        vals_list = [self._ballot_vals(campaign, "member", i) for i in range(members)]
        vals_list += [self._ballot_vals(campaign, "member", 0, spoiled=True) for _i in range(member_spoiled)]
        vals_list += [self._ballot_vals(campaign, "public", i) for i in range(public)]
        vals_list += [self._ballot_vals(campaign, "public", 0, spoiled=True) for _i in range(public_spoiled)]
        return self.env["party.evaluation.ballot"].with_user(self.user_secretary).create(vals_list)

    def _to_tallied(self, campaign):
        self._to_voting(campaign)
        self._cast_ballots(campaign)
        with freeze_time(self.meeting_date):
            campaign.action_tally()
        return campaign
