"""County-scale benchmark of the party suite. Prints figures; asserts nothing (not part of the test suite).

    python3 tests/perf/bench_county.py [--db NAME] [--keep] [--reuse] [--scale 0.1] [--only 1,2,3]
    python3 tests/perf/bench_county.py --growth      # growth table and plot of the scales measured so far

Creates a throwaway database, installs the three addons without demo data, generates a county with SQL
(at full scale: 50,000 members in 1,000 branches, 2,000,000 posted points entries over the year, a 1,000-member
evaluation campaign with 1,000 ballots, a 10,000-person village registered for ordered mobilization), then
times each operation through the ORM and counts its SQL queries:

  1. bulk recording of 100,000 entries through ``party.points.entry._post_automatic_multi`` (caps enforced);
  2. the results of every member (``party.points.result._compute_year``): at year-end (provisional results made
     final), computed for the first time, and recomputed; against one hand-written SQL statement computing the
     same totals, ranks, grades and stars (the baseline), and their ratio;
  3. the calls of the web client opening the member list and the points ledger (list and pivot) as a branch
     officer and as the county committee (record rules on);
  4. the tally of the evaluation campaign; 5. building and ordering the mobilization roster.

Scale 10 is a province (500,000 members in 10,000 branches, 20,000,000 entries); the evaluation campaign and the
village keep the county's size above scale 1 (a branch's campaign, a village's roster: a province has more of
them, not bigger ones).

The figures of each run are saved in ``tests/perf/results/county_scale_<scale>.json``; with two scales or more the
growth table (time of the main operations at each scale, with the fitted exponent of time against size) is printed
and drawn into ``docs/scale_growth.png`` (matplotlib: ``pip install -r tests/perf/requirements.txt``, benchmark
only).

Every operation runs in its own transaction, rolled back afterwards, so the generated database stays as it was.
The database is dropped at the end unless ``--keep`` (keep a database it created) or ``--reuse`` (use an existing
database, generating the data only when it is not there yet, and never drop it) is given.
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import time
from datetime import date

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ADDONS = ["party_member_points", "party_evaluation", "party_mobilization"]
MARKER = "party_bench.county"

# Full-scale sizes (multiplied by --scale)
MEMBERS = 50_000
BRANCHES = 1_000
TOWNS = 20
ENTRIES = 2_000_000
BULK = 100_000
LEDGER_CHUNK = 1_000_000  # entries generated per statement
CAMPAIGN_MEMBERS = 1_000
BALLOTS = 1_000
VILLAGERS = 10_000

YEAR_RATIO = 1.5  # the year-end paths against the SQL baseline measured in the same run
TARGETS = {
    "bulk": "≥ 20,000 entries/s",
    "year": "≤ 1.5 × SQL baseline",
    "web": "< 0.5 s, queries independent of size",
    "tally": "< 2 s",
    "roster": "< 3 s",
}

# Rules of the default scheme used by the generated ledger, with their weight (out of 100).
LEDGER_RULES = [
    ("attendance", 40), ("dues_on_time", 25), ("absence_unexcused", 3), ("leave_work", 4), ("leave_personal", 3),
    ("study_notes", 5), ("thought_report", 6), ("volunteer", 6), ("suggestion_adopted", 3), ("dues_late", 2),
    ("commendation_unit", 2), ("reminder_talk", 1),
]
# Rules of the bulk recording (two entries per member): a meeting attended and a month of dues paid.
BULK_RULES = ["attendance", "dues_on_time"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="party_bench_county", help="database name (default: party_bench_county)")
    parser.add_argument("--keep", action="store_true", help="do not drop the database at the end")
    parser.add_argument("--reuse", action="store_true",
                        help="use the database if it exists (generate only what is missing); never drop it")
    parser.add_argument("--scale", type=float, default=1.0, help="size factor, e.g. 0.1 for a quick run")
    parser.add_argument("--only", default="1,2,3,4,5", help="operations to run, e.g. 2,3")
    parser.add_argument("--bulk", type=int, default=None, help="entries of operation 1 (default 100,000 × scale)")
    parser.add_argument("--year", type=int, default=date.today().year, help="year of the ledger (default: this year)")
    parser.add_argument("--results", default=os.path.join(ROOT, "tests", "perf", "results"),
                        help="directory of the figures of each scale (county_scale_<scale>.json), from which the "
                             "growth table and its plot are made (default: tests/perf/results)")
    parser.add_argument("--plot", default=os.path.join(ROOT, "docs", "scale_growth.png"),
                        help="PNG plot of the growth table (default: docs/scale_growth.png; needs matplotlib)")
    parser.add_argument("--growth", action="store_true",
                        help="only print the growth table and write its plot from the figures in --results")
    parser.add_argument("--jit", action="store_true",
                        help="keep PostgreSQL's JIT compilation as configured (by default the benchmark's sessions run "
                             "with jit = off, the setting recommended for Odoo in the README)")
    return parser.parse_args()


def scaled(value, scale, minimum=1):
    return max(int(round(value * scale)), minimum)


# --------------------------------------------------------------------------------------------------- database
def database_exists(name):
    import psycopg2

    from odoo.sql_db import connection_info_for

    _db, info = connection_info_for("postgres")
    with psycopg2.connect(**info) as conn, conn.cursor() as cr:
        cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return bool(cr.fetchone())


def install(db, addons_path):
    print(f"[bench] installing {', '.join(ADDONS)} without demo data into {db} ...", flush=True)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "odoo", "-d", db, f"--addons-path={addons_path}", "-i", ",".join(ADDONS),
                    "--without-demo=all", "--stop-after-init", "--log-level=warn", "--max-cron-threads=0"],
                   check=True, stdin=subprocess.DEVNULL)
    print(f"[bench] installed in {time.perf_counter() - started:.0f} s", flush=True)


def drop(db):
    import odoo.service.db
    from odoo.modules.registry import Registry

    Registry.delete(db)
    odoo.service.db.exp_drop(db)
    print(f"[bench] dropped database {db}")


# --------------------------------------------------------------------------------------------------- generation
class Generator:
    """Builds the county with SQL (bulk rows) and the ORM (users, campaign, project)."""

    def __init__(self, env, scale, year):
        self.env = env
        self.cr = env.cr
        self.scale = scale
        # a campaign is held by one branch and a roster built for one village: a province has more of them, not
        # bigger ones, so above the county (scale 1) they keep the county's size (the biggest branch of 1,000
        # members, a village of 10,000 people) in a database that grows around them
        self.local_scale = min(scale, 1.0)
        self.year = year
        self.info = {"scale": scale, "year": year}

    def log(self, message):
        print(f"[bench] {message}", flush=True)

    def run(self):
        started = time.perf_counter()
        # index builds after the bulk inserts (a province's ledger has 20 million rows): the benchmark's session only
        self.execute("SET maintenance_work_mem = '512MB'")
        self.execute("SET work_mem = '256MB'")
        self.organizations()
        self.members()
        self.ledger()
        self.campaign()
        self.village()
        self.env["ir.config_parameter"].sudo().set_param(MARKER, json.dumps(self.info))
        self.info["generation_seconds"] = round(time.perf_counter() - started)
        self.log(f"county generated in {time.perf_counter() - started:.0f} s")
        return self.info

    def execute(self, query, params=None):
        self.cr.execute(query, params or [])

    def _without_indexes(self, table, func):
        """Run ``func`` (a bulk insert) with the table's secondary indexes dropped, then rebuild them."""
        self.execute("""SELECT indexname, indexdef FROM pg_indexes i
                         WHERE tablename = %s AND NOT EXISTS (
                               SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)""", [table])
        indexes = self.cr.fetchall()
        for name, _definition in indexes:
            self.execute(f'DROP INDEX "{name}"')
        func()
        for _name, definition in indexes:
            self.execute(definition)

    def organizations(self):
        env = self.env
        ref = env.ref
        company = env.company
        groups_officer = [ref("base.group_user").id, ref("party_member_points.group_party_officer").id]
        groups_upper = [ref("base.group_user").id, ref("party_member_points.group_party_upper").id]
        Users = env["res.users"].with_context(no_reset_password=True)
        users = Users.create([
            {"name": "County Committee", "login": "bench_county", "password": "bench_county",
             "groups_id": [(6, 0, groups_upper)]},
            {"name": "Branch Secretary", "login": "bench_branch", "password": "bench_branch",
             "groups_id": [(6, 0, groups_officer)]},
        ])
        Org = env["party.organization"].with_context(tracking_disable=True)
        county = Org.create({"name": "Bench County Committee", "kind": "committee", "secretary_id": users[0].id})
        towns = Org.create([{"name": f"Town {t + 1:02d}", "kind": "committee", "parent_id": county.id}
                            for t in range(TOWNS)])
        env.flush_all()
        branches = scaled(BRANCHES, self.scale, 3)
        # branches and their two party groups, in SQL (parent_path and complete_name computed here)
        self.execute("""
            INSERT INTO party_organization (name, complete_name, kind, sector, parent_id, company_id, active,
                                            create_uid, write_uid, create_date, write_date)
            SELECT 'Branch ' || lpad(b::text, 4, '0'), t.complete_name || ' / Branch ' || lpad(b::text, 4, '0'),
                   'branch', 'rural', t.id, %(company)s, TRUE, 1, 1, now(), now()
              FROM generate_series(1, %(branches)s) b
              JOIN LATERAL (SELECT id, complete_name FROM party_organization
                             WHERE id = (%(towns)s)[1 + (b - 1) %% %(ntowns)s]) t ON TRUE
        """, {"company": company.id, "branches": branches, "towns": towns.ids, "ntowns": len(towns)})
        self.execute("""UPDATE party_organization o SET parent_path = p.parent_path || o.id || '/'
                          FROM party_organization p WHERE o.parent_id = p.id AND o.parent_path IS NULL""")
        self.execute("""
            INSERT INTO party_organization (name, complete_name, kind, sector, parent_id, company_id, active,
                                            create_uid, write_uid, create_date, write_date)
            SELECT 'Group ' || g, b.complete_name || ' / Group ' || g, 'group', 'rural', b.id, b.company_id, TRUE,
                   1, 1, now(), now()
              FROM party_organization b CROSS JOIN generate_series(1, 2) g
             WHERE b.kind = 'branch' AND b.parent_id = ANY(%s)
        """, [towns.ids])
        self.execute("""UPDATE party_organization o SET parent_path = p.parent_path || o.id || '/'
                          FROM party_organization p WHERE o.parent_id = p.id AND o.parent_path IS NULL""")
        self.execute("SELECT id FROM party_organization WHERE kind = 'branch' AND parent_id = ANY(%s) ORDER BY id",
                     [towns.ids])
        branch_ids = [row[0] for row in self.cr.fetchall()]
        env.invalidate_all()
        # branch 1: the big branch of the evaluation campaign; branch 2: the village; branch 3: the officer's
        big, village, officer_branch = Org.browse(branch_ids[:3])
        officer_branch.secretary_id = users[1]
        self.info.update(county=county.id, towns=towns.ids, branches=branch_ids, big_branch=big.id,
                         village_branch=village.id, officer_branch=officer_branch.id,
                         county_user=users[0].id, branch_user=users[1].id, company=company.id)
        self.log(f"{len(branch_ids)} branches in {len(towns)} towns")

    def members(self):
        info = self.info
        total = scaled(MEMBERS, self.scale, 100)
        big = scaled(CAMPAIGN_MEMBERS, self.local_scale, 10)
        others = info["branches"][1:]
        year = self.year

        def insert():
            # members 1..big in the big branch (all full members: they all vote in the campaign),
            # the others spread over the remaining branches; 5 % probationary, 2 % left the register
            self.execute("""
                WITH src AS (
                    SELECT n,
                           CASE WHEN n <= %(big)s THEN %(big_branch)s
                                ELSE (%(others)s)[1 + (n - %(big)s - 1) %% %(nothers)s] END AS org_id
                      FROM generate_series(1, %(total)s) n
                )
                INSERT INTO party_member (name, organization_id, party_group_id, company_id, sector, gender,
                                          ethnicity, birth_date, stage, join_date, full_member_date,
                                          probation_outcome, status, status_date, status_reason, employment,
                                          active, is_frail, frail_exempt_approved, serving_sentence, veto_candidate,
                                          months_without_life, months_unpaid_dues, create_uid, write_uid,
                                          create_date, write_date)
                SELECT 'Member ' || lpad(n::text, 6, '0'), src.org_id,
                       (SELECT g.id FROM party_organization g WHERE g.parent_id = src.org_id AND g.kind = 'group'
                         ORDER BY g.id LIMIT 1 OFFSET n %% 2),
                       %(company)s, 'rural', CASE WHEN n %% 3 = 0 THEN 'female' ELSE 'male' END, 'Han',
                       DATE '1950-01-01' + (n * 37 %% 18000),
                       CASE WHEN n > %(big)s AND n %% 20 = 0 THEN 'probationary' ELSE 'full' END,
                       CASE WHEN n > %(big)s AND n %% 20 = 0 THEN DATE %(year_start)s - 100
                            WHEN n %% 97 = 0 THEN DATE %(year_start)s + 30
                            ELSE DATE '1990-01-01' + (n * 13 %% 9000) END,
                       CASE WHEN n > %(big)s AND n %% 20 = 0 THEN NULL
                            WHEN n %% 97 = 0 THEN DATE %(year_start)s + 60
                            ELSE DATE '1991-01-01' + (n * 13 %% 9000) END,
                       CASE WHEN n > %(big)s AND n %% 20 = 0 THEN 'pending' ELSE 'confirmed' END,
                       CASE WHEN n > %(big)s AND n %% 50 = 7 THEN 'transferred_out' ELSE 'normal' END,
                       CASE WHEN n > %(big)s AND n %% 50 = 7 THEN DATE %(year_start)s ELSE NULL END,
                       CASE WHEN n > %(big)s AND n %% 50 = 7 THEN 'Moved away' ELSE NULL END,
                       CASE WHEN n %% 7 = 0 THEN 'retired' ELSE 'in_service' END,
                       TRUE, n %% 211 = 0, n %% 422 = 0, n %% 1999 = 0, n %% 101 = 0,
                       0, 0, 1, 1, now(), now()
                  FROM src
            """, {"big": big, "big_branch": info["big_branch"], "others": others, "nothers": len(others),
                  "total": total, "company": info["company"], "year_start": f"{year}-01-01"})

        self._without_indexes("party_member", insert)
        # one sanction running during the year for 1 member in 500
        self.execute("""
            INSERT INTO party_member_sanction (member_id, organization_id, company_id, sanction_type, date_start,
                                               date_end, reason, create_uid, write_uid, create_date, write_date)
            SELECT id, organization_id, company_id, 'party_warning', %s, %s, 'Late dues', 1, 1, now(), now()
              FROM party_member WHERE id %% 500 = 0
        """, [f"{year}-03-01", f"{year + 1}-02-28"])
        info["members"] = total
        self.log(f"{total} members")

    def ledger(self):
        info = self.info
        total = scaled(ENTRIES, self.scale, 1000)
        scheme = self.env.ref("party_member_points.scheme_p4")
        rules = {rule.code: rule for rule in scheme.rule_ids}
        picks = [rules[code].id for code, weight in LEDGER_RULES for _i in range(weight)]
        year = self.year
        days = (date(year, 12, 31) - date(year, 1, 1)).days + 1

        def insert():
            # in chunks of a million entries, without the ledger's triggers (the aggregates are rebuilt once below):
            # a statement inserting a province's 20 million rows at once keeps them all in its trigger's transition
            # table and sorts them in temporary files, tens of gigabytes
            self.execute("ALTER TABLE party_points_entry DISABLE TRIGGER USER")
            for first in range(1, total + 1, LEDGER_CHUNK):
                insert_chunk(first, min(first + LEDGER_CHUNK - 1, total))
            self.execute("ALTER TABLE party_points_entry ENABLE TRIGGER USER")

        def insert_chunk(first, last):
            self.execute("""
                WITH m AS MATERIALIZED (
                         SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM party_member
                          WHERE status = 'normal' AND stage IN ('probationary', 'full')),
                     src AS (SELECT n, (n - 1) %% (SELECT count(*) FROM m) AS k,
                                    (%(picks)s)[(1 + (n * 7919) %% %(npicks)s)::int] AS rule_id,
                                    DATE %(year_start)s + ((n * 104729) %% %(days)s)::int AS day
                               FROM generate_series(%(first)s::bigint, %(last)s) n)
                INSERT INTO party_points_entry (name, member_id, organization_id, party_group_id, company_id,
                                                scheme_id, rule_id, component_id, category, date, year,
                                                requested_points, points, state, is_automatic, is_reversed,
                                                proposer_id, approver_id, approval_date, create_uid, write_uid,
                                                create_date, write_date)
                SELECT r.name->>'en_US', mem.id, mem.organization_id, mem.party_group_id, mem.company_id,
                       r.scheme_id, r.id, r.component_id, r.category, src.day, %(year)s, r.points, r.points,
                       'posted', r.recorder = 'system', FALSE, 2, 2, src.day + TIME '09:00', 2, 2,
                       src.day + TIME '09:00', src.day + TIME '09:00'
                  FROM src
                  JOIN m ON m.k = src.k
                  JOIN party_member mem ON mem.id = m.id
                  JOIN party_points_rule r ON r.id = src.rule_id
            """, {"picks": picks, "npicks": len(picks), "year_start": f"{year}-01-01", "days": days,
                  "first": first, "last": last, "year": year})

        started = time.perf_counter()
        self._without_indexes("party_points_entry", insert)
        # the stored aggregates of the ledger (party.points.total, party.points.summary) rebuilt from it, as the
        # module's update does
        self.env["party.points.total"].init()
        info["entries"] = total
        self.log(f"{total} posted entries in {time.perf_counter() - started:.0f} s")

    def campaign(self):
        info = self.info
        env = self.env
        big = env["party.organization"].browse(info["big_branch"])
        campaign = env["party.evaluation.campaign"].with_context(tracking_disable=True).create({
            "organization_id": big.id, "year": self.year, "meeting_date": f"{self.year}-12-01"})
        campaign.action_load_members()
        env.flush_all()
        participants = campaign.participant_ids
        ballots = scaled(BALLOTS, self.local_scale, 10)
        # meeting held, everyone present, voting open (the states are set directly: the benchmark times the tally)
        self.execute("UPDATE party_evaluation_participant SET attendance = 'present', exclusion_state = 'none' "
                     "WHERE campaign_id = %s", [campaign.id])
        self.execute("UPDATE party_evaluation_campaign SET state = 'voting', materials_approved = TRUE, "
                     "ballot_counter = %s WHERE id = %s", [ballots, campaign.id])
        self.execute("""
            INSERT INTO party_evaluation_ballot (campaign_id, organization_id, company_id, number, round, voter_type,
                                                 channel, spoiled)
            SELECT %(campaign)s, %(org)s, %(company)s, b, 1, 'member', 'paper', b %% 100 = 0
              FROM generate_series(1, %(ballots)s) b
        """, {"campaign": campaign.id, "org": big.id, "company": info["company"], "ballots": ballots})

        # grades: 20 % excellent, 68 % qualified, 7 % basic, 3 % unqualified, 2 % abstain; stored with each ballot
        # (the ballot lines are a view over them)
        self.execute("""
            UPDATE party_evaluation_ballot b
               SET grades = g.grades
              FROM (SELECT b.id,
                           jsonb_object_agg(p.id::text,
                                            CASE WHEN h < 20 THEN 'excellent' WHEN h < 88 THEN 'qualified'
                                                 WHEN h < 95 THEN 'basic' WHEN h < 98 THEN 'unqualified'
                                                 ELSE 'abstain' END) AS grades
                      FROM party_evaluation_ballot b
                      JOIN party_evaluation_participant p ON p.campaign_id = b.campaign_id AND p.evaluated
                     CROSS JOIN LATERAL (SELECT ((b.number * 31 + p.id * 17 + (p.id %% 13) * b.number) %% 100) AS h) x
                     WHERE b.campaign_id = %s AND NOT b.spoiled
                     GROUP BY b.id) g
             WHERE g.id = b.id
        """, [campaign.id])
        env.invalidate_all()
        info.update(campaign=campaign.id, participants=len(participants), ballots=ballots)
        self.execute("SELECT count(*) FROM party_evaluation_ballot_line WHERE campaign_id = %s", [campaign.id])
        info["ballot_lines"] = self.cr.fetchone()[0]
        self.log(f"campaign of {len(participants)} members, {ballots} ballots, {info['ballot_lines']} ballot lines")

    def village(self):
        info = self.info
        env = self.env
        total = scaled(VILLAGERS, self.local_scale, 100)
        village = env["party.organization"].browse(info["village_branch"])
        # the party members of the village branch are villagers too (identity 5), 1 in 50 villagers is a
        # representative (6), a few village committee members (4) and a director (2); everyone else is 7
        self.execute("""
            INSERT INTO party_mobilization_person (name, organization_id, company_id, member_id, residence, active,
                                                   is_party_member, is_branch_secretary, is_branch_committee,
                                                   is_cadre, is_village_director, is_village_committee,
                                                   is_representative, identity, identity_rank,
                                                   create_uid, write_uid, create_date, write_date)
            SELECT name, %(org)s, %(company)s, id, 'native', TRUE, TRUE, FALSE, FALSE, FALSE, FALSE, FALSE, FALSE,
                   '5', 5, 1, 1, now(), now()
              FROM party_member WHERE organization_id = %(org)s AND status = 'normal'
                                  AND stage IN ('probationary', 'full')
        """, {"org": village.id, "company": info["company"]})
        members = self.cr.rowcount
        self.execute("""
            INSERT INTO party_mobilization_person (name, organization_id, company_id, residence, active,
                                                   is_party_member, is_branch_secretary, is_branch_committee,
                                                   is_cadre, is_village_director, is_village_committee,
                                                   is_representative, identity, identity_rank,
                                                   create_uid, write_uid, create_date, write_date)
            SELECT 'Villager ' || lpad(n::text, 5, '0'), %(org)s, %(company)s, 'native', TRUE, FALSE, FALSE, FALSE,
                   n <= 6, n = 1, n BETWEEN 2 AND 6, n > 6 AND n %% 50 = 0,
                   (CASE WHEN n = 1 THEN 2 WHEN n <= 6 THEN 4 WHEN n %% 50 = 0 THEN 6 ELSE 7 END)::text,
                   CASE WHEN n = 1 THEN 2 WHEN n <= 6 THEN 4 WHEN n %% 50 = 0 THEN 6 ELSE 7 END,
                   1, 1, now(), now()
              FROM generate_series(1, %(count)s) n
        """, {"org": village.id, "company": info["company"], "count": total - members})
        project = env["party.mobilization.project"].with_context(tracking_disable=True).create({
            "name": "Flood control of the village", "organization_id": village.id, "kind": "flood",
            "date_start": f"{self.year}-06-01", "date_deadline": f"{self.year}-06-30"})
        info.update(project=project.id, villagers=total)
        self.log(f"village of {total} people ({members} party members)")


# --------------------------------------------------------------------------------------------------- SQL baseline
BASELINE_SQL = """
WITH scheme AS (
    SELECT * FROM party_points_scheme WHERE is_default AND active ORDER BY company_id NULLS FIRST, sequence LIMIT 1
), member AS (
    SELECT m.id, m.organization_id, m.company_id, m.stage, m.join_date, m.is_frail, m.frail_exempt_approved,
           m.veto_candidate, m.serving_sentence
      FROM party_member m
     WHERE m.status = 'normal' AND m.stage IN ('probationary', 'full') AND m.active
       AND NOT (COALESCE(m.is_frail, FALSE) AND COALESCE(m.frail_exempt_approved, FALSE))
), life AS (
    -- six months running without organizational life or dues, from the records of the year (not the register's
    -- flag): months with a meeting held, missed when the member attended none; dues months not settled by the end
    -- of their month (consecutive calendar months)
    SELECT a.member_id, date_trunc('month', mt.date) AS month, bool_and(a.status = 'absent') AS missed
      FROM party_meeting_attendance a
      JOIN party_meeting mt ON mt.id = a.meeting_id
     WHERE mt.state = 'done' AND mt.date >= make_date(%(year)s, 1, 1) AND mt.date <= make_date(%(year)s, 12, 31)
  GROUP BY 1, 2
), dues AS (
    SELECT member_id, month
      FROM party_dues
     WHERE month >= make_date(%(year)s, 1, 1) AND month <= make_date(%(year)s, 12, 31)
       AND COALESCE(amount_due, 0) > 0 AND NOT COALESCE(exempt, FALSE)
       AND (COALESCE(amount_paid, 0) < COALESCE(amount_due, 0) OR COALESCE(paid_date, month) >= month + 31)
), six_months AS (
    SELECT member_id FROM (
        SELECT member_id, missed, row_number() OVER (PARTITION BY member_id ORDER BY month)
                                  - row_number() OVER (PARTITION BY member_id, missed ORDER BY month) AS run
          FROM life) runs
     WHERE missed GROUP BY member_id, run HAVING count(*) >= 6
    UNION
    SELECT member_id FROM (
        SELECT member_id, extract(year FROM month) * 12 + extract(month FROM month)
                          - row_number() OVER (PARTITION BY member_id ORDER BY month) AS run
          FROM dues) runs
     GROUP BY member_id, run HAVING count(*) >= 6
), ledger AS (
    SELECT e.member_id, e.component_id,
           SUM(e.points) FILTER (WHERE e.date < make_date(%(year)s, 4, 1)) AS q1,
           SUM(e.points) FILTER (WHERE e.date >= make_date(%(year)s, 4, 1)
                                   AND e.date < make_date(%(year)s, 7, 1)) AS q2,
           SUM(e.points) FILTER (WHERE e.date >= make_date(%(year)s, 7, 1)
                                   AND e.date < make_date(%(year)s, 10, 1)) AS q3,
           SUM(e.points) FILTER (WHERE e.date >= make_date(%(year)s, 10, 1)) AS q4
      FROM party_points_entry e
     WHERE e.state = 'posted' AND e.year = %(year)s
  GROUP BY e.member_id, e.component_id
), component_points AS (
    SELECT m.id AS member_id, c.id AS component_id, c.is_core, c.max_points,
           CASE WHEN s.total_method = 'mean_quarters' THEN
                    (CASE WHEN s.floor_mode = 'component' THEN
                          GREATEST(c.start_points + COALESCE(l.q1, 0), 0)
                        + GREATEST(c.start_points + COALESCE(l.q2, 0), 0)
                        + GREATEST(c.start_points + COALESCE(l.q3, 0), 0)
                        + GREATEST(c.start_points + COALESCE(l.q4, 0), 0)
                     ELSE 4 * c.start_points + COALESCE(l.q1, 0) + COALESCE(l.q2, 0) + COALESCE(l.q3, 0)
                          + COALESCE(l.q4, 0) END) / 4.0
                ELSE (CASE WHEN s.floor_mode = 'component' THEN
                          GREATEST(c.start_points + COALESCE(l.q1, 0) + COALESCE(l.q2, 0) + COALESCE(l.q3, 0)
                                   + COALESCE(l.q4, 0), 0)
                      ELSE c.start_points + COALESCE(l.q1, 0) + COALESCE(l.q2, 0) + COALESCE(l.q3, 0)
                           + COALESCE(l.q4, 0) END) END AS points
      FROM member m
      CROSS JOIN scheme s
      JOIN (SELECT id, scheme_id, is_core, COALESCE(max_points, 0) AS max_points,
                   COALESCE(start_points, 0) AS start_points
              FROM party_points_component) c ON c.scheme_id = s.id
      LEFT JOIN ledger l ON l.member_id = m.id AND l.component_id = c.id
), totals AS (
    SELECT m.*, s.id AS scheme_id,
           CASE WHEN s.floor_mode = 'total' THEN GREATEST(SUM(cp.points), 0) ELSE SUM(cp.points) END AS earned,
           (COALESCE(s.core_bar_points, 0) = 0
            OR COALESCE(SUM(cp.points) FILTER (WHERE cp.is_core), 0) + 1e-9 >= s.core_bar_points)
           AND (COALESCE(s.core_bar_percent, 0) = 0
                OR bool_and(NOT cp.is_core OR COALESCE(cp.max_points, 0) = 0
                            OR 100.0 * cp.points / cp.max_points + 1e-9 >= s.core_bar_percent)) AS core_ok,
           COALESCE(CASE WHEN prev.total > 0 THEN round((prev.total * s.carry_over_percent / 100.0)::numeric, 2)
                    END, 0)::float AS carry,
           (s.veto_six_months AND m.id IN (SELECT member_id FROM six_months))
           OR (s.veto_sanction AND EXISTS (
                   SELECT 1 FROM party_member_sanction x
                    WHERE x.member_id = m.id AND x.date_start <= make_date(%(year)s, 12, 31)
                      AND (x.date_end IS NULL OR x.date_end >= make_date(%(year)s, 1, 1))))
           OR (s.veto_sentence AND m.serving_sentence) AS veto,
           m.stage = 'probationary' OR extract(year FROM m.join_date) >= %(year)s
           OR (m.is_frail AND m.frail_exempt_approved) AS not_graded
      FROM member m
      CROSS JOIN scheme s
      JOIN component_points cp ON cp.member_id = m.id
      LEFT JOIN party_points_result prev ON prev.member_id = m.id AND prev.year = %(year)s - 1
  GROUP BY m.id, m.organization_id, m.company_id, m.stage, m.join_date, m.is_frail, m.frail_exempt_approved,
           m.veto_candidate, m.serving_sentence, s.id, s.floor_mode, s.carry_over_percent, s.veto_six_months,
           s.veto_sanction, s.veto_sentence, s.core_bar_points, s.core_bar_percent, prev.total
), graded AS (
    SELECT t.*,
           CASE WHEN t.veto AND s.veto_outcome = 'void' THEN 0.0
                ELSE round((t.earned + t.carry)::numeric, 2)::float END AS total,
           CASE WHEN t.not_graded THEN NULL
                WHEN t.veto THEN 'unqualified'
                WHEN round((t.earned + t.carry)::numeric, 2) >= s.grade_excellent_min THEN 'excellent'
                WHEN round((t.earned + t.carry)::numeric, 2) >= s.grade_qualified_min THEN 'qualified'
                WHEN round((t.earned + t.carry)::numeric, 2) >= s.grade_basic_min THEN 'basic'
                ELSE 'unqualified' END AS grade
      FROM totals t CROSS JOIN scheme s
), ranked AS (
    SELECT g.*,
           RANK() OVER (PARTITION BY g.organization_id ORDER BY g.total DESC) AS rank_branch,
           COUNT(*) FILTER (WHERE NOT g.not_graded) OVER (PARTITION BY g.organization_id) AS participants
      FROM graded g
), quotas AS (
    SELECT r.*,
           CASE WHEN s.small_branch_size > 0 AND r.participants < s.small_branch_size AND r.participants > 0
                THEN GREATEST(floor(r.participants * s.star5_quota / 100.0 + 1e-9), 1)
                ELSE floor(r.participants * s.star5_quota / 100.0 + 1e-9) END AS q5,
           floor(r.participants * s.star4_quota / 100.0 + 1e-9) AS q4,
           floor(r.participants * s.star3_quota / 100.0 + 1e-9) AS q3,
           NOT r.not_graded AND NOT r.veto AND r.core_ok AND r.total >= s.star5_min AS e5
      FROM ranked r CROSS JOIN scheme s
), five AS (
    SELECT q.*, q.e5 AND ROW_NUMBER() OVER (PARTITION BY q.organization_id, q.e5 ORDER BY q.total DESC, q.id) <= q.q5
                AS got5
      FROM quotas q
), four AS (
    SELECT f.*, e4 AND ROW_NUMBER() OVER (PARTITION BY f.organization_id, e4 ORDER BY f.total DESC, f.id) <= f.q4
                AS got4
      FROM (SELECT f.*, NOT f.not_graded AND NOT f.veto AND NOT f.got5 AND f.core_ok AND f.total >= s.star4_min AS e4
              FROM five f CROSS JOIN scheme s) f
), three AS (
    SELECT f.*, e3 AND ROW_NUMBER() OVER (PARTITION BY f.organization_id, e3 ORDER BY f.total DESC, f.id) <= f.q3
                AS got3
      FROM (SELECT f.*, NOT f.not_graded AND NOT f.veto AND NOT f.got5 AND NOT f.got4 AND f.total >= s.star3_min AS e3
              FROM four f CROSS JOIN scheme s) f
), starred AS (
    SELECT t.*,
           CASE WHEN t.not_graded THEN 0
                WHEN t.veto THEN CASE WHEN s.veto_outcome = 'unqualified' THEN 0 ELSE 1 END
                WHEN t.got5 THEN 5 WHEN t.got4 THEN 4 WHEN t.got3 THEN 3
                WHEN t.total >= s.star2_min THEN 2 ELSE 1 END AS stars
      FROM three t CROSS JOIN scheme s
)
-- excellent only for four and five stars where the scheme says so
SELECT t.id, t.total, t.rank_branch,
       CASE WHEN s.excellent_needs_stars AND t.grade = 'excellent' AND t.stars < 4 THEN 'qualified'
            ELSE t.grade END AS grade,
       t.stars
  FROM starred t CROSS JOIN scheme s
"""


# --------------------------------------------------------------------------------------------------- operations
class Bench:
    def __init__(self, registry, info, args):
        self.registry = registry
        self.info = info
        self.args = args
        self.rows = []

    def record(self, operation, size, seconds, queries, target, met, note=""):
        self.rows.append((operation, size, seconds, queries, target, met, note))
        mark = {True: "yes", False: "NO", None: "-"}[met]
        print(f"  {operation:58s} {size:>22s} {seconds:8.3f} s {queries:7d} q  {mark:3s} {note}", flush=True)

    def cursor(self):
        cr = self.registry.cursor()
        if not self.args.jit:
            cr.execute("SET jit = off")
        return cr

    def env(self, cr, uid=2, **context):
        from odoo import api

        base = {"lang": "en_US", "tz": "Asia/Shanghai", "tracking_disable": False}
        base.update(context)
        return api.Environment(cr, uid, base)

    def measure(self, cr, func):
        """Seconds and queries of ``func()`` (flushing what it left pending)."""
        from odoo import api

        env = api.Environment(cr, 1, {})
        env.flush_all()
        start_count = cr.sql_log_count
        start = time.perf_counter()
        result = func()
        env.flush_all()
        seconds = time.perf_counter() - start
        return result, seconds, cr.sql_log_count - start_count

    # 1 -------------------------------------------------------------------------------- bulk recording
    def op_bulk(self):
        info = self.info
        year = info["year"]
        with self.cursor() as cr:
            env = self.env(cr)
            size = self.args.bulk or scaled(BULK, info["scale"], 100)
            members = env["party.member"].search([("status", "=", "normal"), ("stage", "in", ("probationary", "full"))],
                                                 order="id")
            items = []
            month = 11
            while len(items) < size:
                for member in members:
                    for code in BULK_RULES:
                        items.append({"member": member, "rule_code": code, "date": date(year, month + 1, 15)})
                        if len(items) >= size:
                            break
                    if len(items) >= size:
                        break
                month -= 1
            created, seconds, queries = self.measure(cr, lambda: env["party.points.entry"]._post_automatic_multi(items))
            rate = len(items) / seconds
            self.record("1. bulk recording (_post_automatic_multi)", f"{len(items):,} entries", seconds, queries,
                        TARGETS["bulk"], rate >= 20000,
                        f"{rate:,.0f} entries/s, {len(created):,} posted, "
                        f"{len(items) - len(created):,} refused by caps")
            cr.rollback()
        self.vacuum(["party_points_entry", "party_points_total", "party_points_summary"])

    # 2 -------------------------------------------------------------------------------- year-end results
    def op_year(self):
        """The results of every member, three ways, each followed by the hand-written SQL statement computing the
        same figures (both sets of figures are compared):

        a. the year-end proper: the year's results are provisional since 1 January (computed by the scheduled
           action on an empty ledger, so every figure changes now) and are computed again and made final, commit
           work included (chatter messages are written when the transaction commits);
        b. the first computation of a year (no results yet: a county that installs the addons during the year),
           twice, the best time counts;
        c. a recomputation that finds the same figures (results computed again during the year)."""
        info = self.info
        year = info["year"]
        baseline = []

        def compare(cr):
            rows, base_seconds, _q = self.measure(cr, lambda: self._baseline(cr, year))
            baseline.append((base_seconds, len(rows)))
            return self._compare(cr, year, rows)

        with self.cursor() as cr:
            # 1 January: the scheduled action computes the provisional results of the year from a ledger without
            # this year's entries yet; they are committed (and removed again below), as they would be months old
            Result = self.env(cr)["party.points.result"].sudo()
            cr.execute("CREATE TEMPORARY TABLE bench_totals AS SELECT * FROM party_points_total WHERE year = %s",
                       [year])
            cr.execute("DELETE FROM party_points_total WHERE year = %s", [year])
            Result._compute_year(year)
            cr.execute("INSERT INTO party_points_total SELECT * FROM bench_totals")
            cr.commit()
        self.vacuum(["party_points_result", "party_points_total"])
        try:
            with self.cursor() as cr:
                Result = self.env(cr)["party.points.result"].sudo()

                def year_end(R=Result):
                    results = R._compute_year(year, final=True)
                    R.env.flush_all()
                    cr.precommit.run()
                    return results

                final, final_seconds, final_queries = self.measure(cr, year_end)
                final_mismatches = compare(cr)
                cr.execute("SELECT count(*) FROM party_points_result WHERE year = %s AND state = 'final'", [year])
                finals = cr.fetchone()[0]
                cr.rollback()
        finally:
            with self.cursor() as cr:
                cr.execute("DELETE FROM party_points_result WHERE year = %s", [year])
                cr.commit()
            self.vacuum(["party_points_result", "mail_message"])
        fresh = []
        for _run in range(2):
            with self.cursor() as cr:
                Result = self.env(cr)["party.points.result"].sudo()
                results, seconds, queries = self.measure(cr, lambda R=Result: R._compute_year(year))
                fresh.append((seconds, queries, len(results), compare(cr)))
                cr.rollback()
            self.vacuum(["party_points_result"])
        with self.cursor() as cr:
            Result = self.env(cr)["party.points.result"].sudo()
            Result._compute_year(year)
            cr.flush()
            again, again_seconds, again_queries = self.measure(cr, lambda R=Result: R._compute_year(year))
            again_mismatches = compare(cr)
            cr.rollback()
        self.vacuum(["party_points_result"])
        best_base = min(seconds for seconds, _count in baseline)
        self.record("2a. year-end: provisional results made final (_compute_year final=True)",
                    f"{len(final):,} members", final_seconds, final_queries, TARGETS["year"],
                    final_seconds / best_base <= YEAR_RATIO,
                    f"ratio {final_seconds / best_base:.2f}; {finals:,} final; "
                    f"{final_mismatches} differences from the baseline")
        seconds, queries, count, mismatches = min(fresh)
        self.record("2b. first computation of a year (no results yet)", f"{count:,} members", seconds, queries,
                    TARGETS["year"], seconds / best_base <= YEAR_RATIO,
                    f"runs {' / '.join(f'{run[0]:.2f}' for run in fresh)} s; ratio {seconds / best_base:.2f}; "
                    f"{mismatches} differences from the baseline")
        self.record("2c. recomputation finding the same figures", f"{len(again):,} members",
                    again_seconds, again_queries, TARGETS["year"], again_seconds / best_base <= YEAR_RATIO,
                    f"ratio {again_seconds / best_base:.2f}; {again_mismatches} differences from the baseline")
        self.record("2. same figures, one SQL statement (baseline)", f"{baseline[0][1]:,} members", best_base, 1,
                    "-", None, f"runs {' / '.join(f'{run[0]:.2f}' for run in baseline)} s")

    def vacuum(self, tables):
        """VACUUM ANALYZE after a rolled-back operation: its dead rows would slow down the next one."""
        vacuum(self.registry.db_name, tables)

    def _baseline(self, cr, year):
        cr.execute(BASELINE_SQL, {"year": year})
        return cr.fetchall()

    def _compare(self, cr, year, rows):
        cr.execute("SELECT member_id, total, rank_branch, grade, stars FROM party_points_result WHERE year = %s",
                   [year])
        stored = {row[0]: row[1:] for row in cr.fetchall()}
        differences = 0
        for member_id, total, rank, grade, stars in rows:
            mine = stored.get(member_id)
            if mine is None or abs(mine[0] - total) > 0.005 or (mine[1], mine[2] or None, mine[3] or 0) != (
                    rank, grade, stars):
                differences += 1
                if differences <= 3:
                    print(f"    difference member {member_id}: ORM {mine} SQL {(total, rank, grade, stars)}")
        return differences + abs(len(stored) - len(rows))

    # 3 -------------------------------------------------------------------------------- web client calls
    MEMBER_SPEC = {
        "name": {}, "gender": {}, "age": {}, "organization_id": {"fields": {"display_name": {}}},
        "party_group_id": {"fields": {"display_name": {}}}, "stage": {}, "join_date": {}, "phone": {},
        "education": {}, "employment": {}, "status": {}, "months_without_life": {}, "months_unpaid_dues": {},
        "veto_candidate": {}, "company_id": {"fields": {"display_name": {}}},
    }
    ENTRY_SPEC = {
        "date": {}, "member_id": {"fields": {"display_name": {}}}, "organization_id": {"fields": {"display_name": {}}},
        "party_group_id": {"fields": {"display_name": {}}}, "component_id": {"fields": {"display_name": {}}},
        "rule_id": {"fields": {"display_name": {}}}, "name": {}, "requested_points": {}, "points": {},
        "cap_note": {}, "proposer_id": {"fields": {"display_name": {}}},
        "approver_id": {"fields": {"display_name": {}}}, "is_automatic": {}, "is_reversed": {}, "state": {},
        "company_id": {"fields": {"display_name": {}}},
    }

    def web_calls(self, year):
        member_domain = [("status", "=", "normal")]
        ledger_domain = [("state", "=", "posted"), ("date", ">=", f"{year}-01-01"), ("date", "<=", f"{year}-12-31")]
        # as the member search view asks: the organizations without a limit (the whole tree, folded)
        panel = {"category_domain": [], "enable_counters": True, "expand": False, "filter_domain": [],
                 "hierarchize": True, "limit": 0, "search_domain": member_domain}
        calls = [
            ("members: list page (web_search_read)", "party.member",
             lambda m: m.web_search_read(member_domain, self.MEMBER_SPEC, limit=80, count_limit=10001)),
            ("members: search panel organizations", "party.member",
             lambda m: m.search_panel_select_range("organization_id", **panel)),
            ("members: search panel stages", "party.member",
             lambda m: m.search_panel_select_multi_range(
                 "stage", category_domain=[], comodel_domain=[], enable_counters=True, expand=False,
                 filter_domain=[], group_domain={}, limit=200, search_domain=member_domain)),
            ("ledger: list page (web_search_read)", "party.points.entry",
             lambda m: m.web_search_read(ledger_domain, self.ENTRY_SPEC, limit=80, count_limit=10001)),
        ]
        measures = ["points:sum", "__count"]
        for groupby in ([], ["organization_id"], ["component_id"], ["organization_id", "component_id"]):
            calls.append((f"ledger: pivot read_group {'×'.join(groupby) or 'total'}", "party.points.entry",
                          lambda m, g=groupby: m.read_group(ledger_domain, measures, g, lazy=False)))
        return calls

    def op_web(self):
        info = self.info
        users = [("branch officer", info["branch_user"]), ("county committee", info["county_user"])]
        for label, uid in users:
            with self.cursor() as cr:
                for name, model, func in self.web_calls(info["year"]):
                    env = self.env(cr, uid, bin_size=True)
                    func(env[model])  # warm-up: a running server has its rule and view caches filled
                    env.invalidate_all()
                    env = self.env(cr, uid, bin_size=True)
                    result, seconds, queries = self.measure(cr, lambda f=func, e=env, m=model: f(e[m]))
                    size = self._web_size(result)
                    self.record(f"3. {label}: {name}", size, seconds, queries, TARGETS["web"], seconds < 0.5)
                cr.rollback()

    @staticmethod
    def _web_size(result):
        if isinstance(result, dict) and "length" in result:
            return f"{len(result['records'])} of {result['length']:,}"
        if isinstance(result, dict) and "values" in result:
            return f"{len(result['values'])} values"
        if isinstance(result, dict) and "error_msg" in result:
            return "over the panel's limit"
        if isinstance(result, list):
            records = sum(group.get("__count", 0) for group in result)
            return f"{len(result)} groups/{records:,}"
        return "-"

    # 4 -------------------------------------------------------------------------------- tally
    def op_tally(self):
        info = self.info
        with self.cursor() as cr:
            env = self.env(cr)
            campaign = env["party.evaluation.campaign"].browse(info["campaign"])
            _result, seconds, queries = self.measure(cr, campaign.action_tally)
            self.record("4. evaluation tally (action_tally)",
                        f"{info['participants']:,} × {info['ballots']:,} ballots", seconds, queries,
                        TARGETS["tally"], seconds < 2.0, f"{info['ballot_lines']:,} ballot lines")
            cr.rollback()
        self.vacuum(["party_evaluation_participant", "party_evaluation_campaign", "party_evaluation_ballot"])

    # 5 -------------------------------------------------------------------------------- roster
    def op_roster(self):
        info = self.info
        with self.cursor() as cr:
            env = self.env(cr)
            project = env["party.mobilization.project"].browse(info["project"])

            def build():
                project._build_roster()
                return project._roster_rows()

            rows, seconds, queries = self.measure(cr, build)
            self.record("5. mobilization roster (_build_roster + _roster_rows)", f"{len(rows):,} people",
                        seconds, queries, TARGETS["roster"], seconds < 3.0,
                        f"{len(project.batch_ids)} batches")
            cr.rollback()
        self.vacuum(["party_mobilization_participant", "party_mobilization_batch"])

    def print_table(self):
        print()
        print("| Operation | Size | Time (s) | Queries | Target | Met? |")
        print("|---|---|---:|---:|---|---|")
        for operation, size, seconds, queries, target, met, note in self.rows:
            mark = {True: "yes", False: "**no**", None: "–"}[met]
            extra = f" ({note})" if note else ""
            print(f"| {operation}{extra} | {size} | {seconds:.3f} | {queries} | {target} | {mark} |")


def main():
    args = parse_args()
    if args.growth:
        return growth(args.results, args.plot)
    wall = time.perf_counter()
    addons_path = ROOT
    import odoo
    from odoo.modules.registry import Registry
    from odoo.tools import config

    config.parse_config(["-d", args.db, "--log-level=warn", "--max-cron-threads=0"])
    config["addons_path"] = ",".join([addons_path] + config["addons_path"].split(","))
    full_addons_path = config["addons_path"]
    exists = database_exists(args.db)
    if exists and not args.reuse:
        print(f"[bench] database {args.db} exists: pass --reuse to use it, or drop it first", file=sys.stderr)
        return 2
    created = not exists
    try:
        if created:
            started = time.perf_counter()
            install(args.db, full_addons_path)
            installed = round(time.perf_counter() - started)
        registry = Registry(args.db)
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True, "mail_create_nolog": True})
            raw = env["ir.config_parameter"].sudo().get_param(MARKER)
            if raw:
                info = json.loads(raw)
                print(f"[bench] reusing the county of {args.db} (scale {info['scale']}, year {info['year']})")
            else:
                info = Generator(env, args.scale, args.year).run()
                if created:
                    info["install_seconds"] = installed
                    env["ir.config_parameter"].sudo().set_param(MARKER, json.dumps(info))
                cr.commit()
        if not raw:
            vacuum(args.db)
        print(f"[bench] {info['members']:,} members, {len(info['branches']):,} branches, {info['entries']:,} entries, "
              f"campaign {info['participants']:,} × {info['ballots']:,}, village {info['villagers']:,}")
        print(f"[bench] PostgreSQL: {pg_settings(registry)}" + ("" if args.jit else " (sessions: jit=off)"))
        bench = Bench(registry, info, args)
        only = {part.strip() for part in args.only.split(",")}
        for key, func in (("1", bench.op_bulk), ("2", bench.op_year), ("3", bench.op_web), ("4", bench.op_tally),
                          ("5", bench.op_roster)):
            if key in only:
                func()
        bench.print_table()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak memory (RSS) {peak:.0f} MiB")
        if bench.rows:
            save_results(args, info, bench.rows, peak, time.perf_counter() - wall, pg_settings(registry))
    finally:
        if created and not (args.keep or args.reuse):
            drop(args.db)
    return 0


# --------------------------------------------------------------------------------------------------- growth
# The operations of the growth table: (label, prefix of the benchmark's operation)
GROWTH_OPERATIONS = [
    ("1. bulk recording (100,000 × scale entries)", "1. bulk recording"),
    ("2a. year-end made final", "2a. "),
    ("2b. first computation of a year", "2b. "),
    ("2c. recomputation", "2c. "),
    ("2. SQL baseline", "2. same figures"),
    ("3. county: member list page", "3. county committee: members: list page"),
    ("3. county: member search panel (organizations)", "3. county committee: members: search panel organizations"),
    ("3. county: ledger list page", "3. county committee: ledger: list page"),
    ("3. county: ledger pivot organization × component",
     "3. county committee: ledger: pivot read_group organization_id×component_id"),
    ("3. branch: member list page", "3. branch officer: members: list page"),
    ("3. branch: ledger list page", "3. branch officer: ledger: list page"),
    ("3. branch: ledger pivot organization × component",
     "3. branch officer: ledger: pivot read_group organization_id×component_id"),
    ("4. evaluation tally", "4. evaluation tally"),
    ("5. mobilization roster", "5. mobilization roster"),
]


def save_results(args, info, rows, peak_mib, wall_seconds, settings):
    """Write the figures of this run to ``<results>/county_scale_<scale>.json`` (merged with the operations of an
    earlier run of the same scale that this one did not run, e.g. with ``--only``), then the growth table."""
    os.makedirs(args.results, exist_ok=True)
    path = os.path.join(args.results, f"county_scale_{info['scale']:g}.json")
    operations = {}
    earlier = {}
    if os.path.exists(path):
        with open(path, encoding="utf-8") as handle:
            earlier = json.load(handle)
        operations = earlier.get("operations", {})
    # a partial run (--only) keeps the peak memory of the fuller run it is merged with
    peak_mib = max(peak_mib, earlier.get("peak_rss_mib") or 0)
    for operation, size, seconds, queries, _target, met, note in rows:
        operations[operation] = {"size": size, "seconds": round(seconds, 4), "queries": queries, "met": met,
                                 "note": note}
    keys = ("scale", "members", "entries", "participants", "ballots", "ballot_lines", "villagers",
            "install_seconds", "generation_seconds")
    data = {
        "scale": info["scale"], "branches": len(info["branches"]),
        **{key: info.get(key) for key in keys},
        "postgresql": settings, "peak_rss_mib": round(peak_mib), "run_seconds": round(wall_seconds),
        "operations": operations,
    }
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=1, ensure_ascii=False)
        handle.write("\n")
    print(f"[bench] figures written to {os.path.relpath(path, ROOT)}")
    growth(args.results, args.plot)


def fitted_exponent(points):
    """Least-squares slope of log(time) against log(scale) of ``points`` [(scale, seconds)]: 1 for a time
    proportional to the size, 0 for a time that does not depend on it. None with fewer than two scales."""
    import math

    points = [(math.log(scale), math.log(max(seconds, 1e-4))) for scale, seconds in points if seconds is not None]
    if len({x for x, _y in points}) < 2:
        return None
    mean_x = sum(x for x, _y in points) / len(points)
    mean_y = sum(y for _x, y in points) / len(points)
    return (sum((x - mean_x) * (y - mean_y) for x, y in points)
            / sum((x - mean_x) ** 2 for x, _y in points))


def growth(results, plot):
    """Print the growth table (time of the main operations at each scale measured, with the fitted exponent of
    time against size) from the figures in ``results`` and draw it into ``plot`` (PNG, with matplotlib)."""
    runs = []
    if os.path.isdir(results):
        for name in sorted(os.listdir(results)):
            if name.startswith("county_scale_") and name.endswith(".json"):
                with open(os.path.join(results, name), encoding="utf-8") as handle:
                    runs.append(json.load(handle))
    runs.sort(key=lambda run: run["scale"])
    if len(runs) < 2:
        return 0
    table = []
    for label, prefix in GROWTH_OPERATIONS:
        times = {}
        for run in runs:
            found = [figures["seconds"] for operation, figures in run["operations"].items()
                     if operation.startswith(prefix)]
            if found:
                times[run["scale"]] = found[0]
        if len(times) >= 2:
            table.append((label, times, fitted_exponent(times.items()),
                          fitted_exponent([(scale, sec) for scale, sec in times.items() if scale >= 1])))
    scales = [run["scale"] for run in runs]
    print()
    print("| Operation | " + " | ".join(f"scale {scale:g}" for scale in scales)
          + " | exponent (all scales) | exponent (scale ≥ 1) |")
    print("|---|" + "---:|" * len(scales) + "---:|---:|")
    for label, times, exponent, upper in table:
        cells = [f"{times[scale]:.3f} s" if scale in times else "–" for scale in scales]
        print(f"| {label} | " + " | ".join(cells) + f" | {exponent:.2f} | "
              + (f"{upper:.2f}" if upper is not None else "–") + " |")
    print("| members / entries | " + " | ".join(f"{run['members']:,} / {run['entries']:,}" for run in runs)
          + " | | |")
    print("| peak memory of the benchmark | " + " | ".join(f"{run['peak_rss_mib']:,} MiB" for run in runs)
          + " | | |")
    try:
        import matplotlib

        matplotlib.use("Agg")
        from matplotlib import pyplot
    except ImportError:
        print("[bench] matplotlib is not installed (pip install matplotlib): no plot written")
        return 0
    figure, axes = pyplot.subplots(figsize=(9, 6), dpi=100)
    palette = pyplot.get_cmap("tab20").colors
    colors = palette[::2] + palette[1::2]
    for index, (label, times, exponent, _upper) in enumerate(table):
        xs = sorted(times)
        axes.plot(xs, [times[x] for x in xs], marker="os^Dv"[index % 5], color=colors[index % len(colors)],
                  label=f"{label} (exponent {exponent:.2f})", linestyle="--" if label.startswith("3.") else "-")
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xlabel("scale (1 = county: 50,000 members, 2,000,000 entries; 10 = province)")
    axes.set_ylabel("time (s)")
    axes.set_title("Time of the main operations against the size of the database")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(fontsize=7, loc="upper left")
    figure.tight_layout()
    os.makedirs(os.path.dirname(plot) or ".", exist_ok=True)
    figure.savefig(plot)
    pyplot.close(figure)
    print(f"[bench] growth plot written to {os.path.relpath(plot, ROOT)}")
    return 0


def vacuum(db, tables=None):
    """VACUUM ANALYZE ``tables`` (all of them when None) of ``db``, outside any transaction."""
    import psycopg2

    from odoo.sql_db import connection_info_for

    _db, params = connection_info_for(db)
    conn = psycopg2.connect(**params)
    try:
        conn.autocommit = True
        with conn.cursor() as cr:
            for table in tables or [None]:
                cr.execute(f'VACUUM ANALYZE "{table}"' if table else "VACUUM ANALYZE")
    finally:
        conn.close()


def pg_settings(registry):
    with registry.cursor() as cr:
        cr.execute("SELECT name, setting, unit FROM pg_settings WHERE name IN "
                   "('shared_buffers', 'work_mem', 'max_parallel_workers_per_gather', 'jit') ORDER BY name")
        return ", ".join(f"{name}={setting}{unit or ''}" for name, setting, unit in cr.fetchall())


if __name__ == "__main__":
    sys.exit(main())
