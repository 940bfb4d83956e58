from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.party_member_points.models.party_freeze_mixin import DELETE
from odoo.addons.party_member_points.models.party_workflow import WORKFLOW, check_flow_create, check_flow_write
from odoo.tools.misc import format_date
from odoo.addons.party_member_points.tools.clock import party_today

from .mobilization_rules import IDENTITIES, progress_percent

BATCH_STATES = [
    ("pending", "Waiting"),
    ("open", "Open"),
    ("done", "Done"),
]
# Moved by the opening and closing of the batches only.
BATCH_FLOW_FIELDS = {"state", "date_opened", "date_done", "closed_manually"}


class PartyMobilizationBatch(models.Model):
    """One batch of a mobilization: everyone of one identity. Batches run in the project's order; a batch opens
    when the previous one is done or when its planned start date comes (S000: 分批、分期、分步推动组织实施)."""

    _name = "party.mobilization.batch"
    _inherit = ["mail.thread", "party.freeze.mixin"]
    # What each stage of the project freezes on a batch (party.freeze.mixin): the published order and dates.
    _party_freeze = {
        state: ("project_id", "sequence", "identity", "date_planned_start", "date_planned_end", DELETE)
        + (("close_reason",) if state == "closed" else ())
        for state in ("published", "executing", "acceptance", "closed")
    }
    _party_freeze_state = "project_state"
    _description = "Mobilization Batch"
    _order = "project_id, sequence, id"

    project_id = fields.Many2one("party.mobilization.project", required=True, index=True, ondelete="cascade")
    organization_id = fields.Many2one(related="project_id.organization_id", store=True, index=True)
    company_id = fields.Many2one(related="project_id.company_id", store=True, index=True)
    project_state = fields.Selection(related="project_id.state", string="Project Stage")
    sequence = fields.Integer(string="Batch No.", required=True, default=1)
    name = fields.Char(string="Batch Name", compute="_compute_name")
    identity = fields.Selection(IDENTITIES, required=True)
    identity_rank = fields.Integer(compute="_compute_identity_rank", store=True, aggregator=False)
    date_planned_start = fields.Date(string="Planned Start")
    date_planned_end = fields.Date(string="Planned End")
    date_opened = fields.Date(string="Opened on", readonly=True)
    date_done = fields.Date(string="Done on", readonly=True)
    state = fields.Selection(BATCH_STATES, required=True, default="pending", index=True, tracking=True)
    closed_manually = fields.Boolean(readonly=True)
    close_reason = fields.Text(string="Reason for Closing",
                               help="Needed to close a batch while some of its people have not finished.")
    participant_ids = fields.One2many("party.mobilization.participant", "batch_id", string="People")
    participant_count = fields.Integer(compute="_compute_progress", string="People Count")
    pending_count = fields.Integer(compute="_compute_progress", string="Not Notified")
    notified_count = fields.Integer(compute="_compute_progress", string="Notified")
    done_count = fields.Integer(compute="_compute_progress", string="Done")
    refused_count = fields.Integer(compute="_compute_progress", string="Refused")
    progress = fields.Float(compute="_compute_progress", string="Progress (%)", aggregator="avg")

    _sql_constraints = [
        ("identity_project_uniq", "unique(project_id, identity)", "A project has one batch per identity."),
    ]

    @api.depends("identity")
    def _compute_identity_rank(self):
        for batch in self:
            batch.identity_rank = int(batch.identity) if batch.identity else 0

    @api.depends("sequence", "identity")
    @api.depends_context("lang")
    def _compute_name(self):
        for batch in self:
            batch.name = self.env._("Batch %(seq)s: %(identity)s", seq=batch.sequence,
                                    identity=batch._identity_label())

    @api.depends("participant_ids.state")
    def _compute_progress(self):
        counts = {}
        for batch, state, count in self.env["party.mobilization.participant"]._read_group(
                [("batch_id", "in", self.ids)], ["batch_id", "state"], ["__count"]):
            counts.setdefault(batch.id, {})[state] = count
        for batch in self:
            by_state = counts.get(batch.id, {})
            total = sum(by_state.values())
            batch.participant_count = total
            batch.pending_count = by_state.get("pending", 0)
            batch.notified_count = by_state.get("notified", 0)
            batch.done_count = by_state.get("done", 0)
            batch.refused_count = by_state.get("refused", 0)
            batch.progress = progress_percent(batch.done_count + batch.refused_count, total)

    def _identity_label(self):
        self.ensure_one()
        return dict(self._fields["identity"]._description_selection(self.env)).get(self.identity, "")

    def _report_heading(self):
        self.ensure_one()
        return self.env._("%(batch)s (%(start)s – %(end)s, %(count)s people)", batch=self.name,
                          start=format_date(self.env, self.date_planned_start),
                          end=format_date(self.env, self.date_planned_end), count=self.participant_count)

    def _bulletin_text(self):
        """Summary line of the printed progress bulletin of the batch, for the villagers."""
        self.ensure_one()
        states = dict(self._fields["state"]._description_selection(self.env))
        return self.env._(
            "Batch %(seq)s (%(identity)s), %(start)s to %(end)s: %(state)s. %(done)s of %(total)s people have done "
            "their part, %(refused)s refused, %(open)s have not finished (%(progress)s %%).",
            seq=self.sequence, identity=self._identity_label(), start=format_date(self.env, self.date_planned_start),
            end=format_date(self.env, self.date_planned_end), state=states.get(self.state, ""),
            done=self.done_count, total=self.participant_count, refused=self.refused_count,
            open=self.pending_count + self.notified_count, progress=self.progress)

    @api.model_create_multi
    def create(self, vals_list):
        check_flow_create(self, vals_list, BATCH_FLOW_FIELDS, "mobilization_state_change", {"state": "pending"})
        return super(PartyMobilizationBatch, self.with_context(mail_create_nolog=True, mail_create_nosubscribe=True)) \
            .create(vals_list).with_env(self.env)

    def write(self, vals):
        check_flow_write(self, vals, BATCH_FLOW_FIELDS, "mobilization_state_change")
        if any(batch.project_id.state == "closed" for batch in self):
            raise UserError(self.env._("The batches of a closed mobilization cannot be changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_roster_frozen(self):
        if any(batch.project_id.roster_frozen for batch in self):
            raise UserError(self.env._("The batches of a published mobilization cannot be deleted."))

    # ------------------------------------------------------------------ opening
    def _previous_batch(self):
        self.ensure_one()
        return self.project_id.batch_ids.filtered(lambda b: b.sequence < self.sequence).sorted("sequence")[-1:]

    def _next_batch(self):
        self.ensure_one()
        return self.project_id.batch_ids.filtered(lambda b: b.sequence > self.sequence).sorted("sequence")[:1]

    def _can_open(self, today):
        """A waiting batch of an executing project opens when the previous batch is done or on its planned
        start date; the first batch opens when the execution starts."""
        self.ensure_one()
        if self.state != "pending" or self.project_id.state != "executing":
            return False
        previous = self._previous_batch()
        if not previous or previous.state == "done":
            return True
        return bool(self.date_planned_start and self.date_planned_start <= today)

    def action_open(self):
        today = party_today(self)
        for batch in self.sorted("sequence"):
            if batch.project_id.state != "executing":
                raise UserError(self.env._("%s: the mobilization is not executing.", batch.project_id.display_name))
            if batch.state != "pending":
                raise UserError(self.env._("%s is already open or done.", batch.name))
            if not batch._can_open(today):
                raise UserError(self.env._(
                    "%(batch)s opens when %(previous)s is done or on its planned start date %(date)s.",
                    batch=batch.name, previous=batch._previous_batch().name, date=batch.date_planned_start))
            batch._open(today)
        return True

    def _open(self, today):
        for batch in self:
            batch.with_context(mobilization_state_change=WORKFLOW).write({"state": "open", "date_opened": today})
            batch.project_id._post_stage_announcement(self.env._(
                "%(batch)s is open: %(count)s people, planned until %(end)s.",
                batch=batch.name, count=batch.participant_count, end=batch.date_planned_end))

    @api.model
    def _open_due_batches(self, today=None, projects=None):
        """Open the waiting batches of executing projects whose planned start date has come (daily cron)."""
        today = today or party_today(self)
        domain = [("state", "=", "pending"), ("project_id.state", "=", "executing"),
                  ("date_planned_start", "<=", today)]
        if projects is not None:
            domain.append(("project_id", "in", projects.ids))
        due = self.search(domain, order="project_id, sequence")
        opened = self.browse()
        for batch in due:
            if batch._can_open(today):
                batch._open(today)
                opened |= batch
        return opened

    @api.model
    def _cron_open_due_batches(self):
        self._open_due_batches(party_today(self))
        return True

    # ------------------------------------------------------------------ completion
    def _check_done(self):
        """Open batches whose people have all finished (done or refused) are done."""
        finished = self.filtered(lambda b: b.state == "open")
        if not finished:
            return
        unfinished = {batch.id for batch, _count in self.env["party.mobilization.participant"]._read_group(
            [("batch_id", "in", finished.ids), ("state", "in", ("pending", "notified"))], ["batch_id"], ["__count"])}
        finished.filtered(lambda b: b.id not in unfinished)._mark_done()

    def action_close_manually(self):
        for batch in self:
            if batch.state != "open":
                raise UserError(self.env._("Only an open batch can be closed."))
            if not (batch.close_reason or "").strip():
                raise UserError(self.env._(
                    "%s: write the reason for closing the batch while people have not finished.", batch.name))
        self._mark_done(manual=True)
        return True

    def _mark_done(self, manual=False):
        today = party_today(self)
        for batch in self.sorted("sequence"):
            batch.with_context(mobilization_state_change=WORKFLOW).write(
                {"state": "done", "date_done": today, "closed_manually": manual})
            project = batch.project_id
            if manual:
                event = self.env._("%(batch)s was closed: %(reason)s", batch=batch.name, reason=batch.close_reason)
            else:
                event = self.env._("%s is done.", batch.name)
            project._post_stage_announcement(event)
            following = batch._next_batch()
            if following and following._can_open(today):
                following._open(today)
        self.project_id._check_all_batches_done()
