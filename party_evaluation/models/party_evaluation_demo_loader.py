from dateutil.relativedelta import relativedelta

from odoo import api, fields, models


class PartyEvaluationDemoLoader(models.AbstractModel):
    """Demo data: a campaign of the demo branch 东山村党支部 in preparation, members loaded, plan approved."""

    _name = "party.evaluation.demo.loader"
    _description = "Democratic Evaluation Demo Data Loader"

    @api.model
    def _load_evaluation_demo(self):
        branch = self.env.ref("party_member_points.demo_org_dongshan", raise_if_not_found=False)
        if not branch:
            return False
        today = fields.Date.context_today(self)
        campaign = self.env["party.evaluation.campaign"].create({
            "name": f"{today.year}年度民主评议党员 – {branch.name}",
            "organization_id": branch.id,
            "year": today.year,
            "meeting_date": today + relativedelta(days=20),
            "meeting_location": "东山村党员活动室",
            "plan": "<p>结合年度组织生活会开展民主评议党员：学习教育、征求意见、谈心谈话、党性分析、"
                    "民主测评、组织评定、结果公示。</p>",
            "scrutineers": "张志强、刘晓燕",
        })
        self.env["ir.model.data"]._update_xmlids([{
            "xml_id": "party_evaluation.demo_campaign_dongshan", "record": campaign, "noupdate": True}])
        campaign.action_load_members()
        campaign.action_submit()
        # the upper committee approves; the demo loader runs as the superuser, an administrator of the suite
        campaign.action_confirm_all_exclusions()
        campaign.action_approve_plan()
        campaign.action_start_preparation()
        attending = campaign.participant_ids.filtered(lambda p: p.exclusion_state != "confirmed")
        for index, participant in enumerate(attending):
            vals = {"notified": True}
            if index % 3 != 2:
                vals.update(talk_done=True, talk_date=today, talk_by_id=branch._get_responsible_user().id)
            if participant.evaluated and participant.self_eval_state == "pending" and index % 2 == 0:
                vals["self_eval_state"] = "submitted"
                vals["self_evaluation"] = "对照党员标准查摆问题：学习不够深入，带头作用发挥不够充分。"
            participant.write(vals)
        campaign.write({"notice_date": today})
        campaign.issue_ids = [
            fields.Command.create({"name": "党员学习教育形式单一", "measure": "每季度开展一次专题学习交流",
                                   "deadline": today + relativedelta(months=3),
                                   "owner_id": branch._get_responsible_user().id}),
            fields.Command.create({"name": "流动党员联系不够经常", "measure": "建立流动党员微信群，每月联系一次",
                                   "deadline": today + relativedelta(months=2)}),
        ]
        return campaign
