"""Benchmark of the member register at scale. Prints its figures; asserts nothing.

    python3 tests/perf/bench_register.py --db DB [--members 10000] [--months 12]

DB must be a throwaway database with party_member_points installed (e.g. one kept by
`KEEP_DB=1 bash setup/test.sh`). Everything the benchmark creates is rolled back at the end.
Figures: time to batch-create members, dues and meeting attendance; time and query count of the
daily six-month check; time of the member list's first page as an officer sees it.
"""
import argparse
import os
import resource
import sys
import time
from datetime import date

from dateutil.relativedelta import relativedelta


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--members", type=int, default=10000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--addons-path", default=os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__)))))
    args = parser.parse_args()

    import odoo
    from odoo import Command, api
    from odoo.modules.registry import Registry
    from odoo.tools import config

    config.parse_config(["-d", args.db, "--log-level=warn"])
    config["addons_path"] = ",".join([args.addons_path] + config["addons_path"].split(","))
    registry = Registry(args.db)
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True, "mail_create_nolog": True,
                                                      "mail_notrack": True})
        Org = env["party.organization"]
        town = Org.create({"name": "Bench Town", "kind": "committee"})
        branches = Org.create([{"name": f"Bench Branch {i}", "kind": "branch", "parent_id": town.id}
                               for i in range(max(1, args.members // 50))])
        figures = []

        def timed(label, func):
            start = time.perf_counter()
            queries_before = cr.sql_log_count
            result = func()
            figures.append((label, time.perf_counter() - start, cr.sql_log_count - queries_before))
            return result

        members = timed(f"create {args.members} members", lambda: env["party.member"].create([
            {"name": f"Member {i}", "organization_id": branches[i % len(branches)].id, "stage": "full",
             "join_date": "2000-01-01", "full_member_date": "2001-01-01"} for i in range(args.members)]))
        today = date.today()
        first = today.replace(day=1) - relativedelta(months=args.months)
        timed(f"create {args.members * args.months} dues lines", lambda: env["party.dues"].create([
            {"member_id": m.id, "month": first + relativedelta(months=k), "amount_due": 5.0,
             "amount_paid": 0.0 if m.id % 97 == 0 else 5.0,
             "paid_date": False if m.id % 97 == 0 else first + relativedelta(months=k, days=3)}
            for m in members for k in range(args.months)]))

        def meetings():
            by_branch = {}
            for member in members:
                by_branch.setdefault(member.organization_id.id, []).append(member.id)
            vals = []
            for branch_id, member_ids in by_branch.items():
                for k in range(args.months):
                    vals.append({"name": "Themed day", "meeting_type": "themed_day", "organization_id": branch_id,
                                 "date": first + relativedelta(months=k, days=9), "state": "done",
                                 "attendance_ids": [Command.create({"member_id": mid, "status": "absent"
                                                                    if mid % 89 == 0 else "present"})
                                                    for mid in member_ids]})
            return env["party.meeting"].create(vals)

        timed("create meetings with attendance", meetings)
        env.flush_all()
        flagged = timed("six-month check (cron)", lambda: env["party.member"]._cron_check_six_months())
        del flagged
        officer_fields = ["name", "organization_id", "party_group_id", "stage", "status", "age", "join_date",
                          "veto_candidate"]
        env.invalidate_all()
        timed("member list first page (80 rows)", lambda: env["party.member"].search_read(
            [("organization_id", "child_of", town.id)], officer_fields, limit=80))
        env.invalidate_all()
        timed("member count per branch (read_group)", lambda: env["party.member"]._read_group(
            [("organization_id", "child_of", town.id)], ["organization_id"], ["__count"]))
        flagged_count = env["party.member"].search_count([("veto_candidate", "=", True),
                                                          ("organization_id", "child_of", town.id)])
        cr.rollback()

    print(f"members={args.members} months={args.months} flagged={flagged_count}")
    for label, seconds, queries in figures:
        print(f"{label:45s} {seconds:8.2f} s {queries:8d} queries")
    print(f"peak memory (RSS) {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
