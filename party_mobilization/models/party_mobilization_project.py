from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.misc import format_date

from odoo.addons.party_member_points.models.party_freeze_mixin import DELETE
from odoo.addons.party_member_points.models.party_workflow import (
    WORKFLOW,
    check_flow_create,
    check_flow_write,
    given_fields,
    in_workflow,
)
from odoo.addons.party_member_points.tools.clock import party_today

from .mobilization_rules import (
    DEFAULT_MAJORITY,
    DEFAULT_MAJORITY_BASIS,
    MAJORITY_BASES,
    ORDERS,
    PROJECT_KINDS,
    default_order,
    handling_of_rank,
    progress_percent,
    rank_sequence,
    spread_batch_dates,
)

STATES = [
    ("draft", "Plan"),
    ("submitted", "Submitted to the Town"),
    ("approved", "Approved by the Town"),
    ("opinions", "Members' Opinions"),
    ("voting", "Assembly Vote"),
    ("published", "Published"),
    ("executing", "Executing"),
    ("acceptance", "Acceptance"),
    ("closed", "Closed"),
    ("cancelled", "Cancelled"),
]
# The roster is frozen once the plan has been made public.
FROZEN_STATES = ("published", "executing", "acceptance", "closed")
# States from which the town's order may start the mobilization without the assembly vote.
DIRECT_LAUNCH_STATES = ("approved", "opinions", "voting")
# Fields that may still change on a closed project (chatter, activities, attachments).
CLOSED_WRITABLE = {"message_main_attachment_id", "activity_ids", "message_follower_ids", "message_ids"}
# Changing these on a project with a roster re-plans the batches (before publication).
ROSTER_FIELDS = {"order", "date_start", "date_deadline", "organization_id"}

APPROVAL_ACTIVITY = "party_mobilization.mail_activity_type_mobilization_approval"
# Written by the workflow buttons only: approval by the town, vote, publication, execution, acceptance.
FLOW_FIELDS = {"state", "approver_id", "approval_date", "passed_vote_id", "publish_date", "execution_start_date",
               "acceptance_date", "close_date", "roster_date", "direct_launch"}
# The town committee's order of a direct start (S000: only the town committee, in very special cases): written by
# an officer of the town (the parent organization) only, then carried out by its named action.
TOWN_ORDER_FIELDS = {"town_order_ref", "town_order_date", "town_order_reason"}
# What each state freezes (party.freeze.mixin): the plan the town approved, the plan put to the vote, the
# published plan with its batches and roster, the whole record once closed.
PLAN_FIELDS = ("name", "organization_id", "kind", "order", "order_reason", "description", "joint_meeting_date",
               "date_start", "date_deadline", "rewards", "penalties", "stage_review_plan", "vote_majority",
               "vote_majority_basis")
_DECIDED = PLAN_FIELDS + ("opinion_summary", DELETE)
_PUBLISHED = _DECIDED + ("announce_broadcast", "announce_notice", "announce_board", "town_order_ref",
                         "town_order_date", "town_order_reason", "rejection_reason", "batch_ids", "participant_ids",
                         "vote_ids")
PROJECT_FREEZE = {
    "submitted": PLAN_FIELDS + (DELETE,),
    "approved": PLAN_FIELDS + (DELETE,),
    "opinions": ("organization_id", "kind", "vote_majority", "vote_majority_basis", DELETE),
    "voting": _DECIDED,
    "published": _PUBLISHED, "executing": _PUBLISHED, "acceptance": _PUBLISHED,
    "closed": _PUBLISHED + ("acceptance_summary", "opinion_ids", "commendation_ids", "conversion_ids",
                            "downgrade_ids"),
}


class PartyMobilizationProject(models.Model):
    """An ordered mobilization project (重点工程次序动员) of a village.

    Flow (S000 四、动员程序): plan by the joint meeting of the three committees → approval by the town committee →
    members' opinions → villager assembly or representatives' meeting votes (or the town orders a direct launch)
    → publication → execution in batches by identity → acceptance and summary → closed.
    """

    _name = "party.mobilization.project"
    _description = "Ordered Mobilization Project"
    _inherit = ["mail.thread", "mail.activity.mixin", "party.freeze.mixin"]
    _order = "date_start desc, id desc"
    _party_freeze = PROJECT_FREEZE

    name = fields.Char(string="Title", required=True, tracking=True)
    reference = fields.Char(readonly=True, copy=False, default="/", index=True)
    organization_id = fields.Many2one(
        "party.organization", string="Village Branch", required=True, index=True, tracking=True,
        ondelete="restrict", default=lambda self: self._default_organization())
    town_organization_id = fields.Many2one(related="organization_id.parent_id", string="Town Committee")
    company_id = fields.Many2one(related="organization_id.company_id", store=True, index=True)
    kind = fields.Selection(PROJECT_KINDS, required=True, default="other", tracking=True)
    order = fields.Selection(
        ORDERS, compute="_compute_order", store=True, readonly=False, precompute=True, required=True, tracking=True,
        help="Forward: branch secretary first, ordinary villagers last (burdens). Reverse: ordinary villagers first "
             "(benefits). Defaults from the kind of project; a different order needs a reason.")
    default_order = fields.Selection(ORDERS, compute="_compute_default_order", string="Order for this Kind")
    order_reason = fields.Text(string="Reason for the Order", tracking=True)
    description = fields.Html(string="Content of the Project")
    joint_meeting_date = fields.Date(
        string="Joint Meeting of the Three Committees", tracking=True,
        help="Date of the joint meeting of the branch committee, the village committee and the supervisory "
             "committee that drew up the plan.")
    date_start = fields.Date(string="Start", required=True, default=party_today, tracking=True)
    date_deadline = fields.Date(string="Deadline", required=True, tracking=True)
    rewards = fields.Text(string="Rewards")
    penalties = fields.Text(string="Penalties")
    stage_review_plan = fields.Text(string="Stage Reviews", help="When progress is reviewed and published.")
    vote_majority = fields.Float(
        string="Required Majority", default=DEFAULT_MAJORITY, tracking=True,
        help="Share of the attendees that must vote for the plan; 50 % means more than half.")
    vote_majority_basis = fields.Selection(
        MAJORITY_BASES, string="Majority of", required=True, default=DEFAULT_MAJORITY_BASIS, tracking=True,
        help="Whose majority passes the plan: by default more than half of those entitled to vote (the registered "
             "villagers, or the representatives), not only of those present.")
    missing_member_ids = fields.Many2many(
        "party.member", compute="_compute_missing_member_ids", string="Members without a Villager Record",
        help="Party members of the branch who are not registered as villagers: they would be missing from the "
             "roster.")
    missing_member_count = fields.Integer(compute="_compute_missing_member_ids")

    # Direct launch ordered by the town committee (极特殊情况)
    direct_launch = fields.Boolean(
        string="Direct Launch Ordered by the Town", tracking=True, readonly=True, copy=False,
        help="In very special cases the town committee orders the branch to start without the assembly vote: set "
             "by the town committee's “Order a Direct Launch” only.")
    town_order_ref = fields.Char(string="Town Order Reference", tracking=True, copy=False)
    town_order_date = fields.Date(string="Town Order Date", copy=False)
    town_order_reason = fields.Text(
        string="Reason for the Direct Launch", tracking=True, copy=False,
        help="Why the conditions for the villagers' meeting are missing (written by the town committee).")

    state = fields.Selection(STATES, required=True, default="draft", tracking=True, index=True, copy=False)
    roster_frozen = fields.Boolean(compute="_compute_roster_frozen", store=True, index=True)
    approver_id = fields.Many2one("res.users", string="Approved by", readonly=True, copy=False)
    approval_date = fields.Date(readonly=True, copy=False)
    rejection_reason = fields.Text(copy=False, tracking=True)
    opinion_summary = fields.Text(string="Summary of Members' Opinions", copy=False,
                                  help="How members' opinions were collected and how the plan was improved.")
    passed_vote_id = fields.Many2one("party.mobilization.vote", string="Deciding Vote", readonly=True, copy=False)

    # Publication
    announce_broadcast = fields.Boolean(string="Broadcast", default=True)
    announce_notice = fields.Boolean(string="Public Notice", default=True)
    announce_board = fields.Boolean(string="Village Affairs Board", default=True)
    publish_date = fields.Date(string="Published on", readonly=True, copy=False)
    execution_start_date = fields.Date(string="Execution Started", readonly=True, copy=False)
    acceptance_date = fields.Date(string="Acceptance Started", readonly=True, copy=False)
    close_date = fields.Date(string="Closed on", readonly=True, copy=False)
    acceptance_summary = fields.Html(string="Acceptance and Summary", copy=False)

    # Roster
    roster_date = fields.Datetime(string="Roster Built", readonly=True, copy=False)
    batch_ids = fields.One2many("party.mobilization.batch", "project_id", string="Batches", copy=False)
    participant_ids = fields.One2many("party.mobilization.participant", "project_id", string="Roster", copy=False)
    vote_ids = fields.One2many("party.mobilization.vote", "project_id", string="Votes", copy=False)
    opinion_ids = fields.One2many("party.mobilization.opinion", "project_id", string="Opinions", copy=False)
    commendation_ids = fields.One2many("party.mobilization.commendation", "project_id", string="Commendations",
                                       copy=False)
    conversion_ids = fields.One2many("party.mobilization.conversion", "project_id",
                                     string="Below-standard Conversions", copy=False)
    downgrade_ids = fields.One2many("party.mobilization.downgrade", "project_id", string="Appraisal Downgrades",
                                    copy=False)

    # Progress (grouped queries, see _compute_progress)
    participant_count = fields.Integer(compute="_compute_progress", string="People")
    done_count = fields.Integer(compute="_compute_progress", string="Done")
    refused_count = fields.Integer(compute="_compute_progress", string="Refused")
    open_count = fields.Integer(compute="_compute_progress", string="Not Finished")
    progress = fields.Float(compute="_compute_progress", string="Progress (%)", aggregator="avg")
    batch_count = fields.Integer(compute="_compute_batch_info", string="Batch Count")
    batch_done_count = fields.Integer(compute="_compute_batch_info", string="Batches Done")
    current_batch_id = fields.Many2one("party.mobilization.batch", compute="_compute_batch_info",
                                       string="Current Batch")
    opinion_count = fields.Integer(compute="_compute_related_counts")
    vote_count = fields.Integer(compute="_compute_related_counts")
    commendation_count = fields.Integer(compute="_compute_related_counts")

    @api.model
    def _default_organization(self):
        orgs = self.env.user.party_officer_organization_ids.filtered(lambda o: o.kind == "branch")
        return orgs[:1]

    # ------------------------------------------------------------------ computes
    @api.depends("kind")
    def _compute_order(self):
        for project in self:
            project.order = default_order(project.kind)

    @api.depends("kind")
    def _compute_default_order(self):
        for project in self:
            project.default_order = default_order(project.kind)

    @api.depends("state")
    def _compute_roster_frozen(self):
        for project in self:
            project.roster_frozen = project.state in FROZEN_STATES

    @api.depends("participant_ids.state")
    def _compute_progress(self):
        counts = {}
        for project, state, count in self.env["party.mobilization.participant"]._read_group(
                [("project_id", "in", self.ids)], ["project_id", "state"], ["__count"]):
            counts.setdefault(project.id, {})[state] = count
        for project in self:
            by_state = counts.get(project.id, {})
            total = sum(by_state.values())
            done = by_state.get("done", 0)
            refused = by_state.get("refused", 0)
            project.participant_count = total
            project.done_count = done
            project.refused_count = refused
            project.open_count = total - done - refused
            project.progress = progress_percent(done + refused, total)

    @api.depends("batch_ids.state", "batch_ids.sequence")
    def _compute_batch_info(self):
        for project in self:
            batches = project.batch_ids.sorted("sequence")
            project.batch_count = len(batches)
            project.batch_done_count = len(batches.filtered(lambda b: b.state == "done"))
            project.current_batch_id = batches.filtered(lambda b: b.state == "open")[:1]

    def _compute_related_counts(self):
        domain = [("project_id", "in", self.ids)]
        opinions = dict(self.env["party.mobilization.opinion"]._read_group(domain, ["project_id"], ["__count"]))
        votes = dict(self.env["party.mobilization.vote"]._read_group(domain, ["project_id"], ["__count"]))
        commendations = dict(self.env["party.mobilization.commendation"]._read_group(
            domain, ["project_id"], ["__count"]))
        for project in self:
            project.opinion_count = opinions.get(project, 0)
            project.vote_count = votes.get(project, 0)
            project.commendation_count = commendations.get(project, 0)

    @api.depends("organization_id", "state")
    def _compute_missing_member_ids(self):
        """Roster completeness (issue 17 item 13): party members of the branch in normal status with no villager
        record, listed as a warning until the plan is published."""
        Member = self.env["party.member"]
        Person = self.env["party.mobilization.person"]
        for project in self:
            if not project.organization_id or project.roster_frozen:
                project.missing_member_ids = Member
                project.missing_member_count = 0
                continue
            members = Member.search([("organization_id", "child_of", project.organization_id.id),
                                     ("stage", "in", ("probationary", "full")), ("status", "=", "normal")])
            registered = Person.with_context(active_test=False).search(
                [("member_id", "in", members.ids)]).member_id
            project.missing_member_ids = members - registered
            project.missing_member_count = len(members - registered)

    # ------------------------------------------------------------------ constraints
    @api.constrains("kind", "order", "order_reason")
    def _check_order_reason(self):
        for project in self:
            if project.order != default_order(project.kind) and not (project.order_reason or "").strip():
                raise ValidationError(self.env._(
                    "%(project)s: a %(kind)s project runs in %(default)s order; give the reason for running it in "
                    "another order.",
                    project=project.name,
                    kind=dict(self._fields["kind"]._description_selection(self.env))[project.kind],
                    default=dict(self._fields["order"]._description_selection(self.env))[default_order(project.kind)],
                ))

    @api.constrains("date_start", "date_deadline")
    def _check_dates(self):
        for project in self:
            if project.date_start and project.date_deadline and project.date_deadline < project.date_start:
                raise ValidationError(self.env._("%s: the deadline cannot be before the start.", project.name))

    @api.constrains("vote_majority")
    def _check_majority(self):
        for project in self:
            if not 0 < project.vote_majority < 1:
                raise ValidationError(self.env._(
                    "The required majority is a share of the attendees between 0 and 1 (0.5 = more than half)."))

    # ------------------------------------------------------------------ CRUD
    @api.model_create_multi
    def create(self, vals_list):
        check_flow_create(self, vals_list, FLOW_FIELDS, "mobilization_state_change", {"state": "draft"})
        if given_fields(vals_list, TOWN_ORDER_FIELDS) and not in_workflow(self.env, "mobilization_state_change"):
            raise UserError(self.env._(
                "The order of a direct launch is given by the town committee on the submitted plan, not when the "
                "plan is created."))
        for vals in vals_list:
            if vals.get("reference", "/") == "/":
                vals["reference"] = self.env["ir.sequence"].next_by_code("party.mobilization.project") or "/"
        return super().create(vals_list)

    def write(self, vals):
        check_flow_write(self, vals, FLOW_FIELDS, "mobilization_state_change")
        if TOWN_ORDER_FIELDS & set(vals) and not in_workflow(self.env, "mobilization_state_change"):
            self._check_town_officer()
        if set(vals) - CLOSED_WRITABLE and any(project.state == "closed" for project in self):
            raise UserError(self.env._("A closed mobilization project cannot be changed."))
        if ROSTER_FIELDS & set(vals) and any(project.roster_frozen for project in self) \
                and not in_workflow(self.env, "mobilization_state_change"):
            raise UserError(self.env._(
                "The order, dates and village of a published mobilization cannot be changed: the roster is frozen."))
        res = super().write(vals)
        if ROSTER_FIELDS & set(vals):
            self.filtered(lambda p: p.roster_date and not p.roster_frozen)._build_roster()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_under_way(self):
        if any(project.state not in ("draft", "cancelled") for project in self):
            raise UserError(self.env._("Only a draft or cancelled mobilization project can be deleted."))

    # ------------------------------------------------------------------ roster
    def action_build_roster(self):
        self._build_roster()
        return True

    def _village_people(self):
        """Everyone registered in the village (and its sub-organizations)."""
        self.ensure_one()
        return self.env["party.mobilization.person"].search([("organization_id", "child_of", self.organization_id.id)])

    def _build_roster(self):
        """(Re)build the roster: one participant per villager, one batch per identity present, batches in execution
        order with planned dates spread between start and deadline. Re-building moves people whose identity changed
        to their new batch; the roster is frozen after publication."""
        Batch = self.env["party.mobilization.batch"]
        Participant = self.env["party.mobilization.participant"]
        for project in self:
            if project.roster_frozen:
                raise UserError(self.env._(
                    "%s: the roster is frozen since the plan was published.", project.display_name))
            people = project._village_people()
            if not people:
                raise UserError(self.env._(
                    "No villagers are registered in %s: register the village's people first.",
                    project.organization_id.display_name))
            rank_of = {person.id: person.identity_rank for person in people}
            ranks = rank_sequence(rank_of.values(), project.order)
            windows = spread_batch_dates(project.date_start, project.date_deadline, len(ranks))
            existing = {batch.identity_rank: batch for batch in project.batch_ids}
            new_batches = []
            for position, (rank, (start, end)) in enumerate(zip(ranks, windows), start=1):
                vals = {"sequence": position, "date_planned_start": start, "date_planned_end": end}
                if rank in existing:
                    batch = existing[rank]
                    if (batch.sequence, batch.date_planned_start, batch.date_planned_end) != (position, start, end):
                        batch.write(vals)
                else:
                    new_batches.append(dict(vals, project_id=project.id, identity=str(rank)))
            batches = Batch.create(new_batches)
            by_rank = {batch.identity_rank: batch for batch in batches}
            by_rank.update({rank: batch for rank, batch in existing.items() if rank in ranks})

            current = {participant.person_id.id: participant for participant in project.participant_ids}
            gone = Participant.browse([p.id for person_id, p in current.items() if person_id not in rank_of])
            moves = {}
            for person_id, participant in current.items():
                rank = rank_of.get(person_id)
                if rank is not None and participant.identity_rank != rank:
                    moves.setdefault(rank, Participant)
                    moves[rank] |= participant
            for rank, participants in moves.items():
                participants.with_context(mobilization_roster_build=WORKFLOW).write(
                    {"identity": str(rank), "batch_id": by_rank[rank].id})
            Participant._insert_roster(project, [
                (person_id, by_rank[rank], str(rank)) for person_id, rank in rank_of.items() if person_id not in current
            ])
            gone.with_context(mobilization_roster_build=WORKFLOW).unlink()
            (project.batch_ids - Batch.browse([b.id for b in by_rank.values()])).unlink()
            first_build = not project.roster_date
            project.with_context(mobilization_state_change=WORKFLOW).roster_date = fields.Datetime.now()
            moved = sum(len(participants) for participants in moves.values())
            if first_build:
                project.message_post(body=self.env._(
                    "Roster built: %(people)s people in %(batches)s batches.", people=len(rank_of),
                    batches=len(ranks)))
            elif moved or gone or len(rank_of) != len(current):
                project.message_post(body=self.env._(
                    "Roster updated: %(moved)s people changed identity and batch, %(added)s added, %(removed)s "
                    "removed.", moved=moved, added=len(set(rank_of) - set(current)), removed=len(gone)))
        return True

    # ------------------------------------------------------------------ approval by the town committee
    def _town_organization(self):
        """The upper organization that decides for the village: its parent. A village without a parent cannot
        decide for itself (S000: the town committee approves and orders)."""
        self.ensure_one()
        return self.organization_id._get_upper_organization()

    def _check_town_officer(self):
        for project in self:
            town = project._town_organization()
            if not self.env.user._party_can_manage(town):
                raise UserError(self.env._(
                    "Only the town committee (%s) can decide on this mobilization plan.", town.display_name))

    def _check_state(self, states, action_label):
        for project in self:
            if project.state not in states:
                labels = dict(self._fields["state"]._description_selection(self.env))
                raise UserError(self.env._(
                    "%(project)s: cannot %(action)s while the project is at the stage “%(state)s”.",
                    project=project.display_name, action=action_label, state=labels[project.state]))

    def _missing_plan_items(self):
        """What the plan still lacks before the town can review it (S000: order, start, deadline, rewards and
        penalties, stage reviews; drawn up by the joint meeting of the three committees)."""
        self.ensure_one()
        missing = []
        if not self.description or not self.description.striptags().strip():
            missing.append(self.env._("the content of the project"))
        if not self.joint_meeting_date:
            missing.append(self.env._("the date of the joint meeting of the three committees"))
        if not (self.rewards or "").strip():
            missing.append(self.env._("the rewards"))
        if not (self.penalties or "").strip():
            missing.append(self.env._("the penalties"))
        if not (self.stage_review_plan or "").strip():
            missing.append(self.env._("the stage reviews"))
        return missing

    def action_submit(self):
        self._check_state(("draft",), self.env._("submit the plan"))
        activity_type = self.env.ref(APPROVAL_ACTIVITY)
        for project in self:
            missing = project._missing_plan_items()
            if missing:
                raise UserError(self.env._("%(project)s: the plan is not complete. Missing: %(missing)s.",
                                           project=project.display_name, missing=", ".join(missing)))
            approver = project._town_organization()._get_responsible_user()
            project._set_state("submitted", rejection_reason=False)
            project.activity_schedule(
                activity_type_id=activity_type.id,
                user_id=approver.id,
                summary=self.env._("Approve the mobilization plan %s", project.name),
                note=self.env._("%(village)s submits the ordered mobilization plan “%(project)s” (%(order)s order, "
                                "%(start)s to %(deadline)s).",
                                village=project.organization_id.display_name, project=project.name,
                                order=dict(self._fields["order"]._description_selection(self.env))[project.order],
                                start=project.date_start, deadline=project.date_deadline),
            )
        return True

    def action_approve(self):
        self._check_state(("submitted",), self.env._("approve the plan"))
        self._check_town_officer()
        today = party_today(self)
        for project in self:
            project._set_state("approved", approver_id=self.env.user.id, approval_date=today)
            project.activity_feedback([APPROVAL_ACTIVITY], feedback=self.env._("Approved"))
        return True

    def action_reject(self):
        self._check_state(("submitted",), self.env._("reject the plan"))
        self._check_town_officer()
        for project in self:
            if not (project.rejection_reason or "").strip():
                raise UserError(self.env._("Write the reason for sending the plan back first."))
            project._set_state("draft")
            project.activity_feedback([APPROVAL_ACTIVITY], feedback=project.rejection_reason)
            project.message_post(body=self.env._("The town committee sent the plan back: %s",
                                                 project.rejection_reason))
        return True

    # ------------------------------------------------------------------ opinions and vote
    def action_collect_opinions(self):
        self._check_state(("approved",), self.env._("collect members' opinions"))
        for project in self:
            project._set_state("opinions")
            project.message_post(body=self.env._(
                "The plan approved by the town committee is open for the opinions of the party members."))
        return True

    def action_start_vote(self):
        self._check_state(("opinions",), self.env._("put the plan to the vote"))
        for project in self:
            if not (project.opinion_summary or "").strip():
                raise UserError(self.env._(
                    "%s: summarize the members' opinions and how the plan was improved before the vote.",
                    project.display_name))
            project._set_state("voting")
        return True

    def _on_vote_confirmed(self, vote):
        """Called by a confirmed vote: a passed vote decides the plan, a failed one sends it back to the plan."""
        self.ensure_one()
        if vote.result == "passed":
            self._set_state("voting", passed_vote_id=vote.id)
            self.message_post(body=self.env._(
                "The %(meeting)s passed the plan: %(for)s for, %(against)s against, %(abstain)s abstentions of "
                "%(attendees)s attendees. The plan can be published.",
                meeting=vote._meeting_label(), **vote._count_args()))
        else:
            self._set_state("draft", passed_vote_id=False)
            self.message_post(body=self.env._(
                "The %(meeting)s did not pass the plan (%(for)s for, %(against)s against, %(abstain)s abstentions of "
                "%(attendees)s attendees; %(reason)s). The plan goes back to the branch to be revised and submitted "
                "again.", meeting=vote._meeting_label(), reason=vote._failure_reason(), **vote._count_args()))

    # ------------------------------------------------------------------ publication
    def action_direct_launch(self):
        """The town committee orders a direct start without the villagers' vote (S000: in very special cases,
        when the conditions for the meeting are missing). Only an officer of the town (the parent organization)
        takes this action, with the reference of its order and the reason; who, when and why go to the chatter."""
        self._check_state(DIRECT_LAUNCH_STATES, self.env._("launch directly"))
        today = party_today(self)
        for project in self:
            if not (project.town_order_ref or "").strip() or not (project.town_order_reason or "").strip():
                raise UserError(self.env._(
                    "%s: a direct launch without the assembly vote needs the town committee's order: the town "
                    "committee gives the reference of its order and the reason why the villagers' meeting cannot "
                    "be held.", project.display_name))
        self._check_town_officer()
        for project in self:
            project._set_state(project.state, direct_launch=True, town_order_date=project.town_order_date or today)
            project.message_post(body=self.env._(
                "Direct launch ordered by the town committee: %(user)s on %(date)s, order %(ref)s. Reason: "
                "%(reason)s", user=self.env.user.name, date=format_date(self.env, today),
                ref=project.town_order_ref, reason=project.town_order_reason))
        self._publish()
        return True

    def action_publish(self):
        self._check_state(("voting",), self.env._("publish the plan"))
        for project in self:
            if not project.passed_vote_id:
                raise UserError(self.env._(
                    "%s: the villager assembly or the representatives' meeting has not passed the plan yet.",
                    project.display_name))
        self._publish()
        return True

    def _publish(self):
        today = party_today(self)
        for project in self:
            if not project.participant_ids:
                raise UserError(self.env._("%s: build the roster before publishing.", project.display_name))
            if not (project.announce_broadcast or project.announce_notice or project.announce_board):
                raise UserError(self.env._(
                    "%s: choose how the plan is made public (broadcast, notice or village affairs board).",
                    project.display_name))
            # last check of the identities before the roster is frozen
            project._build_roster()
            missing = project.missing_member_ids
            project._set_state("published", publish_date=today)
            if missing:
                project.message_post(body=self.env._(
                    "Published although these party members of the branch have no villager record and are not on "
                    "the roster: %s", ", ".join(missing.mapped("name"))))
            project.message_post(body=project._announcement_body(), subject=self.env._("Announcement"))
        return True

    def _order_label(self):
        self.ensure_one()
        return dict(self._fields["order"]._description_selection(self.env))[self.order]

    def _announcement_body(self):
        self.ensure_one()
        lines = [self.env._(
            "Announcement: “%(project)s” starts on %(start)s and must be completed by %(deadline)s. Order: %(order)s.",
            project=self.name, start=self.date_start, deadline=self.date_deadline, order=self._order_label())]
        for batch in self.batch_ids.sorted("sequence"):
            lines.append(self.env._(
                "Batch %(seq)s: %(identity)s, %(count)s people, %(start)s to %(end)s",
                seq=batch.sequence, identity=batch._identity_label(), count=batch.participant_count,
                start=batch.date_planned_start, end=batch.date_planned_end))
        return Markup("<br/>").join(escape(line) for line in lines)

    # ------------------------------------------------------------------ execution
    def action_start_execution(self):
        self._check_state(("published",), self.env._("start the execution"))
        today = party_today(self)
        for project in self:
            project._set_state("executing", execution_start_date=today)
            first = project.batch_ids.sorted("sequence")[:1]
            first._open(today)
            project.batch_ids._open_due_batches(today)
        return True

    def action_post_progress(self):
        self._check_state(("executing", "acceptance"), self.env._("publish the progress"))
        for project in self:
            project._post_stage_announcement()
        return True

    def _post_stage_announcement(self, event=None):
        """Stage announcement in the chatter: the overall progress, with the progress of every batch when the
        officer publishes it; a batch's event (opened, done) is posted with the overall progress only, so that
        the chatter does not repeat the whole batch table at every event."""
        self.ensure_one()
        lines = [event] if event else []
        lines.append(self.env._("Progress of “%(project)s”: %(done)s of %(total)s people done (%(progress)s %%), "
                                "%(refused)s refused.", project=self.name, done=self.done_count,
                                total=self.participant_count, progress=self.progress, refused=self.refused_count))
        states = dict(self.env["party.mobilization.batch"]._fields["state"]._description_selection(self.env))
        for batch in self.batch_ids.sorted("sequence") if not event else ():
            lines.append(self.env._(
                "Batch %(seq)s (%(identity)s): %(state)s, %(done)s/%(total)s done",
                seq=batch.sequence, identity=batch._identity_label(), state=states[batch.state],
                done=batch.done_count + batch.refused_count, total=batch.participant_count))
        self.message_post(body=Markup("<br/>").join(escape(line) for line in lines),
                          subject=self.env._("Stage Announcement"))

    def _check_all_batches_done(self):
        """Move executing projects whose batches are all done to acceptance."""
        today = party_today(self)
        for project in self.filtered(lambda p: p.state == "executing"):
            if project.batch_ids and all(batch.state == "done" for batch in project.batch_ids):
                project._set_state("acceptance", acceptance_date=today)
                project.message_post(body=self.env._(
                    "All batches are done: the branch proceeds to acceptance and summary."))

    def action_to_acceptance(self):
        self._check_state(("executing",), self.env._("start the acceptance"))
        for project in self:
            open_batches = project.batch_ids.filtered(lambda b: b.state != "done")
            if open_batches:
                raise UserError(self.env._(
                    "%(project)s: batches %(batches)s are not done yet. Finish them or close them with a reason.",
                    project=project.display_name,
                    batches=", ".join(str(seq) for seq in open_batches.sorted("sequence").mapped("sequence"))))
        self._check_all_batches_done()
        return True

    # ------------------------------------------------------------------ acceptance
    def action_close(self):
        self._check_state(("acceptance",), self.env._("close the project"))
        today = party_today(self)
        for project in self:
            if not project.acceptance_summary or not project.acceptance_summary.striptags().strip():
                raise UserError(self.env._("%s: write the acceptance summary before closing.", project.display_name))
            missing = project.participant_ids.filtered(lambda p: p.resisting and not (p.resisting_note or "").strip())
            if missing:
                raise UserError(self.env._("Describe what these people did to resist the mobilization: %s",
                                           ", ".join(missing.mapped("name"))))
            project._apply_acceptance(today)
            project._set_state("closed", close_date=today)
        return True

    def _apply_acceptance(self, date):
        """Commend exemplary members and cadres, handle those who resisted (S000 五、总结验收 and 几点要求 3):

        - exemplary → a commendation entry; party members also get the commendation points;
        - resisting party members → a points deduction and a written "below standard" (欠合格) conversion record;
        - resisting cadres and villager representatives → a note for the year-end appraisal downgrade.
        """
        self.ensure_one()
        Commendation = self.env["party.mobilization.commendation"]
        Conversion = self.env["party.mobilization.conversion"]
        Downgrade = self.env["party.mobilization.downgrade"]
        exemplary = self.participant_ids.filtered("exemplary")
        resisting = self.participant_ids.filtered("resisting")
        commendations = Commendation.create([{
            "project_id": self.id, "participant_id": participant.id, "date": date,
            "reason": participant.exemplary_note or self.env._("Exemplary role in “%s”", self.name),
        } for participant in exemplary])
        commendations._feed_cadre_appraisal()
        for commendation in commendations.filtered("member_id"):
            entry = self._post_points(
                commendation.member_id, "mobilization_commendation", commendation.participant_id, date,
                self.env._("Commended in the ordered mobilization “%s”", self.name))
            commendation._set_points_entry(entry)
            commendation.member_id.message_post(body=self.env._(
                "Commended for an exemplary role in the ordered mobilization “%(project)s”: %(reason)s",
                project=self.name, reason=commendation.reason))
        resisting_members = resisting.filtered(lambda p: handling_of_rank(p.identity_rank) == "member")
        conversions = Conversion.create([{
            "project_id": self.id, "participant_id": participant.id, "date": date,
            "reason": participant.resisting_note,
        } for participant in resisting_members])
        for conversion in conversions.filtered("member_id"):
            entry = self._post_points(
                conversion.member_id, "mobilization_resisting", conversion.participant_id, date,
                self.env._("Resisted the ordered mobilization “%s”", self.name))
            conversion._set_points_entry(entry)
            conversion.member_id.message_post(body=self.env._(
                "Resisted the ordered mobilization “%(project)s”: the written below-standard conversion procedure "
                "is started. %(reason)s", project=self.name, reason=conversion.reason))
        resisting_cadres = resisting.filtered(
            lambda p: handling_of_rank(p.identity_rank) in ("cadre", "representative"))
        Downgrade.create([{
            "project_id": self.id, "participant_id": participant.id, "date": date,
            "role": handling_of_rank(participant.identity_rank),
            "reason": participant.resisting_note,
        } for participant in resisting_cadres])
        if commendations or conversions or resisting_cadres:
            self.message_post(body=self.env._(
                "Acceptance: %(commended)s commended, %(converted)s below-standard conversions, %(downgraded)s "
                "appraisal downgrade notes.", commended=len(commendations), converted=len(conversions),
                downgraded=len(resisting_cadres)))

    def _post_points(self, member, rule_code, source, date, description):
        """Post an automatic points entry through the points ledger of party_member_points, when it is
        available. Returns the entries posted (empty when the cap is reached or the ledger is missing)."""
        if "party.points.entry" not in self.env:
            return None
        Entry = self.env["party.points.entry"]
        if not hasattr(Entry, "_post_automatic"):
            return None
        # the officer's decision was checked by the caller; posting is a system step of the ledger
        return Entry.sudo()._post_automatic(member, rule_code, source=source, date=date, description=description)

    # ------------------------------------------------------------------ cancel
    def action_cancel(self):
        for project in self:
            if project.state in ("executing", "acceptance", "closed", "cancelled"):
                raise UserError(self.env._(
                    "%s: a mobilization already executing cannot be cancelled.", project.display_name))
        self.activity_unlink([APPROVAL_ACTIVITY])
        for project in self:
            project._set_state("cancelled")
        return True

    def action_draft(self):
        self._check_state(("cancelled",), self.env._("go back to the plan"))
        for project in self:
            project._set_state("draft", passed_vote_id=False)
        return True

    def _set_state(self, state, **values):
        self.with_context(mobilization_state_change=WORKFLOW).write(dict(values, state=state))

    def action_reorder_batches(self, sequences, reason):
        """Named workflow action of the town committee: change the order of the batches of a published plan
        (``sequences``: ``{batch id: new number}``) with a reason recorded in the chatter."""
        self._check_town_officer()
        for project in self:
            for batch in project.batch_ids.filtered(lambda b: b.id in sequences):
                batch._party_amend({"sequence": sequences[batch.id]}, reason,
                                   self.env._("Batch order changed by the town committee"))
        return True

    # ------------------------------------------------------------------ reports and navigation
    def action_export_roster_xlsx(self):
        self.ensure_one()
        if not self.participant_ids:
            raise UserError(self.env._("%s: build the roster first.", self.display_name))
        return self.env["party.xlsx.export"]._download(
            f"{self.reference or 'roster'}-{self.env._('roster')}.xlsx", [self._roster_xlsx_sheet()])

    def _roster_xlsx_sheet(self):
        """The roster by batch as one XLSX sheet: the project's order and period, then one row per person
        grouped by batch in execution order (numbering restarts in each batch)."""
        self.ensure_one()
        self.check_access("read")
        Participant = self.env["party.mobilization.participant"]
        identities = dict(Participant._fields["identity"]._description_selection(self.env))
        states = dict(Participant._fields["state"]._description_selection(self.env))
        residences = dict(self.env["party.mobilization.person"]._fields["residence"]._description_selection(self.env))
        yes, no = self.env._("Yes"), self.env._("No")
        rows = [[
            batch.name, number, participant.name, identities.get(participant.identity, ""),
            residences.get(participant.residence, ""), yes if participant.is_party_member else no,
            states.get(participant.state, ""), participant.date_notified, participant.date_done,
            yes if participant.exemplary else "", yes if participant.resisting else "",
        ] for batch, number, participant in self._roster_rows()]
        return {
            "name": self.env._("Roster"),
            "title": self.env._("Roster by Batch: %s", self.name),
            "subtitle": self.env._("%(village)s, %(order)s order, %(start)s to %(end)s",
                                   village=self.organization_id.display_name, order=self._order_label(),
                                   start=self.date_start, end=self.date_deadline),
            "headers": [
                self.env._("Batch"), self.env._("No."), self.env._("Name"), self.env._("Identity"),
                self.env._("Residence"), self.env._("Party Member"), self.env._("Status"), self.env._("Notified on"),
                self.env._("Done on"), self.env._("Exemplary"), self.env._("Resisting"),
            ],
            "rows": rows,
            "widths": [28, 6, 16, 16, 16, 16, 16, 12, 12, 12, 12],
        }

    def _report_schedule_text(self):
        """First paragraph of the announcement: dates and order, as one translatable sentence."""
        self.ensure_one()
        if self.order == "forward":
            explanation = self.env._("the branch secretary and the cadres act first, then the party members, the "
                                     "villager representatives and the villagers.")
        else:
            explanation = self.env._("ordinary villagers come first, then the villager representatives, the party "
                                     "members and the cadres.")
        return self.env._(
            "The mobilization starts on %(start)s and must be completed by %(deadline)s. Order: %(order)s — "
            "%(explanation)s", start=format_date(self.env, self.date_start),
            deadline=format_date(self.env, self.date_deadline), order=self._order_label(), explanation=explanation)

    def _report_decision_text(self):
        """How the plan was decided: the vote that passed it, or the town's order for a direct launch."""
        self.ensure_one()
        vote = self.passed_vote_id
        if vote:
            return self.env._(
                "The plan was approved by the town committee and passed by the %(meeting)s on %(date)s: %(for)s for, "
                "%(against)s against, %(abstain)s abstentions of %(attendees)s attendees.",
                meeting=vote._meeting_label(), date=format_date(self.env, vote.date), **vote._count_args())
        if self.direct_launch and self.town_order_ref:
            return self.env._("The mobilization starts on the order of the town committee (%s), without the vote of "
                              "the villager assembly.", self.town_order_ref)
        return ""

    def _report_progress_text(self):
        self.ensure_one()
        return self.env._(
            "%(done)s of %(total)s people have done their part, %(refused)s refused, %(open)s have not finished. "
            "Overall progress: %(progress)s %%. Stage: %(stage)s.",
            done=self.done_count, total=self.participant_count, refused=self.refused_count, open=self.open_count,
            progress=self.progress, stage=dict(self._fields["state"]._description_selection(self.env))[self.state])

    def _roster_rows(self):
        """Rows of the roster by batch, shared by the PDF and XLSX reports."""
        self.ensure_one()
        rows = []
        for batch in self.batch_ids.sorted("sequence"):
            for number, participant in enumerate(batch.participant_ids.sorted(lambda p: (p.name or "", p.id)),
                                                 start=1):
                rows.append((batch, number, participant))
        return rows

    def _action_related(self, xmlid):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = [("project_id", "=", self.id)]
        action["context"] = {"default_project_id": self.id}
        return action

    def action_view_participants(self):
        return self._action_related("party_mobilization.party_mobilization_participant_action")

    def action_view_opinions(self):
        return self._action_related("party_mobilization.party_mobilization_opinion_action")

    def action_view_votes(self):
        return self._action_related("party_mobilization.party_mobilization_vote_action")

    def action_view_commendations(self):
        return self._action_related("party_mobilization.party_mobilization_commendation_action")

    def action_new_vote(self):
        self.ensure_one()
        self._check_state(("voting",), self.env._("record the vote"))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Vote on the Plan"),
            "res_model": "party.mobilization.vote",
            "view_mode": "form",
            "target": "current",
            "context": {"default_project_id": self.id},
        }
