from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from odoo.addons.party_member_points.models.party_freeze_mixin import DELETE
from odoo.addons.party_member_points.models.party_workflow import WORKFLOW, check_flow_write, in_workflow
from odoo.addons.party_member_points.tools.bulk import int_array, text_array
from odoo.addons.party_member_points.tools.clock import party_today

from .mobilization_rules import IDENTITIES

PARTICIPANT_STATES = [
    ("pending", "Not Notified"),
    ("notified", "Notified"),
    ("done", "Done"),
    ("refused", "Refused"),
]
# Fields fixed by the roster: only the roster builder changes them, and never after publication.
ROSTER_FIELDS = {"project_id", "person_id", "batch_id", "identity"}
# Moved by the buttons of the execution only (notified, done, refused), in the order of the batches.
PROGRESS_FIELDS = {"state", "date_notified", "date_done", "date_refused"}
MARK_FIELDS = {"exemplary", "exemplary_note", "resisting", "resisting_note"}


class PartyMobilizationParticipant(models.Model):
    """A person on the roster of a mobilization, in the batch of their identity."""

    _name = "party.mobilization.participant"
    _inherit = ["mail.thread", "party.freeze.mixin"]
    # What each stage of the project freezes on a person of the roster (party.freeze.mixin): their batch from
    # the publication, what they did once the project is closed.
    _party_freeze = {
        state: ("project_id", "person_id", "batch_id", "identity", DELETE)
        + (("refusal_reason", "exemplary", "exemplary_note", "resisting", "resisting_note")
           if state == "closed" else ())
        for state in ("published", "executing", "acceptance", "closed")
    }
    _party_freeze_state = "project_state"
    _description = "Mobilization Participant"
    _order = "project_id, batch_sequence, name, id"

    project_id = fields.Many2one("party.mobilization.project", required=True, index=True, ondelete="cascade")
    organization_id = fields.Many2one(related="project_id.organization_id", store=True, index=True)
    company_id = fields.Many2one(related="project_id.company_id", store=True, index=True)
    project_state = fields.Selection(related="project_id.state", string="Project Stage")
    person_id = fields.Many2one("party.mobilization.person", string="Person", required=True, index=True,
                                ondelete="restrict")
    name = fields.Char(related="person_id.name", store=True)
    member_id = fields.Many2one(related="person_id.member_id", store=True, index=True, string="Party Member")
    is_party_member = fields.Boolean(related="person_id.is_party_member", string="Party Member?")
    residence = fields.Selection(related="person_id.residence")
    current_identity = fields.Selection(related="person_id.identity", string="Current Identity")
    batch_id = fields.Many2one("party.mobilization.batch", string="Batch", required=True, index=True,
                               ondelete="restrict")
    batch_sequence = fields.Integer(related="batch_id.sequence", store=True, string="Batch No.")
    batch_state = fields.Selection(related="batch_id.state", string="Batch State")
    identity = fields.Selection(IDENTITIES, required=True, help="Identity when the roster was built or last updated.")
    identity_rank = fields.Integer(compute="_compute_identity_rank", store=True, index=True, aggregator=False)
    state = fields.Selection(PARTICIPANT_STATES, string="Status", required=True, default="pending", index=True,
                             tracking=True)
    date_notified = fields.Date(string="Notified on", readonly=True)
    date_done = fields.Date(string="Done on", readonly=True)
    date_refused = fields.Date(string="Refused on", readonly=True)
    refusal_reason = fields.Text()
    exemplary = fields.Boolean(help="Outstanding, exemplary role in the mobilization: commended at acceptance.")
    exemplary_note = fields.Text(string="Exemplary Deeds")
    resisting = fields.Boolean(
        help="Spread negative talk, led resistance or executed passively: handled at acceptance according to the "
             "identity.")
    resisting_note = fields.Text(string="Resistance Facts")

    _sql_constraints = [
        ("person_project_uniq", "unique(project_id, person_id)", "A person appears once on a roster."),
    ]

    @api.depends("identity")
    def _compute_identity_rank(self):
        for participant in self:
            participant.identity_rank = int(participant.identity) if participant.identity else 0

    @api.constrains("exemplary", "resisting")
    def _check_marks(self):
        for participant in self:
            if participant.exemplary and participant.resisting:
                raise ValidationError(self.env._(
                    "%s cannot be marked both exemplary and resisting.", participant.name))

    @api.constrains("batch_id", "project_id", "identity")
    def _check_batch(self):
        for participant in self:
            batch = participant.batch_id
            if batch.project_id != participant.project_id or batch.identity != participant.identity:
                raise ValidationError(self.env._(
                    "%s must be in the batch of their identity in the same project.", participant.name))

    # ------------------------------------------------------------------ CRUD guards
    @api.model_create_multi
    def create(self, vals_list):
        project_ids = {vals.get("project_id") for vals in vals_list}
        if any(project.roster_frozen for project in self.env["party.mobilization.project"].browse(project_ids)):
            raise UserError(self.env._("The roster of a published mobilization is frozen: nobody can be added."))
        # one line per villager on the roster: no "created" note nor follower on each
        return super(PartyMobilizationParticipant, self.with_context(
            mail_create_nolog=True, mail_create_nosubscribe=True)).create(vals_list).with_env(self.env)

    @api.model
    def _insert_roster(self, project, lines):
        """Add people to the roster being built by ``project._build_roster()``: ``lines`` are ``(person id, batch,
        identity)``. One INSERT with the related columns taken from the people, the batches and the project: a
        village of ten thousand people is one statement, not ten thousand records created one by one. Returns the
        new participants."""
        if not lines:
            return self.browse()
        if project.roster_frozen:
            raise UserError(self.env._("The roster of a published mobilization is frozen: nobody can be added."))
        self.check_access("create")
        self.env.flush_all()
        now = self.env.cr.now()
        self.env.cr.execute(SQL("""
            INSERT INTO party_mobilization_participant (project_id, organization_id, company_id, person_id, name,
                                                        member_id, batch_id, batch_sequence, identity, identity_rank,
                                                        state, create_uid, create_date, write_uid, write_date)
            SELECT %(project)s, %(organization)s, %(company)s, person.id, person.name, person.member_id, batch.id,
                   batch.sequence, line.identity, line.identity::integer, 'pending', %(uid)s, %(now)s, %(uid)s,
                   %(now)s
              FROM unnest(%(persons)s::integer[], %(batches)s::integer[], %(identities)s::varchar[])
                   AS line(person_id, batch_id, identity)
              JOIN party_mobilization_person person ON person.id = line.person_id
              JOIN party_mobilization_batch batch ON batch.id = line.batch_id
          ORDER BY batch.sequence, person.name, person.id
         RETURNING id
        """, project=project.id, organization=project.organization_id.id, company=project.company_id.id or None,
            uid=self.env.uid, now=now, persons=int_array(line[0] for line in lines),
            batches=int_array(line[1].id for line in lines), identities=text_array(line[2] for line in lines)))
        participants = self.browse([row[0] for row in self.env.cr.fetchall()])
        self.env["party.mobilization.project"].invalidate_model(["participant_ids"])
        self.env["party.mobilization.batch"].invalidate_model(["participant_ids"])
        self.env["party.mobilization.person"].invalidate_model(["participant_ids"])
        return participants

    def write(self, vals):
        check_flow_write(self, vals, PROGRESS_FIELDS, "mobilization_state_change")
        if any(participant.project_id.state == "closed" for participant in self):
            raise UserError(self.env._("The roster of a closed mobilization cannot be changed."))
        if ROSTER_FIELDS & set(vals):
            if not in_workflow(self.env, "mobilization_roster_build"):
                raise UserError(self.env._("Use “Build Roster” to change people's batches."))
            if any(participant.project_id.roster_frozen for participant in self):
                raise UserError(self.env._("The roster of a published mobilization is frozen."))
        if MARK_FIELDS & set(vals) and any(p.project_id.state not in ("executing", "acceptance") for p in self):
            raise UserError(self.env._(
                "People are marked exemplary or resisting during the execution and the acceptance only."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_roster_frozen(self):
        if any(participant.project_id.roster_frozen for participant in self):
            raise UserError(self.env._("The roster of a published mobilization is frozen: nobody can be removed."))

    # ------------------------------------------------------------------ execution
    def _check_executing(self, need_open_batch):
        for participant in self:
            project = participant.project_id
            if project.state != "executing":
                raise UserError(self.env._("%s: the mobilization is not executing.", project.display_name))
            if need_open_batch and participant.batch_id.state != "open":
                raise UserError(self.env._(
                    "%(person)s is in %(batch)s, which is not open: the people of the batches before go first.",
                    person=participant.name, batch=participant.batch_id.name))

    def action_notify(self):
        self._check_executing(need_open_batch=False)
        if any(participant.state != "pending" for participant in self):
            raise UserError(self.env._("Only people not yet notified can be marked notified."))
        self.with_context(mobilization_state_change=WORKFLOW).write(
            {"state": "notified", "date_notified": party_today(self)})
        return True

    def action_done(self):
        self._check_executing(need_open_batch=True)
        if any(participant.state in ("done", "refused") for participant in self):
            raise UserError(self.env._("Some of these people have already finished."))
        today = party_today(self)
        not_notified = self.filtered(lambda p: p.state == "pending")
        not_notified.with_context(mobilization_state_change=WORKFLOW).write({"date_notified": today})
        self.with_context(mobilization_state_change=WORKFLOW).write({"state": "done", "date_done": today})
        self.batch_id._check_done()
        return True

    def action_refuse(self):
        self._check_executing(need_open_batch=True)
        for participant in self:
            if participant.state in ("done", "refused"):
                raise UserError(self.env._("%s has already finished.", participant.name))
            if not (participant.refusal_reason or "").strip():
                raise UserError(self.env._("%s: write the reason of the refusal first.", participant.name))
        self.with_context(mobilization_state_change=WORKFLOW).write(
            {"state": "refused", "date_refused": party_today(self)})
        self.batch_id._check_done()
        return True

    def action_reset(self):
        self._check_executing(need_open_batch=True)
        self.with_context(mobilization_state_change=WORKFLOW).write(
            {"state": "pending", "date_notified": False, "date_done": False, "date_refused": False})
        return True
