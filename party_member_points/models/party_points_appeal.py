from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.clock import party_today
from .party_freeze_mixin import ATTACHMENTS, DELETE
from .party_workflow import WORKFLOW, given_fields, in_workflow

APPEAL_STATES = [
    ("submitted", "Submitted"),
    ("accepted", "Accepted"),
    ("dismissed", "Dismissed"),
]
# Written by the answer only.
ANSWER_FIELDS = {"state", "answer", "answered_by_id", "answer_date", "correction_entry_id"}
# What the appellant says: written by the appellant only.
APPELLANT_FIELDS = {"reason", "period_id", "member_id", "entry_id", "escalated"}
# Whose appeal it is and what it disputes: given when it is filed, never written afterwards (by nobody).
OWNERSHIP_FIELDS = {"period_id", "member_id", "entry_id"}


class PartyPointsAppeal(models.Model):
    """An appeal (申诉) of a member against the published points of a period, answered with a reason by the
    branch (or the upper committee)."""

    _name = "party.points.appeal"
    _description = "Points Appeal"
    _inherit = ["mail.thread", "mail.activity.mixin", "party.freeze.mixin"]
    # What each state freezes (party.freeze.mixin): an answered appeal is part of the period's record.
    _party_freeze = {
        state: ("period_id", "member_id", "entry_id", "reason", "escalated", ATTACHMENTS, DELETE)
        for state in ("accepted", "dismissed")
    }
    _order = "create_date desc, id desc"

    name = fields.Char(compute="_compute_name", store=True)
    period_id = fields.Many2one("party.points.period", string="Period", required=True, index=True,
                                ondelete="restrict", domain="[('state', '=', 'published')]")
    member_id = fields.Many2one("party.member", string="Member", required=True, index=True, ondelete="restrict",
                                default=lambda self: self.env.user.party_member_ids[:1])
    organization_id = fields.Many2one(related="member_id.organization_id", store=True, index=True)
    company_id = fields.Many2one(related="member_id.company_id", store=True, index=True)
    entry_id = fields.Many2one("party.points.entry", string="Disputed Entry", ondelete="restrict",
                               domain="[('member_id', '=', member_id), ('state', '=', 'posted')]")
    reason = fields.Text(required=True, help="What is wrong with the published points, and why.")
    escalated = fields.Boolean(string="To the Upper Committee",
                               help="Address the appeal to the upper committee instead of the branch.")
    state = fields.Selection(APPEAL_STATES, required=True, default="submitted", tracking=True, index=True)
    answer = fields.Text(readonly=True, tracking=True)
    answered_by_id = fields.Many2one("res.users", string="Answered by", readonly=True)
    answer_date = fields.Datetime(string="Answered on", readonly=True)
    correction_entry_id = fields.Many2one("party.points.entry", string="Correction", readonly=True)
    publication_end = fields.Date(related="period_id.publication_end")

    @api.depends("member_id", "period_id")
    def _compute_name(self):
        for appeal in self:
            appeal.name = self.env._("Appeal of %(member)s on %(period)s", member=appeal.member_id.name or "",
                                     period=appeal.period_id.name or "")

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get("state", "submitted") != "submitted" for vals in vals_list) \
                or given_fields(vals_list, ANSWER_FIELDS - {"state"}):
            raise UserError(self.env._("An appeal is filed unanswered; the branch answers it with the Answer button."))
        appeals = super().create(vals_list)
        today = party_today(self)
        activity_type = self.env.ref("party_member_points.mail_activity_type_points_appeal")
        for appeal in appeals:
            # read as the system: the member may not read a period that is not published (yet)
            period = appeal.sudo().period_id
            if not period._appeal_window_open(today):
                if period.state == "published" and period.publication_end:
                    raise UserError(self.env._(
                        "The publication of %(period)s ended on %(end)s: appeals are no longer accepted.",
                        period=period.name, end=fields.Date.to_string(period.publication_end)))
                raise UserError(self.env._("Appeals are accepted only while the points of %s are published.",
                                           period.name))
            ancestors = {int(part) for part in (appeal.member_id.organization_id.sudo().parent_path or "").split("/")
                         if part}
            if period.organization_id.id not in ancestors:
                raise UserError(self.env._("%(member)s is not covered by the period %(period)s.",
                                           member=appeal.member_id.name, period=period.name))
            if appeal.entry_id and appeal.entry_id.member_id != appeal.member_id:
                raise UserError(self.env._("An appeal can only dispute the member's own entries."))
            appeal.activity_schedule(
                activity_type_id=activity_type.id, user_id=appeal._get_answering_user().id,
                summary=self.env._("Answer the points appeal of %s", appeal.member_id.name),
                note=appeal.reason)
        return appeals

    def write(self, vals):
        changed = [name for name in OWNERSHIP_FIELDS & set(vals)
                   if any(appeal[name].id != (vals[name] or False) for appeal in self)]
        if changed:
            raise UserError(self.env._(
                "The member, the period and the disputed entry of an appeal are set when it is filed and never "
                "change: file a new appeal instead."))
        if not in_workflow(self.env, "party_points_appeal_answer"):
            statement = APPELLANT_FIELDS & set(vals)
            if self.filtered(lambda a: a.state != "submitted") and statement:
                raise UserError(self.env._("An answered appeal cannot be changed."))
            if statement and not self.env.su and self.filtered(lambda a: a.create_uid != self.env.user):
                raise UserError(self.env._("Only the member who filed an appeal may change what it says."))
            if ANSWER_FIELDS & set(vals):
                raise UserError(self.env._("Answer the appeal with the Answer button."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_answered(self):
        if any(appeal.state != "submitted" for appeal in self):
            raise UserError(self.env._("An answered appeal is kept on record and cannot be deleted."))
        if not self.env.su:
            raise UserError(self.env._("An appeal is answered, not deleted: dismiss it with a reason."))

    def _get_answering_user(self):
        self.ensure_one()
        org = self.member_id.organization_id
        if self.escalated:
            return org._get_upper_organization()._get_responsible_user()
        return org._get_responsible_user()

    def _answer(self, outcome, answer, reverse_entry=False, correction=None):
        """Answer the appeal: ``outcome`` accepted or dismissed, ``answer`` the reason given to the member.
        An accepted appeal on an entry may reverse that entry (with the answer as the reason) and may post a
        correction entry (``correction``: dict with ``rule``, ``points`` and ``date``), in the same step."""
        if outcome not in ("accepted", "dismissed"):
            raise UserError(self.env._("Choose whether the appeal is accepted or dismissed."))
        if not answer or not answer.strip():
            raise UserError(self.env._("An appeal is answered with a reason."))
        correction_values = correction
        for appeal in self:
            if appeal.state != "submitted":
                raise UserError(self.env._("%s is already answered.", appeal.name))
            if appeal.period_id.state == "closed":
                raise UserError(self.env._("The period %s is closed.", appeal.period_id.name))
            if not self.env.su and not self.env.user._party_can_manage(appeal.member_id.organization_id):
                raise UserError(self.env._("Only an officer of the branch or above can answer %s.", appeal.name))
            correction = self.env["party.points.entry"]
            if outcome == "accepted" and reverse_entry:
                if not appeal.entry_id:
                    raise UserError(self.env._("The appeal names no entry to reverse."))
                correction = appeal.entry_id._reverse(self.env._("Appeal accepted: %s", answer))
            if outcome == "accepted" and correction_values:
                # the correction entry is the appeal's correction (a reversal stays linked to the disputed entry)
                correction = appeal._correction_entry(correction_values, answer)
            elif correction_values:
                raise UserError(self.env._("Only an accepted appeal corrects the points."))
            appeal.with_context(party_points_appeal_answer=WORKFLOW).write({
                "state": outcome, "answer": answer, "answered_by_id": self.env.uid,
                "answer_date": fields.Datetime.now(), "correction_entry_id": correction.id})
            appeal.activity_feedback(["party_member_points.mail_activity_type_points_appeal"], feedback=answer)
            partners = appeal.member_id.user_id.partner_id | appeal.create_uid.partner_id
            appeal.message_post(body=self.env._("Answer: %s", answer), partner_ids=partners.ids)
        return True

    def _correction_entry(self, values, answer):
        """Post the correction entry of an accepted appeal for its member: the chosen item and points (the item's
        own points unless it allows other points), dated in the appeal's period, with the caps applied like any
        officer's entry. Returns the entry."""
        self.ensure_one()
        rule, day = values.get("rule"), values.get("date")
        if not rule:
            raise UserError(self.env._("Choose the item of the correction."))
        period = self.period_id
        if not day or not period.date_from <= day <= period.date_to:
            raise UserError(self.env._("The correction is dated within the period %(period)s (%(start)s – %(end)s).",
                                       period=period.name, start=fields.Date.to_string(period.date_from),
                                       end=fields.Date.to_string(period.date_to)))
        entry = self.env["party.points.entry"].create({
            "member_id": self.member_id.id,
            "rule_id": rule.id,
            "scheme_id": rule.scheme_id.id,
            "date": day,
            "points": values.get("points"),
            "name": self.env._("Appeal accepted: %s", answer),
            "evidence_note": self.reason,
        })
        entry.action_post()
        return entry

    def _post_correction(self, correction):
        """Correct the points of an appeal accepted without correction (button Correct the Points)."""
        self.ensure_one()
        if self.state != "accepted" or self.correction_entry_id:
            raise UserError(self.env._("Only an accepted appeal without correction can be corrected."))
        if not correction:
            raise UserError(self.env._("Choose the item of the correction."))
        if not self.env.user._party_can_manage(self.member_id.organization_id):
            raise UserError(self.env._("Only an officer of the branch or above can answer %s.", self.name))
        entry = self._correction_entry(correction, self.answer)
        self.with_context(party_points_appeal_answer=WORKFLOW).write({"correction_entry_id": entry.id})
        self.message_post(body=self.env._("Correction posted: %s", entry.display_name))
        return entry

    def action_open_answer_wizard(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Answer Appeal"),
            "res_model": "party.points.appeal.answer.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_appeal_id": self.id},
        }
