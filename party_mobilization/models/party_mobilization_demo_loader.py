from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

NON_MEMBER_NAMES = [
    "赵大山", "钱桂芝", "孙有田", "李春花", "周福贵", "吴秀兰", "郑长林", "王凤霞", "冯德胜", "陈玉珍",
    "褚金宝", "卫小梅", "蒋铁柱", "沈巧云", "韩满仓", "杨翠兰", "朱大海", "秦素英", "尤宝林", "许彩霞",
]


class PartyMobilizationDemoLoader(models.AbstractModel):
    """Demo data of ordered mobilization: the village of 东山村 and two projects. Deterministic."""

    _name = "party.mobilization.demo.loader"
    _description = "Party Mobilization Demo Data Loader"

    @api.model
    def _load_mobilization_demo(self):
        # chatter messages are written in the language of the demo users when it is installed; the module's
        # terms (selection labels) are loaded first, as Odoo only loads them after the demo data
        if not self.env["res.lang"]._lang_get("zh_CN"):
            return self._build_mobilization_demo()
        self.env["ir.module.module"]._load_module_terms(["party_mobilization"], ["zh_CN"])
        return self.with_context(lang="zh_CN")._build_mobilization_demo()

    @api.model
    def _build_mobilization_demo(self):
        ref = self.env.ref
        village = ref("party_member_points.demo_org_dongshan")
        today = fields.Date.context_today(self)
        members = self.env["party.member"].search([("organization_id", "=", village.id)], order="id")
        roles = {
            1: {"is_village_director": True},
            2: {"branch_committee_role": True, "is_representative": True},
            4: {"branch_committee_role": True},
            5: {"is_village_committee": True},
            6: {"is_representative": True},
            7: {"is_representative": True},
            len(members) - 3: {"is_representative": True},
        }
        vals_list = []
        for index, member in enumerate(members):
            vals = {"name": member.name, "member_id": member.id, "organization_id": village.id,
                    "phone": member.phone, "address": member.address}
            vals.update(roles.get(index, {}))
            vals_list.append(vals)
        for index, name in enumerate(NON_MEMBER_NAMES):
            vals = {"name": name, "organization_id": village.id, "phone": f"137{index + 1:08d}",
                    "address": f"东山村{index + 3}组{index * 3 + 7}号"}
            if index == 0:
                vals["is_village_committee"] = True
            elif index in (1, 2, 3, 4, 5):
                vals["is_representative"] = True
            elif index == 6:
                vals.update({"residence": "outside_resident", "outside_unit": "青山镇中心小学",
                             "outside_party_member": True})
            elif index == 7:
                vals.update({"residence": "outside_resident", "outside_unit": "青山镇卫生院"})
            vals_list.append(vals)
        people = self.env["party.mobilization.person"].create(vals_list)

        Project = self.env["party.mobilization.project"]
        flood = Project.create({
            "name": "东山村汛期防汛抢险",
            "organization_id": village.id,
            "kind": "flood",
            "date_start": today - relativedelta(days=20),
            "date_deadline": today + relativedelta(days=40),
            "joint_meeting_date": today - relativedelta(days=35),
            "description": "<p>加固东山河堤坝1.2公里，清理排水沟渠，组织巡堤值守。</p>",
            "rewards": "表现突出的党员、干部予以通报表扬，并在年终考核中予以表彰，党员积分加分。",
            "penalties": "消极执行、抵触动员的党员启动“欠合格”党员书面转化程序；村干部、村民代表年终考核降档。",
            "stage_review_plan": "每批次完成后在村务公开栏公示进度，每周召开一次“三委”碰头会。",
        })
        flood._build_roster()
        flood.action_submit()
        flood.action_approve()
        flood.action_collect_opinions()
        Opinion = self.env["party.mobilization.opinion"]
        suggestion = Opinion.create({
            "project_id": flood.id, "name": "增加夜间巡堤人员", "opinion_type": "opinion",
            "person_id": people[3].id, "content": "建议汛期夜间每段堤坝安排两名党员值守。",
        })
        suggestion.adopted = True
        suggestion.action_note()
        dissent = Opinion.create({
            "project_id": flood.id, "name": "占用耕地堆放沙袋的补偿", "opinion_type": "dissent",
            "person_id": people[8].id, "content": "同意执行，但希望镇里明确堆放沙袋占用耕地的补偿标准。",
        })
        dissent.action_raise()
        dissent.answer = "经镇农业办核实，临时占用耕地按每亩每月200元补偿，由镇财政列支。"
        dissent.action_answer()
        flood.opinion_summary = "征求全体党员意见，采纳增加夜间巡堤人员的建议。"
        flood.action_start_vote()
        representatives = people.filtered("is_representative")
        vote = self.env["party.mobilization.vote"].create({
            "project_id": flood.id, "meeting_type": "representatives", "date": today - relativedelta(days=22),
            "ballot": "secret", "attendee_ids": [fields.Command.set(representatives.ids)],
            "votes_for": len(representatives) - 1, "votes_against": 0, "votes_abstain": 1,
            "minutes": "村民代表会议讨论了防汛方案，无记名投票表决通过。",
        })
        vote.action_confirm()
        flood.action_publish()
        flood.action_start_execution()
        batches = flood.batch_ids.sorted("sequence")
        for batch in batches[:3]:
            if batch.state == "pending":
                batch._open(today)
            batch.participant_ids.filtered(lambda p: p.state in ("pending", "notified")).action_done()
        current = batches[3:4]
        if current and current.state == "pending":
            current._open(today)
        if current:
            half = current.participant_ids[: len(current.participant_ids) // 2]
            half.action_done()
            (current.participant_ids - half).action_notify()
        flood.participant_ids.filtered(lambda p: p.identity_rank == 2)[:1].write({
            "exemplary": True, "exemplary_note": "连续三昼夜带队巡堤，及时排除管涌险情。"})

        resettlement = Project.create({
            "name": "东山村回迁安置房分配",
            "organization_id": village.id,
            "kind": "resettlement",
            "date_start": today + relativedelta(days=30),
            "date_deadline": today + relativedelta(days=90),
            "joint_meeting_date": today - relativedelta(days=2),
            "description": "<p>东山村旧村改造回迁安置房选房，由普通群众优先选房。</p>",
            "rewards": "按时选房签约的农户给予搬家补助。",
            "penalties": "党员、干部不得优先选房，违反者按有关规定处理。",
            "stage_review_plan": "每批选房结束后公示选房结果。",
        })
        resettlement._build_roster()
        return True
