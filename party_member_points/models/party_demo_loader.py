import random

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = ["建华", "秀英", "国强", "桂兰", "志明", "海燕", "卫东", "丽娟", "春生", "玉梅", "德福", "晓东", "文静", "宏伟",
         "金凤", "永刚", "淑珍", "立新", "小红", "振华", "明亮", "翠花", "光荣", "雪梅", "大勇", "红霞", "保国", "凤英",
         "长青", "美玲", "学军", "素芳", "宝山", "秋菊", "家兴", "月娥"]


class PartyDemoLoader(models.AbstractModel):
    """Builds the register's demo data: members across every stage and flag, a year of dues and meetings.

    Run from ``demo/party_demo.xml``; deterministic (fixed random seed) so that tests can rely on it.
    """

    _name = "party.demo.loader"
    _description = "Party Demo Data Loader"

    @api.model
    def _load_register_demo(self):
        rng = random.Random(20261122)
        ref = self.env.ref
        today = fields.Date.context_today(self)
        branches = [
            (ref("party_member_points.demo_org_dongshan"), 20),
            (ref("party_member_points.demo_org_xishan"), 14),
            (ref("party_member_points.demo_org_nanhe"), 12),
            (ref("party_member_points.demo_org_company"), 12),
        ]
        groups = [ref("party_member_points.demo_org_dongshan_g1"), ref("party_member_points.demo_org_dongshan_g2")]
        vals_list = []
        counter = 0
        for branch, size in branches:
            for index in range(size):
                counter += 1
                name = SURNAMES[counter % len(SURNAMES)] + GIVEN[(counter * 7) % len(GIVEN)]
                birth = today - relativedelta(years=rng.randint(24, 82), days=rng.randint(0, 364))
                stage = "full"
                if index == size - 1:
                    stage = "applicant"
                elif index == size - 2:
                    stage = "activist"
                elif index == size - 3 and size > 12:
                    stage = "candidate"
                elif index in (size - 4, size - 5):
                    stage = "probationary"
                join = today - relativedelta(years=rng.randint(2, 40), months=rng.randint(0, 11))
                if stage == "probationary":
                    join = today - relativedelta(months=rng.randint(2, 10))
                vals = {
                    "name": name,
                    "organization_id": branch.id,
                    "gender": "female" if counter % 3 == 0 else "male",
                    "birth_date": birth,
                    "education": rng.choice(["junior", "senior", "vocational", "college", "bachelor", "master"]),
                    "phone": f"139{counter:08d}",
                    "address": f"{branch.name.replace('党支部', '')}{rng.randint(1, 99)}号",
                    "native_place": rng.choice(["浙江杭州", "江苏南京", "安徽合肥", "山东济南", "湖南长沙"]),
                    "work_unit": "青山农业科技有限公司" if branch.sector == "non_public" else "务农",
                    "employment": "retired" if (today - birth).days > 65 * 365 else "in_service",
                    "stage": "applicant",
                    "application_date": join - relativedelta(years=2),
                }
                if stage != "applicant":
                    vals["activist_date"] = join - relativedelta(years=1, months=6)
                if stage in ("candidate", "probationary", "full"):
                    vals["candidate_date"] = join - relativedelta(months=8)
                if stage in ("probationary", "full"):
                    vals["join_date"] = join
                if stage == "full":
                    vals["full_member_date"] = join + relativedelta(years=1)
                vals["stage"] = stage
                if branch == branches[0][0]:
                    vals["party_group_id"] = groups[index % 2].id
                vals_list.append(vals)
        # Flags spread over the register: several at once on some members.
        flag_plan = {
            1: {"is_village_cadre": True}, 2: {"is_village_cadre": True, "key_attention": True},
            3: {"is_mobile": True, "mobile_destination": "广东深圳", "mobile_card_number": "LD-2024-031",
                "mobile_since": today - relativedelta(months=9)},
            4: {"is_frail": True, "frail_exempt_approved": True}, 5: {"hardship": True},
            6: {"without_post": True}, 7: {"lives_elsewhere": True}, 8: {"abroad_long": True},
            21: {"is_village_cadre": True}, 22: {"is_mobile": True, "mobile_destination": "上海",
                                               "mobile_since": today - relativedelta(months=3)},
            23: {"is_frail": True}, 24: {"hardship": True, "without_post": True},
            35: {"is_village_cadre": True}, 36: {"serving_sentence": True}, 47: {"key_attention": True},
        }
        for index, flags in flag_plan.items():
            vals_list[index].update(flags)
        # stage is written by create directly: transitions are only checked on write
        members = self.env["party.member"].create(vals_list)
        members[0].user_id = ref("party_member_points.demo_user_secretary")
        members[9].user_id = ref("party_member_points.demo_user_leader")
        members[10].user_id = ref("party_member_points.demo_user_member")
        members[20].user_id = ref("party_member_points.demo_user_upper")
        self.env["party.member.sanction"].create({
            "member_id": members[12].id, "sanction_type": "party_warning",
            "date_start": today - relativedelta(years=1, months=2), "date_end": today + relativedelta(months=2),
            "decided_by": "青山镇纪委", "reason": "违反工作纪律",
        })
        members[30]._set_status("deceased", today - relativedelta(months=4), "因病去世")
        members[33]._set_status("transferred_out", today - relativedelta(months=2), "随子女迁居外省")
        party_members = members.filtered(lambda m: m.stage in ("probationary", "full") and m.status == "normal")
        # Two members who stopped taking part: the six-month check flags them.
        dropouts = party_members.filtered(lambda m: m.organization_id == branches[1][0])[-3:-1]
        self._load_dues_and_meetings(rng, party_members, dropouts, today)
        party_members._update_veto_flags(today)
        if self.env["res.lang"]._lang_get("zh_CN"):
            demo_users = (ref("party_member_points.demo_user_upper") | ref("party_member_points.demo_user_secretary")
                          | ref("party_member_points.demo_user_leader") | ref("party_member_points.demo_user_member")
                          | ref("party_member_points.demo_user_hr"))
            demo_users.write({"lang": "zh_CN"})
        return True

    @api.model
    def _load_dues_and_meetings(self, rng, members, dropouts, today):
        """Twelve months of dues and a themed party day a month per branch, quarterly lectures."""
        first_month = fields.Date.start_of(today, "month") - relativedelta(months=12)
        dues_vals = []
        for member in members:
            amount = 2.0 if member.employment == "retired" else rng.choice([2.0, 5.0, 10.0, 20.0])
            for shift in range(12):
                month = first_month + relativedelta(months=shift)
                if member.join_date and month < fields.Date.start_of(member.join_date, "month"):
                    continue
                missed = member in dropouts and shift >= 5
                late = not missed and rng.random() < 0.06
                dues_vals.append({
                    "member_id": member.id, "month": month, "amount_due": amount,
                    "amount_paid": 0.0 if missed else amount,
                    "paid_date": False if missed else min(today, month + relativedelta(months=1, days=4) if late
                                                           else month + relativedelta(days=rng.randint(0, 20))),
                })
        self.env["party.dues"].create(dues_vals)

        Meeting = self.env["party.meeting"]
        meeting_vals = []
        branches = members.organization_id
        for shift in range(12):
            month = first_month + relativedelta(months=shift)
            for branch in branches:
                branch_members = members.filtered(
                    lambda m, b=branch, mo=month: m.organization_id == b and (not m.join_date or m.join_date <= mo))
                kinds = [("themed_day", "主题党日：学习党章党规")]
                if shift % 3 == 2:
                    kinds.append(("party_lecture", "党课：传承红色基因"))
                for day, (kind, topic) in enumerate(kinds):
                    lines = []
                    for member in branch_members:
                        if member in dropouts and shift >= 5:
                            status = "absent"
                        else:
                            roll = rng.random()
                            status = "present" if roll < 0.85 else ("leave" if roll < 0.95 else "absent")
                        line = {"member_id": member.id, "status": status}
                        if status == "leave":
                            line["leave_type"] = rng.choice(["work", "personal", "sick"])
                            line["leave_reason"] = "外出务工" if line["leave_type"] == "work" else "家中有事"
                        lines.append(Command.create(line))
                    meeting_vals.append({
                        "name": topic, "meeting_type": kind, "organization_id": branch.id,
                        "date": fields.Datetime.to_datetime(month + relativedelta(days=9 + 5 * day, hours=1)),
                        "location": "党员活动室", "attendance_ids": lines,
                    })
        meetings = Meeting.create(meeting_vals)
        meetings.filtered(lambda m: m.date.date() < today).action_done()
