from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools.clock import party_today

# Evidence a member may upload with one claim from the portal
MAX_EVIDENCE_FILES = 10
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024


class PartyMember(models.Model):
    """The member portal (/my/party): what a member sees of their own points and the claims and appeals they
    file. Everything is read with the member's own rights (record rules limit a portal user to their own
    records); only the approval activities, which portal users may not create, are scheduled as superuser
    once the record is known to be the member's own."""

    _inherit = "party.member"

    portal_user = fields.Boolean(compute="_compute_portal_user", string="Portal Login",
                                 help="The member logs in to the member portal (a free portal user).")

    @api.depends("user_id.share")
    def _compute_portal_user(self):
        for member in self:
            member.portal_user = bool(member.user_id) and member.user_id.sudo().share

    # ------------------------------------------------------------------ portal access (officers)
    def action_open_portal_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Grant Portal Access"),
            "res_model": "party.member.portal.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_member_id": self.id},
        }

    def action_revoke_portal_access(self):
        """Archive the member's portal user and unlink it from the register (internal users are left alone)."""
        for member in self:
            if not self.env.user._party_can_manage(member.organization_id):
                raise AccessError(self.env._("Only an officer of the branch can change the portal access of %s.",
                                             member.name))
            user = member.user_id.sudo()
            if not user or not user.share:
                raise UserError(self.env._("%s has no portal login to revoke.", member.name))
            member.user_id = False
            user.active = False
            member.message_post(body=self.env._("Portal access revoked (login %s).", user.login))
        return True

    # ------------------------------------------------------------------ the member behind the portal user
    @api.model
    def _portal_get_own(self):
        """The party member record of the current user, searched with the user's own rights (empty when the
        user has none, or no access to the register at all)."""
        if not self.has_access("read"):
            return self.browse()
        return self.search([("user_id", "=", self.env.uid)], limit=1)

    def _portal_check_own(self):
        self.ensure_one()
        if not self.user_id or self.user_id != self.env.user:
            raise AccessError(self.env._("This is not your party member record."))

    def _portal_can_claim(self):
        """Probationary and full members in normal status earn points and may claim them."""
        self.ensure_one()
        return self.status == "normal" and self.stage in ("probationary", "full")

    def _portal_claimable_rules(self):
        """Items of the member's points scheme that a member may claim for themselves."""
        self.ensure_one()
        scheme = self.organization_id._get_points_scheme()
        return self.env["party.points.rule"].sudo().search(
            [("scheme_id", "=", scheme.id), ("recorder", "=", "member")], order="sequence, id")

    # ------------------------------------------------------------------ figures of the overview page
    def _portal_rank_in_branch(self):
        """``(rank, size)``: rank of the member's running total of this year among the members of the same
        organization who earn points (equal totals share a rank). A handful of grouped queries."""
        self.ensure_one()
        Member = self.sudo()
        peers = Member.search(Member._points_earning_domain() + [("organization_id", "=", self.organization_id.id)])
        if self.id not in peers.ids:
            return 0, len(peers)
        totals = {peer.id: peer.points_year_total for peer in peers}
        mine = totals[self.id]
        return 1 + sum(1 for total in totals.values() if total > mine + 1e-6), len(peers)

    def _portal_last_result(self):
        """The member's annual result of the latest year before this one (grade, stars, total, rank)."""
        self.ensure_one()
        year = party_today(self).year
        return self.env["party.points.result"].search(
            [("member_id", "=", self.id), ("year", "<", year)], order="year desc", limit=1)

    def _portal_periods(self):
        """Periods of the member's organization (or of an ancestor) covering today."""
        self.ensure_one()
        today = party_today(self)
        return self.env["party.points.period"].sudo().search([
            ("organization_id", "parent_of", self.organization_id.id),
            ("date_from", "<=", today), ("date_to", ">=", today)])

    def _portal_appealable_periods(self):
        """Published periods covering the member whose appeal window is still open."""
        self.ensure_one()
        today = party_today(self)
        periods = self.env["party.points.period"].sudo().search([
            ("organization_id", "parent_of", self.organization_id.id),
            ("state", "=", "published"), ("publication_end", ">=", today)], order="date_from desc")
        return periods.filtered(lambda period: period._appeal_window_open(today))

    # ------------------------------------------------------------------ claims
    def _portal_claim_date_problem(self, day):
        """Why ``day`` cannot be claimed (a message), or False. The date may not be in the future, and the
        points period covering it must still be recording: once a period is under review, published or
        closed, new claims dated inside it are refused. Without any period for the date, only this year's
        dates are accepted."""
        self.ensure_one()
        today = party_today(self)
        if not day:
            return self.env._("Give the date of the activity.")
        if day > today:
            return self.env._("The date %s is in the future.", fields.Date.to_string(day))
        periods = self.env["party.points.period"].sudo().search([
            ("organization_id", "parent_of", self.organization_id.id),
            ("date_from", "<=", day), ("date_to", ">=", day)])
        frozen = periods.filtered(lambda period: period.state != "open")
        if frozen:
            labels = dict(frozen._fields["state"]._description_selection(self.env))
            return self.env._(
                "The points period %(period)s is “%(state)s”: claims dated %(date)s are no longer accepted.",
                period=frozen[0].name, state=labels[frozen[0].state], date=fields.Date.to_string(day))
        if not periods and day.year != today.year:
            return self.env._("Claims are accepted for dates of the current year only.")
        return False

    def _portal_witness_choices(self):
        """The members who may witness a late claim of this member: the full members of the branch in the
        register, the member excluded. System step: a portal member sees their names only, to choose two."""
        self.ensure_one()
        self._portal_check_own()
        return self.sudo().search([
            ("organization_id", "=", self.sudo().organization_id.id), ("stage", "=", "full"),
            ("status", "=", "normal"), ("id", "!=", self.id)], order="name")

    def _portal_create_claim(self, rule_id, day, description, evidence_note=None, witness_ids=(), files=()):
        """A member's claim from the portal: checked, created with the member's own rights, the evidence
        attached, then submitted for approval through the normal flow (an approval activity for the branch
        secretary). ``files``: ``(file name, content bytes)`` pairs. Raises a UserError with the reason when
        anything is wrong; the caller rolls back."""
        self.ensure_one()
        self._portal_check_own()
        if not self._portal_can_claim():
            raise UserError(self.env._("Only probationary and full members in normal status earn points."))
        rule = self._portal_claimable_rules().filtered(lambda r: r.id == rule_id)
        if not rule:
            raise UserError(self.env._("Choose one of the items you may claim."))
        problem = self._portal_claim_date_problem(day)
        if problem:
            raise UserError(problem)
        description = (description or "").strip()
        if not description:
            raise UserError(self.env._("Describe what you did."))
        files = [(name, content) for name, content in files if content]
        if len(files) > MAX_EVIDENCE_FILES:
            raise UserError(self.env._("Attach at most %s files.", MAX_EVIDENCE_FILES))
        too_big = [name for name, content in files if len(content) > MAX_EVIDENCE_BYTES]
        if too_big:
            raise UserError(self.env._("These files are larger than %(size)s MB: %(files)s",
                                       size=MAX_EVIDENCE_BYTES // (1024 * 1024), files=", ".join(too_big)))
        if rule.evidence_required and not files:
            raise UserError(self.env._("“%s” needs evidence: attach a photo or a file.", rule.name))
        entry = self.env["party.points.entry"].create({
            "member_id": self.id,
            "rule_id": rule.id,
            "date": day,
            "name": description,
            "evidence_note": (evidence_note or "").strip() or False,
        })
        witnesses = self._portal_witness_choices().filtered(lambda w: w.id in set(witness_ids or ()))
        if len(witnesses) != len(set(witness_ids or ())):
            raise UserError(self.env._("Choose the witnesses among the full members of your branch."))
        if witnesses:
            # the claimant may not read the other members: the chosen witnesses are set as superuser
            entry.sudo().witness_ids = [Command.set(witnesses.ids)]
        if files:
            # Odoo lets only internal users create attachments: the entry was just created with the member's own
            # rights, so the evidence is attached to it as superuser
            attachments = self.env["ir.attachment"].sudo().create([{
                "name": name, "raw": content, "res_model": entry._name, "res_id": entry.id,
            } for name, content in files])
            entry.sudo().attachment_ids = [Command.set(attachments.ids)]
        # the approval activity goes to the secretary: portal users may not create activities themselves
        entry.sudo().action_submit()
        return entry

    # ------------------------------------------------------------------ appeals
    def _portal_create_commitment(self, name, category, description=None, items=None):
        """A member's commitment of the year from the portal, submitted to the branch at once. ``items``: one item
        a line. Raises a UserError with the reason when something is missing."""
        self.ensure_one()
        self._portal_check_own()
        Commitment = self.env["party.points.commitment"]
        name = (name or "").strip()
        if not name:
            raise UserError(self.env._("Say in a few words what you commit to."))
        if category not in dict(Commitment._fields["category"].selection):
            raise UserError(self.env._("Choose the category of the commitment."))
        lines = [line.strip() for line in (items or "").splitlines() if line.strip()]
        description = (description or "").strip()
        if not description and not lines:
            raise UserError(self.env._("Write what you commit to (a text or items) before submitting."))
        # portal users read their commitments only: the record is written for them once checked
        commitment = Commitment.sudo().create({
            "member_id": self.id, "name": name, "category": category, "description": description or False,
            "item_ids": [fields.Command.create({"name": line, "sequence": index}) for index, line in enumerate(lines)],
        })
        commitment.action_submit()
        return commitment.sudo(False)

    def _portal_create_appeal(self, period_id, reason, entry_id=None, escalated=False):
        """A member's appeal from the portal against the published points of a period (optionally one entry
        of theirs), accepted only in the publication window. Raises a UserError with the reason otherwise."""
        self.ensure_one()
        self._portal_check_own()
        period = self._portal_appealable_periods().filtered(lambda p: p.id == period_id)
        if not period:
            raise UserError(self.env._(
                "Appeals are accepted only while the points of your branch are published: choose a period whose "
                "publication is under way."))
        entry = self.env["party.points.entry"]
        if entry_id:
            entry = entry.search([("id", "=", entry_id), ("member_id", "=", self.id), ("state", "=", "posted"),
                                  ("date", ">=", period.date_from), ("date", "<=", period.date_to)])
            if not entry:
                raise UserError(self.env._("You can only dispute your own posted entries of %s.", period.name))
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Explain what is wrong with the published points."))
        # the answer activity goes to the branch: portal users may not create activities themselves
        appeal = self.env["party.points.appeal"].sudo().create({
            "period_id": period.id, "member_id": self.id, "entry_id": entry.id or False, "reason": reason,
            "escalated": bool(escalated)})
        return appeal.sudo(False)
