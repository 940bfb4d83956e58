from odoo import models

# The home of each role when the user has no home action of their own (res.users.action_id), first match wins.
ROLE_HOMES = (
    ("party_member_points.group_party_officer", "party_member_points.party_organization_action_overview"),
    ("hr.group_hr_manager", "party_member_points.party_hr_performance_report_action"),
    ("party_member_points.group_party_leader", "party_member_points.party_points_entry_action"),
    ("party_member_points.group_party_member", "party_member_points.party_points_entry_action_my"),
)


def role_home(has_group):
    """The xml id of the home action of a user, from the groups they have: officers land on the branch overview
    (their branches and what waits for them), HR managers on the party performance report, party-group leaders
    on the ledger they record, members on their own points; ``None`` for anyone else."""
    for group, action in ROLE_HOMES:
        if has_group(group):
            return action
    return None


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    def session_info(self):
        """A user without a home action of their own opens the page of their role instead of the Discuss inbox
        (nothing is written on the user: an action chosen in their preferences wins)."""
        info = super().session_info()
        user = self.env.user
        if info.get("home_action_id") or not user._is_internal():
            return info
        xmlid = role_home(user.has_group)
        action = self.env.ref(xmlid, raise_if_not_found=False) if xmlid else None
        if action:
            info["home_action_id"] = action.id
        return info
