import base64
import random

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

from .party_points_logic import period_bounds


class PartyDemoLoader(models.AbstractModel):
    _inherit = "party.demo.loader"

    @api.model
    def _load_points_demo(self):
        """Points demo on top of the register demo (whose held meetings and paid dues already produced the
        automatic entries): periods in every state, a leader's batch, claims waiting for the secretary, a
        reversal, an appeal during a publication and the annual results of last year and this year."""
        ref = self.env.ref
        today = fields.Date.context_today(self)
        Period = self.env["party.points.period"]
        Entry = self.env["party.points.entry"]
        dongshan = ref("party_member_points.demo_org_dongshan")
        nanhe = ref("party_member_points.demo_org_nanhe")
        branches = dongshan | ref("party_member_points.demo_org_xishan") | nanhe \
            | ref("party_member_points.demo_org_company")
        secretary = ref("party_member_points.demo_user_secretary")
        leader = ref("party_member_points.demo_user_leader")
        member_user = ref("party_member_points.demo_user_member")

        self._load_points_history(random.Random(20261123), today, secretary, leader)
        # Last year's final results: 30 % of each total is carried into this year's base.
        self.env["party.points.result"]._compute_year(today.year - 1, final=True)

        # Periods: the current one is recording everywhere; the previous one is published (appeals open) and,
        # in 南河村, the earlier quarters of the year are closed and locked.
        current = Period._generate_periods(today, branches)
        previous_day = current[:1].date_from - relativedelta(days=1)
        previous = Period._generate_periods(previous_day, branches)
        previous.action_review()
        previous.filtered(lambda p: p.pending_count == 0).action_publish()
        start = previous_day.replace(month=1, day=1)
        closed_periods = Period.browse()
        day = start
        while day < previous[:1].date_from:
            period = Period._generate_periods(day, nanhe)
            closed_periods |= period
            day = period_bounds(day, "quarter")[1] + relativedelta(days=1)
        for period in closed_periods:
            period.action_review()
            period.action_publish()
            period.write({"publication_start": period.date_to + relativedelta(days=3)})
            period.with_context(party_points_period_flow=True).write({
                "publication_end": period.date_to + relativedelta(days=8)})
            period.action_close()

        members = self.env["party.member"].search([("organization_id", "=", dongshan.id),
                                                   ("status", "=", "normal"),
                                                   ("stage", "in", ("probationary", "full"))])
        group1 = members.filtered(lambda m: m.party_group_id == ref("party_member_points.demo_org_dongshan_g1"))
        scheme = dongshan._get_points_scheme()
        rule = {r.code: r for r in scheme.rule_ids}

        # A group leader records a study session for the whole group: submitted to the secretary.
        batch = self.env["party.points.batch.wizard"].with_user(leader).create({
            "organization_id": ref("party_member_points.demo_org_dongshan_g1").id,
            "scheme_id": scheme.id, "rule_id": rule["study_notes"].id, "points": 4.0, "date": today,
            "description": "集中学习党章并做好学习笔记", "member_ids": [fields.Command.set(group1.ids)],
        })
        batch.action_record()
        # The secretary approves most of them at once, and rejects one.
        submitted = Entry.search([("rule_id", "=", rule["study_notes"].id), ("state", "=", "submitted")])
        others = submitted.filtered(lambda e: e.member_id.user_id != secretary)
        if len(others) > 2:
            others[2:].with_user(secretary).action_approve()
            others[:1].with_user(secretary)._reject("学习笔记未按要求提交")
        # the secretary's own entry is decided by the town committee's secretary
        (submitted - others).with_user(ref("party_member_points.demo_user_upper")).action_approve()

        # The secretary posts a volunteer activity for some members directly.
        vanguard = dict(Entry._read_group(
            [("member_id", "in", members.ids), ("state", "=", "posted"), ("year", "=", today.year),
             ("component_id", "=", rule["volunteer"].component_id.id)], ["member_id"], ["points:sum"]))
        volunteers = members.filtered(
            lambda m: vanguard.get(m, 0.0) <= rule["volunteer"].component_id.max_points - rule["volunteer"].points
        )[:6] - secretary.party_member_ids
        wizard = self.env["party.points.batch.wizard"].with_user(secretary).create({
            "organization_id": dongshan.id, "scheme_id": scheme.id, "rule_id": rule["volunteer"].id,
            "date": today - relativedelta(days=3), "description": "人居环境整治志愿服务",
            "member_ids": [fields.Command.set(volunteers.ids)], "evidence_note": "活动照片存支部档案",
        })
        wizard.action_record()
        # One of them was recorded by mistake: reversed with a reason.
        wrong = Entry.search([("rule_id", "=", rule["volunteer"].id), ("member_id", "=", volunteers[-1].id)],
                             limit=1)
        wrong.with_user(secretary)._reverse("当天未参加活动，误记")

        # A member claims points with evidence; it waits for the secretary's approval.
        own = member_user.party_member_ids[:1]
        if own:
            attachment = self.env["ir.attachment"].create({
                "name": "志愿服务证明.txt", "datas": base64.b64encode("社区志愿服务证明".encode()),
                "res_model": "party.points.entry"})
            claim = Entry.with_user(member_user).create({
                "member_id": own.id, "rule_id": rule["volunteer"].id, "date": today - relativedelta(days=5),
                "name": "参加敬老院志愿服务", "evidence_note": "敬老院出具证明",
                "attachment_ids": [fields.Command.set(attachment.ids)]})
            claim.with_user(member_user).action_submit()
            Entry.with_user(member_user).create({
                "member_id": own.id, "rule_id": rule["thought_report"].id, "date": today,
                "name": "第四季度思想汇报"})
            # ...and appeals against the published points of the previous quarter.
            published = previous.filtered(lambda p: p.organization_id == own.organization_id
                                          and p.state == "published")
            if published:
                self.env["party.points.appeal"].with_user(member_user).create({
                    "period_id": published.id, "member_id": own.id,
                    "reason": "第三季度参加了两次主题党日，但只记了一次出勤分。"})

        # This year's provisional results (ranking and honour roll so far).
        self.env["party.points.result"]._compute_year(today.year)
        return True

    @api.model
    def _load_points_history(self, rng, today, secretary, leader):
        """A ledger as a branch would have kept it: last year's organizational life and dues before the
        register's meetings and dues begin (an archive), and the recorded items of both years (study, reports,
        volunteering, speeches, suggestions, commendations, reminder talks)."""
        Member = self.env["party.member"]
        members = Member.search(Member._points_earning_domain())
        register_start = fields.Date.start_of(today, "month") - relativedelta(months=12)
        last_year = today.year - 1
        items = []

        def add(member, code, day, points=None, description=None, automatic=False):
            if member.join_date and day < member.join_date:
                return
            items.append({"member": member, "rule_code": code, "date": day, "points": points,
                          "description": description, "automatic": automatic,
                          "proposer": secretary if automatic else leader, "approver": secretary})

        month = fields.Date.to_date(f"{last_year}-01-01")
        while month < register_start:
            for member in members:
                roll = rng.random()
                if roll < 0.9:
                    add(member, "attendance", month + relativedelta(days=9), description="主题党日（档案补录）",
                        automatic=True)
                elif roll < 0.93:
                    add(member, "absence_unexcused", month + relativedelta(days=9),
                        description="主题党日（档案补录）", automatic=True)
                add(member, "dues_on_time" if rng.random() < 0.95 else "dues_late", month + relativedelta(days=5),
                    description=f"党费 {month.strftime('%Y-%m')}（档案补录）", automatic=True)
            month += relativedelta(months=1)
        for year, last_day in ((last_year, fields.Date.to_date(f"{last_year}-12-20")),
                               (today.year, today - relativedelta(days=10))):
            first_day = fields.Date.to_date(f"{year}-01-10")
            span = max((last_day - first_day).days, 1)
            for member in members:
                add(member, "study_notes", last_day, points=float(rng.randint(6, 12) if year < today.year
                                                                    else rng.randint(4, 9)),
                    description="年度学习笔记评定")
                for _i in range(rng.randint(1, 4)):
                    add(member, "thought_report", first_day + relativedelta(days=rng.randint(0, span)),
                        description="思想汇报")
                for _i in range(rng.randint(0, 4)):
                    add(member, "volunteer", first_day + relativedelta(days=rng.randint(0, span)),
                        description=rng.choice(["人居环境整治志愿服务", "结对帮扶困难户", "防汛值守", "捐款捐物"]))
                if rng.random() < 0.35:
                    add(member, "speech_contest", first_day + relativedelta(days=rng.randint(0, span)),
                        description="“学党史”演讲比赛")
                if rng.random() < 0.25:
                    add(member, "suggestion_adopted", first_day + relativedelta(days=rng.randint(0, span)),
                        description="村级道路维护建议被采纳")
                if rng.random() < 0.08:
                    add(member, "commendation_city", first_day + relativedelta(days=rng.randint(0, span)),
                        description="市级优秀志愿者")
                if rng.random() < 0.05:
                    add(member, "reminder_talk", first_day + relativedelta(days=rng.randint(0, span)),
                        description="无故不参加集中学习，提醒谈话")
        self.env["party.points.entry"]._post_automatic_multi(items)
        return True
