from odoo import fields, models


class PartyMember(models.Model):
    """What the ordered mobilization tells the democratic evaluation about a member (issue 17 items 5, 11, 12)."""

    _inherit = "party.member"

    mobilization_conversion_ids = fields.One2many(
        "party.mobilization.conversion", "member_id", string="Below-standard Conversions")

    def _mobilization_conversions(self, year):
        """Written below-standard (欠合格) conversions of the member started in ``year``."""
        self.ensure_one()
        return self.env["party.mobilization.conversion"].search(
            [("member_id", "=", self.id), ("year", "=", year)], order="date, id")

    def _mobilization_conversion_summary(self, year):
        """One line per conversion of ``year`` for the evaluation committee: project, date, outcome."""
        states = dict(self.env["party.mobilization.conversion"]._fields["state"]._description_selection(self.env))
        return [{
            "conversion": conversion,
            "project": conversion.project_id.name,
            "date": conversion.date,
            "state": conversion.state,
            "state_label": states.get(conversion.state, ""),
            "outcome": conversion.result_note or "",
        } for conversion in self._mobilization_conversions(year)]

    def _mobilization_unqualified_ground(self, year):
        """A failed conversion proposes 不合格 (S000 几点要求 3: 适时启动“欠合格”党员书面转化程序，情节严重的，按照党员
        不接受组织分配工作给予组织处理): the reason when a conversion of ``year`` ended in organizational handling,
        else False."""
        self.ensure_one()
        failed = self._mobilization_conversions(year).filtered(lambda c: c.state == "handled")
        if not failed:
            return False
        return self.env._(
            "The written below-standard conversion after resisting the ordered mobilization %(projects)s failed and "
            "ended in organizational handling.",
            projects=", ".join(f"“{name}”" for name in failed.project_id.mapped("name")))

    def _other_unqualified_grounds(self, year):
        """A failed below-standard conversion of ``year`` proposes 不合格 in the democratic evaluation."""
        grounds = super()._other_unqualified_grounds(year)
        failed = self.env["party.mobilization.conversion"].sudo().search(
            [("member_id", "in", self.ids), ("state", "=", "handled"), ("year", "=", year)])
        for member in failed.member_id:
            grounds.setdefault(member.id, member._mobilization_unqualified_ground(year))
        return grounds

    def _assigned_work_refused(self, date_from, date_to):
        """The assigned work not done (不能完成党组织所分配的工作) of the six-month ground: a mobilization batch the
        member refused to carry out between ``date_from`` and ``date_to``."""
        refused = self.env["party.mobilization.participant"].sudo().search([
            ("member_id", "in", self.ids), ("state", "=", "refused"),
            ("date_refused", ">=", date_from), ("date_refused", "<=", date_to)])
        return super()._assigned_work_refused(date_from, date_to) | set(refused.member_id.ids)

    def _mobilization_refused_batches(self, date_from, date_to):
        """Roster lines (batch, project) of the member who refused to carry out their part between ``date_from``
        and ``date_to``: the assigned work not done (不能完成党组织所分配的工作)."""
        return self.env["party.mobilization.participant"].search([
            ("member_id", "in", self.ids), ("state", "=", "refused"),
            ("date_refused", ">=", date_from), ("date_refused", "<=", date_to),
        ], order="date_refused, id")

    def _mobilization_cadre_appraisal(self, year):
        """The cadre appraisal record of ``year`` of this member's villager record (empty when none)."""
        return self.env["party.mobilization.cadre.appraisal"].search(
            [("member_id", "in", self.ids), ("year", "=", year)])

    def _evaluation_side_records(self, year):
        """The village cadre's year-end appraisal of ``year`` fed by the ordered mobilizations (confirmed downgrades,
        commendations: S000 五、总结验收 年终考核表彰; 几点要求 3 年终考核降档) and the member's written below-standard
        conversions (欠合格党员书面转化), one line each, for the evaluation committee. Read as the system: the
        evaluation's officers see the lines of the members they evaluate, not the mobilization's records."""
        lines = super()._evaluation_side_records(year)
        if not self:
            return lines
        env = self.env
        appraisals = env["party.mobilization.cadre.appraisal"].sudo().search(
            [("member_id", "in", self.ids), ("year", "=", year)], order="id")
        outcomes = dict(appraisals._fields["outcome"]._description_selection(env))
        for appraisal in appraisals:
            text = env._("Cadre year-end appraisal %(year)s (ordered mobilization): %(outcome)s; %(down)s downgrade "
                         "step(s), %(praised)s commendation(s)", year=year, outcome=outcomes.get(appraisal.outcome, ""),
                         down=appraisal.downgrade_count, praised=appraisal.commendation_count)
            if appraisal.grade_note:
                text = f"{text}. {appraisal.grade_note}"
            lines.setdefault(appraisal.member_id.id, []).append(text)
        conversions = env["party.mobilization.conversion"].sudo().search(
            [("member_id", "in", self.ids), ("year", "=", year)], order="date, id")
        states = dict(conversions._fields["state"]._description_selection(env))
        for conversion in conversions:
            text = env._("Below-standard conversion after “%(project)s” (%(date)s): %(state)s",
                         project=conversion.project_id.name, date=conversion.date or "",
                         state=states.get(conversion.state, ""))
            if conversion.result_note:
                text = f"{text}. {conversion.result_note}"
            lines.setdefault(conversion.member_id.id, []).append(text)
        return lines
