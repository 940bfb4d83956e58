from odoo import fields, models

from .party_mobilization_project import STATES

# The overview is the officers' dashboard: members and leaders do not read its figures.
OFFICER = "party_member_points.group_party_officer"

ACTIVE_STATES = ("draft", "submitted", "approved", "opinions", "voting", "published", "executing", "acceptance")


def project_next_step(state, vote_passed=False):
    """``(button, who)`` of the step a mobilization project in ``state`` waits for: the button of the project's
    form that moves it on, pressed by the branch's officers (``"officer"``) or the town committee (``"upper"``);
    ``None`` while it is carried out (executing: the batches move it, not a button) or once it is over."""
    return {
        "draft": ("Submit to the Town", "officer"),
        "submitted": ("Approve", "upper"),
        "approved": ("Collect Members' Opinions", "officer"),
        "opinions": ("Put to the Vote", "officer"),
        "voting": ("Publish", "officer") if vote_passed else ("Record the Vote", "officer"),
        "published": ("Start Execution", "officer"),
        "acceptance": ("Close", "officer"),
    }.get(state)


def project_advance_key(project):
    """Sort key of the projects under way: the furthest stage first, then the latest start (an executing
    project is shown before a new plan)."""
    return ACTIVE_STATES.index(project.state), project.date_start, project.id


class PartyOrganization(models.Model):
    """Branch overview: the mobilization projects under way in the organization and below it."""

    _inherit = "party.organization"

    overview_project_count = fields.Integer(
        compute="_compute_overview_projects", string="Projects Under Way", groups=OFFICER
    )
    overview_project_id = fields.Many2one(
        "party.mobilization.project", compute="_compute_overview_projects", string="Latest Project", groups=OFFICER
    )
    overview_project_state = fields.Selection(
        STATES, compute="_compute_overview_projects", string="Project Stage", groups=OFFICER
    )
    overview_project_progress = fields.Float(
        compute="_compute_overview_projects", string="Project Progress (%)", groups=OFFICER
    )

    def _compute_overview_projects(self):
        Project = self.env["party.mobilization.project"]
        counts = (
            self._subtree_totals("party.mobilization.project", [("state", "in", ACTIVE_STATES)]) if self.ids else {}
        )
        latest = {}
        if self.ids:
            # the card shows the most advanced project of the subtree (an executing project before a new plan)
            projects = Project.search([("organization_id", "child_of", self.ids), ("state", "in", ACTIVE_STATES)])
            for org in self:
                prefix = org.parent_path
                mine = [p for p in projects if prefix and (p.organization_id.parent_path or "").startswith(prefix)]
                if mine:
                    latest[org.id] = max(mine, key=project_advance_key)
        for org in self:
            org.overview_project_count = counts.get(org.id, 0)
            org.overview_project_id = latest.get(org.id, Project)
            org.overview_project_state = org.overview_project_id.state
            org.overview_project_progress = org.overview_project_id.progress

    def _overview_blocked_steps(self):
        """The mobilization projects whose next step waits for the user: an officer step of a branch the user
        runs, the town committee's approval of a plan of a branch below the committee the user runs."""
        result = super()._overview_blocked_steps()
        if not self.ids:
            return result
        projects = self.env["party.mobilization.project"].search(
            [("organization_id", "child_of", self.ids), ("state", "in", ACTIVE_STATES)])
        labels = {
            "Submit to the Town": self.env._("Submit to the Town"), "Approve": self.env._("Approve"),
            "Collect Members' Opinions": self.env._("Collect Members' Opinions"),
            "Put to the Vote": self.env._("Put to the Vote"), "Publish": self.env._("Publish"),
            "Record the Vote": self.env._("Record the Vote"), "Start Execution": self.env._("Start Execution"),
            "Close": self.env._("Close"),
        }

        def step_of(project):
            step = project_next_step(project.state, bool(project.passed_vote_id))
            return (labels[step[0]], step[1]) if step else None

        return self._overview_add_blocked(result, projects, step_of)

    def action_overview_projects(self):
        return self._overview_action(
            "party_mobilization.party_mobilization_project_action",
            [("organization_id", "child_of", self.id), ("state", "in", ACTIVE_STATES)],
        )
