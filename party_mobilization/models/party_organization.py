from odoo import fields, models

from .party_mobilization_project import STATES

# The overview is the officers' dashboard: members and leaders do not read its figures.
OFFICER = "party_member_points.group_party_officer"

ACTIVE_STATES = ("draft", "submitted", "approved", "opinions", "voting", "published", "executing", "acceptance")


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

    def action_overview_projects(self):
        return self._overview_action(
            "party_mobilization.party_mobilization_project_action",
            [("organization_id", "child_of", self.id), ("state", "in", ACTIVE_STATES)],
        )
