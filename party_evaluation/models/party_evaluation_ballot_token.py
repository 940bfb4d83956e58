import secrets

from odoo import SUPERUSER_ID, Command, api, fields, models
from odoo.exceptions import AccessError, UserError


class PartyEvaluationBallotToken(models.Model):
    """A one-time token of the online ballot (网上测评): with it one voter casts one secret ballot on the member
    portal (/my/evaluation/ballot/<token>).

    Secrecy: the token records that its voter has voted (``used``) but never which ballot was cast: the ballot is
    an ordinary ``party.evaluation.ballot`` with no link to the voter or the token, created as superuser.
    ``_log_access = False``: no create/write user or date that could order the votes and match them to the
    ballot numbers; no chatter. Officers see who holds a token (like the paper roll shows who was given a paper
    ballot) and how many online ballots were cast, never whose token was used (``used`` is readable by the
    system only). The cast writes the ballot and the token's use in two subtransactions, so that the two rows
    never carry the same transaction id (``xmin``); the tally then rewrites every ballot of the round.

    Counting rule (double vote prevention): once tokens are issued, the member ballots entered on paper (or at the
    booth terminal) plus the tokens issued in the round cannot exceed the voting members present. Each token
    reserves one voter's ballot for the online channel; an unused token can be revoked to give that voter a paper
    ballot instead.
    """

    _name = "party.evaluation.ballot.token"
    _description = "Online Ballot Token"
    _log_access = False
    _order = "campaign_id, id"
    _rec_name = "participant_id"

    campaign_id = fields.Many2one("party.evaluation.campaign", required=True, ondelete="cascade", index=True,
                                  readonly=True)
    participant_id = fields.Many2one("party.evaluation.participant", string="Voter", required=True,
                                     ondelete="cascade", readonly=True)
    member_name = fields.Char(related="participant_id.member_name", string="Name")
    user_id = fields.Many2one("res.users", string="Login", required=True, index=True, ondelete="cascade",
                              readonly=True)
    organization_id = fields.Many2one(related="campaign_id.organization_id", store=True, index=True)
    company_id = fields.Many2one(related="campaign_id.company_id", store=True, index=True)
    round = fields.Integer(readonly=True, help="Voting round of the campaign the token is valid for.")
    token = fields.Char(required=True, readonly=True, copy=False, groups="base.group_system",
                        default=lambda self: secrets.token_urlsafe(24))
    used = fields.Boolean(readonly=True, groups="base.group_system", help="The voter has cast their ballot.")

    _sql_constraints = [
        ("token_uniq", "unique(token)", "Ballot tokens are unique."),
        ("voter_round_uniq", "unique(campaign_id, round, participant_id)",
         "A voter gets one online ballot token per voting round."),
    ]

    # ------------------------------------------------------------------ officers
    def action_revoke(self):
        """Withdraw unused tokens (the voter then votes on paper)."""
        for token in self:
            campaign = token.campaign_id
            if not self.env.user._party_can_manage(campaign.organization_id):
                raise AccessError(self.env._("Only an officer of %s can revoke its ballot tokens.",
                                             campaign.organization_id.name))
            if token.sudo().used:
                raise UserError(self.env._("%s has already voted online: the token cannot be revoked.",
                                           token.member_name))
            if campaign.state != "voting":
                raise UserError(self.env._("Tokens can only be revoked while voting is open."))
        self.sudo().unlink()
        return True

    # ------------------------------------------------------------------ voters
    def _is_valid(self):
        """Open for voting: the campaign takes online ballots, is voting, and this is its current round."""
        self.ensure_one()
        campaign = self.campaign_id
        return campaign.online_ballot and campaign.state == "voting" and self.round == campaign.round

    @api.model
    def _portal_voter_tokens(self):
        """The current user's tokens (with their own rights), as superuser for display."""
        if not self.has_access("read"):
            return self.browse()
        return self.search([("user_id", "=", self.env.uid)]).sudo()

    @api.model
    def _portal_get(self, token):
        """The token record of the current user for ``token``, as superuser, or a UserError saying why the link
        cannot be used. A token of another user and an unknown token get the same answer."""
        record = self.sudo().search([("token", "=", token or "")], limit=1) if token else self.sudo()
        if not record or record.user_id.id != self.env.uid:
            raise UserError(self.env._("This ballot link is not valid for your login."))
        if record.used:
            raise UserError(self.env._("You have already voted in %s: a ballot can be cast only once.",
                                       record.campaign_id.name))
        if not record._is_valid():
            raise UserError(self.env._("Voting of %s is closed: the ballot can no longer be cast.",
                                       record.campaign_id.name))
        return record

    def _cast(self, grades):
        """Cast the secret ballot of this token: ``grades`` maps each evaluated participant's id to a grade of
        the paper ballot (excellent, qualified, basic, unqualified, abstain). Creates an ordinary ballot of the
        online channel with no trace of the voter (as superuser, so that not even the campaign's last writer
        tells who voted) and marks the token used, in one transaction but in two subtransactions: the ballot's
        rows and the token's row never carry the same transaction id (``xmin``). Returns nothing that links the
        two."""
        self.ensure_one()
        # lock the token: two submissions of the same link cannot both pass
        self.env.cr.execute("SELECT used FROM party_evaluation_ballot_token WHERE id = %s FOR UPDATE", [self.id])
        row = self.env.cr.fetchone()
        if not row or row[0]:
            raise UserError(self.env._("You have already voted in %s: a ballot can be cast only once.",
                                       self.campaign_id.name))
        if self.user_id.id != self.env.uid:
            raise UserError(self.env._("This ballot link is not valid for your login."))
        if not self._is_valid():
            raise UserError(self.env._("Voting of %s is closed: the ballot can no longer be cast.",
                                       self.campaign_id.name))
        root = self.env(user=SUPERUSER_ID)
        campaign = self.campaign_id.with_env(root)
        evaluated = campaign.participant_ids.filtered("evaluated")
        choices = {key for key, _label in root["party.evaluation.ballot.line"]._fields["grade"].selection}
        missing = evaluated.filtered(lambda p: (grades or {}).get(p.id) not in choices)
        if missing:
            raise UserError(self.env._("Give a grade to every member (choose Abstain to abstain): %s",
                                       "、".join(missing.mapped("member_name"))))
        unknown = set(grades) - set(evaluated.ids)
        if unknown:
            raise UserError(self.env._("The ballot names members who are not evaluated in this campaign."))
        # Each write in a savepoint of its own (flushed at its end, as superuser: flushed later by the voter's
        # environment, the campaign's ballot counter would be stamped with the voter as its last writer): the
        # token's row and the ballot's rows get different transaction ids, all committed (or not) together.
        root.flush_all()
        with self.env.cr.savepoint():
            self.with_env(root).write({"used": True})
            root.flush_all()
        with self.env.cr.savepoint():
            root["party.evaluation.ballot"].create({
                "campaign_id": campaign.id,
                "voter_type": "member",
                "channel": "online",
                "line_ids": [Command.create({"participant_id": participant.id, "grade": grades[participant.id]})
                             for participant in evaluated],
            })
            root.flush_all()
        return True
