from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.party_member_points.models.party_freeze_mixin import DELETE
from odoo.addons.party_member_points.models.party_workflow import (
    WORKFLOW,
    check_flow_create,
    check_flow_write,
    in_workflow,
)
from odoo.addons.party_member_points.tools.clock import party_today

OPINION_TYPES = [
    ("opinion", "Opinion on the Plan"),
    ("dissent", "Dissenting Opinion"),
    ("dispute", "Dispute"),
]
# Moved by the buttons (noted, raised, answered) only.
OPINION_FLOW_FIELDS = {"state", "answered_by_id", "answer_date"}
# What the author says: written by the author only (a dissent is not edited by those it is about).
AUTHOR_FIELDS = {"name", "project_id", "opinion_type", "person_id", "content", "town_department"}
# Whose opinion it is and on what: given when it is filed, never written afterwards (by nobody).
OWNERSHIP_FIELDS = {"project_id", "person_id"}
OPINION_STATES = [
    ("draft", "Draft"),
    ("noted", "Taken into Account"),
    ("raised", "Raised to the Town"),
    ("answered", "Answered"),
]
ANSWER_ACTIVITY = "party_mobilization.mail_activity_type_mobilization_opinion"


class PartyMobilizationOpinion(models.Model):
    """Members' opinions on the plan, dissenting opinions and disputes.

    S000 (几点要求 2): members who disagree keep executing but may keep their opinion and report it to the town
    committee; cadres and villagers may raise disputes with the town departments; the town investigates and
    answers.
    """

    _name = "party.mobilization.opinion"
    _description = "Mobilization Opinion or Dispute"
    _inherit = ["mail.thread", "mail.activity.mixin", "party.freeze.mixin"]
    # What each state freezes (party.freeze.mixin): an opinion taken into account or raised stays as it was
    # given; the town's answer once answered.
    _party_freeze = {
        state: ("project_id", "name", "opinion_type", "person_id", "date", "content", "town_department", DELETE)
        + (("answer", "adopted") if state == "answered" else ())
        for state in ("noted", "raised", "answered")
    }
    _order = "date desc, id desc"

    name = fields.Char(string="Subject", required=True, tracking=True)
    project_id = fields.Many2one("party.mobilization.project", required=True, index=True, ondelete="cascade")
    organization_id = fields.Many2one(related="project_id.organization_id", store=True, index=True)
    company_id = fields.Many2one(related="project_id.company_id", store=True, index=True)
    opinion_type = fields.Selection(OPINION_TYPES, string="Type", required=True, default="opinion", tracking=True)
    person_id = fields.Many2one(
        "party.mobilization.person", string="Raised by", index=True,
        domain="[('organization_id', 'child_of', organization_id)]")
    date = fields.Date(required=True, default=party_today)
    content = fields.Text(required=True)
    town_department = fields.Char(string="Town Department", help="Town department a dispute is raised with.")
    state = fields.Selection(OPINION_STATES, required=True, default="draft", tracking=True, index=True, copy=False)
    adopted = fields.Boolean(string="Adopted in the Plan", tracking=True)
    answer = fields.Text(tracking=True, help="Answer of the town committee, with its reasons.")
    answered_by_id = fields.Many2one("res.users", string="Answered by", readonly=True, copy=False)
    answer_date = fields.Date(readonly=True, copy=False)

    @api.model_create_multi
    def create(self, vals_list):
        check_flow_create(self, vals_list, OPINION_FLOW_FIELDS | {"answer", "adopted"}, "mobilization_state_change",
                          {"state": "draft"})
        opinions = super().create(vals_list)
        opinions._check_author_may_file()
        return opinions

    def _check_author_may_file(self):
        """Outside the officers of the project's organization, an opinion is a member's own: filed on a project
        they can see (a plan not yet open to the members is not), and raised by themselves (their own villager
        record, or nobody), never in someone else's name."""
        if self.env.su:
            return
        user = self.env.user
        for opinion in self:
            project = opinion.sudo().project_id
            if user._party_can_manage(project.organization_id):
                continue
            if not project.with_env(self.env).has_access("read"):
                raise UserError(self.env._(
                    "%s is not open to the members' opinions.", project.display_name))
            person = opinion.sudo().person_id
            if person and person.member_id.user_id != user:
                raise UserError(self.env._("An opinion is raised in your own name only."))

    def write(self, vals):
        check_flow_write(self, vals, OPINION_FLOW_FIELDS, "mobilization_state_change")
        if any(opinion[name].id != (vals[name] or False) for name in OWNERSHIP_FIELDS & set(vals) for opinion in self):
            raise UserError(self.env._(
                "The project of an opinion and who raised it are set when it is filed and never change: file a "
                "new opinion instead."))
        if {"answer", "adopted"} & set(vals) and not self.env.su and any(
                not self.env.user._party_can_manage(opinion.organization_id) for opinion in self):
            raise UserError(self.env._("The branch or the town committee answers an opinion, not its author."))
        if AUTHOR_FIELDS & set(vals) and not self.env.su and self.filtered(lambda o: o.create_uid != self.env.user):
            raise UserError(self.env._("Only the author of an opinion may change what it says."))
        if any(opinion.state == "answered" for opinion in self) and set(vals) - {"message_main_attachment_id"} \
                and not in_workflow(self.env, "mobilization_state_change"):
            raise UserError(self.env._("An answered opinion is part of the record and cannot be changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_not_draft_or_not_author(self):
        if any(opinion.state != "draft" for opinion in self):
            raise UserError(self.env._("Only a draft opinion can be deleted."))
        if not self.env.su and self.filtered(lambda o: o.create_uid != self.env.user):
            raise UserError(self.env._("Only the author of an opinion may withdraw it."))

    def action_note(self):
        """The branch takes a member's opinion on the plan into account (adopted or not)."""
        for opinion in self:
            if opinion.state != "draft" or opinion.opinion_type != "opinion":
                raise UserError(self.env._("Only a draft opinion on the plan can be taken into account."))
            if not self.env.user._party_can_manage(opinion.organization_id):
                raise UserError(self.env._("Only the officers of %s take opinions into account.",
                                           opinion.organization_id.display_name))
            if opinion.project_id.state not in ("draft", "approved", "opinions"):
                raise UserError(self.env._("%s: opinions on the plan are taken into account before the vote.",
                                           opinion.project_id.display_name))
        self.with_context(mobilization_state_change=WORKFLOW).write({"state": "noted"})
        return True

    def action_raise(self):
        """Raise a dissenting opinion or a dispute to the town committee, which must answer."""
        activity_type = self.env.ref(ANSWER_ACTIVITY)
        for opinion in self:
            if opinion.state != "draft" or opinion.opinion_type not in ("dissent", "dispute"):
                raise UserError(self.env._("Only a draft dissenting opinion or dispute can be raised to the town."))
            if opinion.opinion_type == "dispute" and not (opinion.town_department or "").strip():
                raise UserError(self.env._("Say which town department the dispute is raised with."))
            town = opinion.project_id._town_organization()
            opinion.with_context(mobilization_state_change=WORKFLOW).write({"state": "raised"})
            # a member may raise their opinion without rights on the town's records: schedule as superuser
            opinion.sudo().activity_schedule(
                activity_type_id=activity_type.id,
                user_id=town._get_responsible_user().id,
                summary=self.env._("Investigate and answer: %s", opinion.name),
                note=opinion.content,
            )
            opinion.project_id.sudo().message_post(body=self.env._(
                "%(type)s raised to the town committee: %(subject)s",
                type=opinion._type_label(), subject=opinion.name))
        return True

    def action_answer(self):
        for opinion in self:
            if opinion.state != "raised":
                raise UserError(self.env._("Only an opinion raised to the town can be answered."))
            opinion.project_id._check_town_officer()
            if not (opinion.answer or "").strip():
                raise UserError(self.env._("Write the answer and its reasons first."))
        today = party_today(self)
        for opinion in self:
            opinion.with_context(mobilization_state_change=WORKFLOW).write(
                {"state": "answered", "answered_by_id": self.env.user.id, "answer_date": today})
            opinion.activity_feedback([ANSWER_ACTIVITY], feedback=opinion.answer)
            opinion.project_id.message_post(body=self.env._(
                "The town committee answered “%(subject)s”: %(answer)s", subject=opinion.name, answer=opinion.answer))
        return True

    def _type_label(self):
        self.ensure_one()
        return dict(self._fields["opinion_type"]._description_selection(self.env))[self.opinion_type]
