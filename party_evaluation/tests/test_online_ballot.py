import re
from unittest import SkipTest

from freezegun import freeze_time

from odoo import Command, http
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import COMMITTEE, EXCELLENT, ON_LEAVE, SECRETARY, WITH_LOGIN, EvaluationCase


def _voter_links(model):
    """Fields of a model that could point to a voter or to a token."""
    return [name for name, field in model._fields.items()
            if field.type in ("many2one", "many2many", "one2many", "reference", "many2one_reference")
            and field.comodel_name in ("res.users", "res.partner", "party.member", "party.evaluation.ballot.token")]


@tagged("post_install", "-at_install")
class TestOnlineBallot(EvaluationCase):
    """One-time tokens of the online ballot: who gets one, the counting rule with paper ballots, secrecy."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # two members vote from the free member portal
        cls.portal_users = []
        for index in EXCELLENT[:2]:
            user = new_test_user(cls.env, f"ev_portal_{index}", groups="base.group_portal")
            cls.members[index].user_id = user
            cls.portal_users.append(user)
        cls.voters_with_login = (SECRETARY, COMMITTEE, WITH_LOGIN) + EXCELLENT[:2]

    def _online_campaign(self):
        campaign = self._campaign(online_ballot=True)
        self._to_voting(campaign)
        return campaign

    def _grades(self, campaign, grade="qualified"):
        return {participant.id: grade for participant in campaign.participant_ids.filtered("evaluated")}

    def _vote(self, user, campaign, grade="qualified"):
        Token = self.env["party.evaluation.ballot.token"].with_user(user)
        token = Token.sudo().search([("campaign_id", "=", campaign.id), ("user_id", "=", user.id),
                                     ("round", "=", campaign.round)])
        Token._portal_get(token.token)._cast(self._grades(campaign, grade))
        return token

    def test_tokens_for_present_voters_with_a_login(self):
        campaign = self._online_campaign()
        # a voter on leave has a login too, but is not present: no token
        self.members[ON_LEAVE[0]].user_id = new_test_user(self.env, "ev_on_leave", groups="base.group_portal")
        campaign.with_user(self.user_secretary).action_issue_ballot_tokens()
        tokens = campaign.token_ids
        expected = self.members.filtered(lambda m: self.members.ids.index(m.id) in self.voters_with_login)
        self.assertEqual(tokens.participant_id.member_id, expected)
        self.assertEqual(tokens.user_id, expected.user_id)
        self.assertEqual(campaign.online_token_count, len(expected))
        self.assertFalse(any(tokens.mapped("used")))
        self.assertEqual(len(set(tokens.sudo().mapped("token"))), len(tokens), "every token is different")
        with self.assertRaises(AccessError):
            tokens.with_user(self.user_secretary).read(["token"])  # officers never see a voter's token
        with self.assertRaisesMsg(UserError, "already has a token"):
            campaign.with_user(self.user_secretary).action_issue_ballot_tokens()
        with self.assertRaisesMsg(UserError, "before the vote starts"):
            campaign.online_ballot = False

    def _xmin(self, table, ids):
        self.env.flush_all()
        self.env.cr.execute(f"SELECT DISTINCT xmin::text FROM {table} WHERE id = ANY(%s)", [list(ids)])  # noqa: S608
        return {row[0] for row in self.env.cr.fetchall()}

    def test_officers_see_who_holds_a_token_not_who_used_it(self):
        campaign = self._online_campaign()
        campaign.action_issue_ballot_tokens()
        token = self._vote(self.portal_users[0], campaign)
        Token = self.env["party.evaluation.ballot.token"].with_user(self.user_secretary)
        self.assertEqual(Token.search([("campaign_id", "=", campaign.id)]), campaign.token_ids,
                         "the officer sees who holds a token, as on the paper roll")
        self.assertNotIn("used", Token.fields_get())
        with self.assertRaises(AccessError):
            token.with_user(self.user_secretary).read(["used"])
        with self.assertRaises(AccessError):
            Token.search([("campaign_id", "=", campaign.id), ("used", "=", True)])
        with self.assertRaises(AccessError):
            Token.read_group([("campaign_id", "=", campaign.id)], ["used"], ["used"])
        self.assertEqual(campaign.with_user(self.user_secretary).online_used_count, 1, "only the number is shown")
        self.assertTrue(token.sudo().used)

    def test_the_cast_shares_no_transaction_with_the_token(self):
        campaign = self._online_campaign()
        campaign.action_issue_ballot_tokens()
        token = self._vote(self.portal_users[0], campaign)
        ballot = self.env["party.evaluation.ballot"].sudo().search([("campaign_id", "=", campaign.id)])
        self.assertEqual(len(ballot), 1)
        token_xmin = self._xmin("party_evaluation_ballot_token", token.ids)
        self.assertTrue(token_xmin)
        self.assertFalse(token_xmin & self._xmin("party_evaluation_ballot", ballot.ids),
                         "the ballot and the token's use were written by the same transaction")
        self.assertEqual(len(ballot.line_ids), campaign.evaluated_count,
                         "the grades are in the ballot's row (the lines are a view over the ballots)")

    def test_online_and_booth_ballots_cannot_be_told_apart_after_the_tally(self):
        """One voter votes online, one in the booth, the others on paper: after the tally every ballot of the
        round has been shuffled with the others and rewritten by the tally, and none tells its channel."""
        campaign = self._online_campaign()
        campaign.action_issue_ballot_tokens()
        self._vote(self.portal_users[0], campaign, "excellent")
        evaluated = campaign.participant_ids.filtered("evaluated")
        Ballot = self.env["party.evaluation.ballot"].with_user(self.user_secretary)

        def ballot(grade, channel):
            return {"campaign_id": campaign.id, "voter_type": "member", "channel": channel, "line_ids": [
                Command.create({"participant_id": participant.id, "grade": grade}) for participant in evaluated]}

        Ballot.create(ballot("basic", "booth"))
        Ballot.create([ballot("qualified", "paper") for _index in range(3)])
        with freeze_time(self.meeting_date):
            campaign.action_tally()
        ballots = Ballot.search([("campaign_id", "=", campaign.id), ("round", "=", campaign.round)])
        self.assertEqual(len(ballots), 5)
        self.assertEqual(set(ballots.mapped("channel")), {False}, "a ballot still tells its channel")
        self.assertFalse(ballots.filtered("sealed"))
        self.assertFalse(Ballot.search_count([("campaign_id", "=", campaign.id), ("channel", "!=", False)]))
        self.assertEqual(sorted(set(ballot.line_ids.mapped("grade")).pop() for ballot in ballots),
                         ["basic", "excellent", "qualified", "qualified", "qualified"], "every ballot kept as cast")
        rows = self._xmin("party_evaluation_ballot", ballots.ids)
        self.assertEqual(len(rows), 1, "the ballot rows were not all rewritten by the tally")
        self.env.cr.execute("SELECT relkind FROM pg_class WHERE relname = 'party_evaluation_ballot_line'")
        self.assertEqual(self.env.cr.fetchone()[0], "v", "the grades are stored in the ballot rows, rewritten above")
        participant = evaluated[:1]
        self.assertEqual((participant.member_excellent, participant.member_basic), (1, 1))

    def test_issue_refused_without_online_ballot(self):
        campaign = self._campaign()
        self._to_voting(campaign)
        with self.assertRaisesMsg(UserError, "does not use the online ballot"):
            campaign.action_issue_ballot_tokens()

    def test_paper_and_online_ballots_never_count_a_voter_twice(self):
        campaign = self._online_campaign()
        campaign.action_issue_ballot_tokens()
        present, tokens = campaign.present_count, campaign.online_token_count
        # the voters holding a token get no paper ballot: paper ballots + tokens <= voters present
        self._cast_ballots(campaign, members=present - tokens, member_spoiled=0, public=0, public_spoiled=0)
        with self.assertRaisesMsg(ValidationError, "a voter holding an online token gets no paper ballot"):
            self._cast_ballots(campaign, members=1, member_spoiled=0, public=0, public_spoiled=0)
        # a present voter who got a login late cannot get a token any more: every seat is taken
        self.members[EXCELLENT[2]].user_id = new_test_user(self.env, "ev_late", groups="base.group_portal")
        with self.assertRaisesMsg(UserError, "would exceed"):
            campaign.action_issue_ballot_tokens()
        # a voter gives up the online ballot: their unused token is revoked, they vote on paper
        unused = campaign.token_ids.filtered(lambda t: t.user_id == self.user_member)
        unused.with_user(self.user_secretary).action_revoke()
        self._cast_ballots(campaign, members=1, member_spoiled=0, public=0, public_spoiled=0)
        # the others vote online; everything is counted in one tally
        for user in self.portal_users:
            self._vote(user, campaign, "excellent")
        self.assertEqual(campaign.online_used_count, 2)
        self.assertEqual(campaign.member_ballot_count, present - tokens + 1 + 2)
        with freeze_time(self.meeting_date):
            campaign.action_tally()
        participant = self._participant(campaign, EXCELLENT[3])
        paper_excellent = sum(1 for index in range(present - tokens + 1) if self._grade_for(
            EXCELLENT[3], "member", index if index < present - tokens else 0) == "excellent")
        self.assertEqual(participant.member_excellent, paper_excellent + 2, "online votes counted with the paper")

    def test_token_is_used_once_and_the_ballot_keeps_no_voter(self):
        campaign = self._online_campaign()
        campaign.action_issue_ballot_tokens()
        voter = self.portal_users[0]
        messages = len(campaign.message_ids)
        token = self._vote(voter, campaign)
        ballot = self.env["party.evaluation.ballot"].search([("campaign_id", "=", campaign.id)])
        self.assertEqual(len(ballot), 1)
        self.assertEqual((ballot.channel, ballot.voter_type, ballot.spoiled), ("online", "member", False))
        self.assertEqual(len(ballot.line_ids), campaign.evaluated_count)
        self.assertTrue(token.used)
        # nothing ties the ballot to the voter or the token, and nothing orders the tokens in time
        for model in ("party.evaluation.ballot", "party.evaluation.ballot.line", "party.evaluation.ballot.token"):
            self.assertFalse(self.env[model]._log_access, model)
            self.assertNotIn("create_uid", self.env[model]._fields, model)
            self.assertNotIn("write_date", self.env[model]._fields, model)
        self.assertEqual(_voter_links(self.env["party.evaluation.ballot"]), [])
        self.assertEqual(_voter_links(self.env["party.evaluation.ballot.line"]), [])
        self.assertFalse([name for name, field in token._fields.items()
                          if field.comodel_name in ("party.evaluation.ballot", "party.evaluation.ballot.line")])
        self.assertNotEqual(campaign.write_uid, voter, "the voter is not the campaign's last writer")
        self.assertEqual(len(campaign.message_ids), messages, "no chatter message per voter")
        # a second use of the token is refused, nothing saved
        with self.assertRaisesMsg(UserError, "already voted"):
            self._vote(voter, campaign)
        with self.assertRaisesMsg(UserError, "already voted"):
            token.with_user(voter)._cast(self._grades(campaign))
        self.assertEqual(self.env["party.evaluation.ballot"].search_count([("campaign_id", "=", campaign.id)]), 1)

    def test_invalid_tokens(self):
        campaign = self._online_campaign()
        campaign.action_issue_ballot_tokens()
        Token = self.env["party.evaluation.ballot.token"]
        other = Token.sudo().search([("user_id", "=", self.portal_users[1].id)])
        with self.assertRaisesMsg(UserError, "not valid for your login"):
            Token.with_user(self.portal_users[0])._portal_get(other.token)
        with self.assertRaisesMsg(UserError, "not valid for your login"):
            Token.with_user(self.portal_users[0])._portal_get("no-such-token")
        with self.assertRaisesMsg(UserError, "Give a grade to every member"):
            mine = Token.with_user(self.portal_users[0])._portal_get(
                Token.sudo().search([("user_id", "=", self.portal_users[0].id)]).token)
            grades = self._grades(campaign)
            grades.popitem()
            mine._cast(grades)
        self.assertFalse(campaign.ballot_ids)
        # once the vote is closed, the remaining tokens are worthless
        self._cast_ballots(campaign, members=3, member_spoiled=0, public=0, public_spoiled=0)
        with freeze_time(self.meeting_date):
            campaign.action_tally()
        with self.assertRaisesMsg(UserError, "is closed"):
            Token.with_user(self.portal_users[0])._portal_get(mine.token)


@tagged("post_install", "-at_install")
class TestOnlineBallotPortal(HttpCase):
    """The demo portal login votes in the demo campaign of 西山村党支部 (online ballot, voting)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.campaign = cls.env.ref("party_evaluation.demo_campaign_xishan_online", raise_if_not_found=False)
        cls.portal_user = cls.env.ref("base.demo_user0", raise_if_not_found=False)
        if not cls.campaign or not cls.portal_user:
            raise SkipTest("demo data not loaded")
        cls.env["res.lang"]._activate_lang("en_US")
        cls.portal_user.lang = "en_US"
        Token = cls.env["party.evaluation.ballot.token"].sudo()
        cls.token = Token.search([("campaign_id", "=", cls.campaign.id), ("user_id", "=", cls.portal_user.id)])
        cls.other_token = Token.search([("campaign_id", "=", cls.campaign.id), ("user_id", "!=", cls.portal_user.id),
                                        ("used", "=", False)], limit=1)
        cls.Ballot = cls.env["party.evaluation.ballot"]

    def _ballot_count(self):
        self.env.invalidate_all()  # the requests changed the database behind the test's cache
        return self.Ballot.search_count([("campaign_id", "=", self.campaign.id)])

    def test_vote_once_on_the_portal(self):
        self.assertFalse(self.token.used)
        self.authenticate("portal", "portal")
        counters = self.make_jsonrpc_request("/my/counters", {"counters": ["party_ballot_count"]})
        self.assertEqual(counters["party_ballot_count"], 1, "“Vote” shows on /my")
        self.assertIn('href="/my/evaluation"', self.url_open("/my").text)
        listing = self.url_open("/my/evaluation")
        self.assertIn(f"/my/evaluation/ballot/{self.token.token}", listing.text)

        url = f"/my/evaluation/ballot/{self.token.token}"
        page = self.url_open(url)
        evaluated = self.campaign.participant_ids.filtered("evaluated")
        for participant in evaluated:
            self.assertIn(participant.member_name, page.text)
        data = {"csrf_token": http.Request.csrf_token(self)}
        data.update({f"grade_{participant.id}": "qualified" for participant in evaluated})
        before = self._ballot_count()
        incomplete = dict(data)
        incomplete.pop(f"grade_{evaluated[0].id}")
        response = self.url_open(url, data=incomplete)
        self.assertIn("Give a grade to every member", response.text)
        self.assertEqual(self._ballot_count(), before, "nothing saved")
        self.assertFalse(self.token.used)

        data[f"grade_{evaluated[0].id}"] = "excellent"
        response = self.url_open(url, data=data)
        self.env.invalidate_all()
        self.assertTrue(response.url.endswith("/my/evaluation?voted=1"))
        self.assertIn("your ballot was cast", response.text)
        self.assertTrue(self.token.used)
        self.assertEqual(self._ballot_count(), before + 1)
        ballot = self.Ballot.search([("campaign_id", "=", self.campaign.id)], order="number desc", limit=1)
        self.assertEqual(ballot.channel, "online")
        self.assertEqual(ballot.line_ids.filtered(lambda line: line.grade == "excellent").participant_id,
                         evaluated[0])
        self.assertNotEqual(self.campaign.write_uid, self.portal_user)

        again = self.url_open(url, data=data)
        self.assertIn("You have already voted", again.text)
        self.assertEqual(self._ballot_count(), before + 1, "a token is used once")
        self.assertEqual(self.make_jsonrpc_request("/my/counters", {"counters": ["party_ballot_count"]}),
                         {"party_ballot_count": 0})

    def test_another_voters_token_and_a_closed_vote(self):
        self.authenticate("portal", "portal")
        before = self._ballot_count()
        data = {"csrf_token": http.Request.csrf_token(self)}
        data.update({f"grade_{p.id}": "qualified" for p in self.campaign.participant_ids.filtered("evaluated")})
        response = self.url_open(f"/my/evaluation/ballot/{self.other_token.token}", data=data)
        self.env.invalidate_all()
        self.assertIn("This ballot link is not valid for your login.", response.text)
        self.assertNotIn("o_party_ballot_form", response.text, "no ballot shown with someone else's link")
        self.assertFalse(self.other_token.used)
        self.assertEqual(self._ballot_count(), before)
        # the vote is closed: the portal user's own token no longer opens a ballot
        self.env["party.evaluation.ballot"].create({
            "campaign_id": self.campaign.id, "voter_type": "member", "line_ids": [
                (0, 0, {"participant_id": p.id, "grade": "qualified"})
                for p in self.campaign.participant_ids.filtered("evaluated")]})
        self.campaign.action_tally()
        before = self._ballot_count()
        response = self.url_open(f"/my/evaluation/ballot/{self.token.token}", data=data)
        self.assertIn("is closed", response.text)
        self.assertEqual(self._ballot_count(), before)
        self.assertTrue(re.search(r"o_party_ballot_invalid", response.text))
