"""Races between real transactions on a committed database.

Odoo's TransactionCase runs a whole test in one transaction, so two officers approving at once cannot be
tested there. This module creates its own throwaway database (``party_race_<pid>``), installs the party
addons without demo data, commits a small data set, then lets transactions race, each through Odoo's own
retry loop (``odoo.service.model.retrying``, what every HTTP request goes through):

* deterministic interleavings with two cursors: transaction A takes its snapshot, B does the same thing and
  commits, then A goes on. Without a lock A would decide on stale data (post twice, overshoot a cap, post in a
  period closed meanwhile); with the locks of the addons, A fails with a serialization error, is retried on
  fresh data and ends with the right outcome (refused, or cut to the cap);
* threads started together on the same records (approvals, ballots, a ballot screen saved twice).

The database is dropped at the end. It takes about a minute; it is skipped when Odoo or PostgreSQL is missing.
"""
import os
import random
import subprocess
import threading
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import odoo_command

ROOT = Path(__file__).resolve().parent.parent
DB = f"party_race_{os.getpid()}"
MODULES = "party_member_points,party_evaluation"

odoo = pytest.importorskip("odoo")


def _psql_ok():
    try:
        return subprocess.run(["psql", "-X", "-d", "postgres", "-Atc", "SELECT 1"], capture_output=True,
                              timeout=20).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    if not _psql_ok():
        pytest.skip("PostgreSQL is not reachable")
    from odoo.tools import config

    config.parse_config([])
    addons = f"{ROOT},{config['addons_path']}"
    data_dir = tmp_path_factory.mktemp("odoo-data")
    install = subprocess.run(
        [*odoo_command(), "-d", DB, f"--addons-path={addons}", f"--data-dir={data_dir}", "-i", MODULES,
         "--without-demo=all", "--stop-after-init", "--max-cron-threads=0", "--log-level=warn", "--no-http"],
        capture_output=True, text=True, timeout=600)
    try:
        assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]
        config.parse_config([f"--addons-path={addons}", f"--data-dir={data_dir}", "-d", DB])
        from odoo.modules.registry import Registry

        reg = Registry(DB)
        with reg.cursor() as cr:
            _setup_data(odoo.api.Environment(cr, odoo.SUPERUSER_ID, {}))
        yield reg
    finally:
        try:
            from odoo.modules.registry import Registry
            from odoo.sql_db import close_db

            Registry.delete(DB)
            close_db(DB)
        finally:
            subprocess.run(["dropdb", "--if-exists", "--force", DB], capture_output=True, timeout=120)


@pytest.fixture(autouse=True)
def fast_retries(monkeypatch):
    """Odoo waits up to 2**n seconds before the n-th retry; a quarter of it is enough here."""
    import odoo.service.model as service_model

    monkeypatch.setattr(service_model.random, "uniform", lambda low, high: random.random() * high / 4)


# ---------------------------------------------------------------------------------------------- data
IDS = {}


def _setup_data(env):
    from odoo.addons.party_member_points.models.party_workflow import WORKFLOW

    env = env(context={"tracking_disable": True, "mail_create_nolog": True})
    Users = env["res.users"].with_context(no_reset_password=True)

    def user(login, group):
        return Users.create({"name": login, "login": login, "password": login, "email": f"{login}@example.org",
                             "groups_id": [odoo.Command.set(
            [env.ref("base.group_user").id, env.ref(f"party_member_points.group_party_{group}").id])]})

    officer1, officer2, member_user = user("race_officer1", "officer"), user("race_officer2", "officer"), \
        user("race_member", "member")
    Org = env["party.organization"]
    town = Org.create({"name": "Race Town", "kind": "committee"})
    branch = Org.create({"name": "Race Branch", "kind": "branch", "parent_id": town.id, "secretary_id": officer1.id,
                         "committee_member_ids": [odoo.Command.set(officer2.ids)]})
    scheme = env["party.points.scheme"].create({
        "name": "Race Scheme", "code": "RACE", "period_type": "quarter",
        "component_ids": [odoo.Command.create({"name": "Work", "code": "work"})]})
    Rule = env["party.points.rule"]
    common = {"scheme_id": scheme.id, "component_id": scheme.component_ids.id}
    Rule.create(dict(common, name="Capped", code="capped", points=6.0, cap_points=10.0, recorder="member"))
    Rule.create(dict(common, name="Activity", code="activity", points=1.0, recorder="member"))
    Rule.create(dict(common, name="Attendance", code="attendance", points=3.0, recorder="system"))
    branch.points_scheme_id = scheme
    Member = env["party.member"]
    vals = {"organization_id": branch.id, "stage": "full", "join_date": "2010-01-01", "full_member_date": "2011-01-01"}
    claimant = Member.create(dict(vals, name="Race Member", user_id=member_user.id))
    voters = Member.create([dict(vals, name=f"Race Voter {index}") for index in range(5)])
    others = Member.create([dict(vals, name=f"Race Other {index}") for index in range(4)])
    # a second branch of the town, for entries recorded at once in two branches
    branch2 = Org.create({"name": "Race Branch 2", "kind": "branch", "parent_id": town.id,
                          "points_scheme_id": scheme.id})
    neighbour = Member.create(dict(vals, name="Race Neighbour", organization_id=branch2.id))
    # an evaluation campaign in voting: five members present, so at most five member ballots
    campaign = env["party.evaluation.campaign"].create({"organization_id": branch.id, "year": 2090})
    Participant = env["party.evaluation.participant"]
    Participant.create([Participant._values_for_member(campaign, voter) for voter in voters])
    campaign.participant_ids._system().write({"attendance": "present", "notified": True})
    campaign._system().write({"state": "voting"})
    # a published period whose publication is over: it can be closed
    period = env["party.points.period"].create({
        "organization_id": branch.id, "date_from": date(2024, 1, 1), "date_to": date(2024, 3, 31)})
    period.with_context(party_points_period_flow=WORKFLOW).write({
        "state": "published", "publication_start": date(2024, 4, 2), "publication_end": date(2024, 4, 9)})
    IDS.update(officer1=officer1.id, officer2=officer2.id, member_user=member_user.id, claimant=claimant.id,
               others=others.ids, campaign=campaign.id, period=period.id, scheme=scheme.id,
               neighbour=neighbour.id, branch=branch.id, branch2=branch2.id)


# ---------------------------------------------------------------------------------------------- helpers
class Refused(Exception):
    pass


def request(registry, uid, func):
    """Run ``func(env)`` as one request of user ``uid``: own cursor, Odoo's retry loop, commit. Returns its
    result; a refusal (UserError, ValidationError...) is raised as :class:`Refused`."""
    from odoo.exceptions import UserError
    from odoo.service.model import retrying

    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, uid, {})
        try:
            return retrying(lambda: func(env), env)
        except UserError as error:
            raise Refused(str(error)) from error


def interleaved(registry, uid, func, other):
    """Transaction A (user ``uid``) takes its snapshot, then ``other()`` runs and commits, then A runs
    ``func(env)`` through the retry loop. Returns (tries, result or Refused)."""
    from odoo.exceptions import UserError
    from odoo.service.model import retrying

    tries = []
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, uid, {})
        env["res.users"].browse(uid).read(["login"])  # A's snapshot is taken here
        other()

        def attempt():
            tries.append(1)
            return func(env)

        try:
            outcome = retrying(attempt, env)
        except UserError as error:
            outcome = Refused(str(error))
    return len(tries), outcome


def run_together(functions):
    """Start the functions in threads at the same moment; returns their outcomes (result or exception)."""
    barrier = threading.Barrier(len(functions))
    outcomes = [None] * len(functions)

    def target(index, function):
        barrier.wait()
        try:
            outcomes[index] = function()
        except Exception as error:  # noqa: BLE001 - the outcome is checked by the test
            outcomes[index] = error

    threads = [threading.Thread(target=target, args=(index, function)) for index, function in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def read(registry, func):
    with registry.cursor() as cr:
        return func(odoo.api.Environment(cr, odoo.SUPERUSER_ID, {}))


def party_day(env, days_ago=0):
    """The organization's today (Asia/Shanghai, on the test clock) less ``days_ago`` days, kept in the current
    year: claims are accepted for dates of the current year only."""
    from odoo.addons.party_member_points.tools.clock import party_today

    today = party_today(env["party.points.entry"])
    return max(today - timedelta(days=days_ago), today.replace(month=1, day=1))


def submitted_claim(registry, rule_code, member_key="claimant", day=None):
    """A claim of the member, submitted to the branch (committed)."""
    def create(env):
        rule = env["party.points.scheme"].browse(IDS["scheme"])._get_rule(rule_code)
        entry = env["party.points.entry"].create({"member_id": IDS[member_key], "rule_id": rule.id,
                                                  "date": day or party_day(env)})
        entry.action_submit()
        return entry.id
    return request(registry, IDS["member_user"], create)


def approve(entry_id):
    return lambda env: env["party.points.entry"].browse(entry_id).action_approve()


# ---------------------------------------------------------------------------------------------- tests
def test_two_officers_approving_the_same_claim(registry):
    entry_id = submitted_claim(registry, "activity")
    tries, outcome = interleaved(registry, IDS["officer1"], approve(entry_id),
                                 lambda: request(registry, IDS["officer2"], approve(entry_id)))
    assert tries == 2, "the stale transaction was not stopped by the lock"
    assert isinstance(outcome, Refused) and "Only submitted entries can be approved" in str(outcome)
    state, approver, postings = read(registry, lambda env: (
        env["party.points.entry"].browse(entry_id).state, env["party.points.entry"].browse(entry_id).approver_id.id,
        env["mail.tracking.value"].search_count([
            ("mail_message_id.model", "=", "party.points.entry"), ("mail_message_id.res_id", "=", entry_id),
            ("field_id.name", "=", "state"), ("new_value_char", "=", "Posted")])))
    assert (state, approver, postings) == ("posted", IDS["officer2"], 1)


def test_cap_is_never_overshot_by_two_approvals(registry):
    first = submitted_claim(registry, "capped")
    second = submitted_claim(registry, "capped")
    tries, outcome = interleaved(registry, IDS["officer1"], approve(second),
                                 lambda: request(registry, IDS["officer2"], approve(first)))
    assert tries == 2 and outcome is True
    points = read(registry, lambda env: env["party.points.entry"].browse([first, second]).mapped("points"))
    assert points == [6.0, 4.0], "the second approval is cut to the 4 points left under the cap of 10"


def test_automatic_points_of_one_source_posted_once(registry):
    member = IDS["others"][0]

    def post(env):
        source = env["party.organization"].search([("name", "=", "Race Branch")])
        return env["party.points.entry"]._post_automatic(env["party.member"].browse(member), "attendance",
                                                         source=source, date=date(2025, 6, 1)).ids

    tries, outcome = interleaved(registry, odoo.SUPERUSER_ID, post, lambda: request(registry, odoo.SUPERUSER_ID, post))
    assert tries == 2
    entries = read(registry, lambda env: env["party.points.entry"].search([("member_id", "=", member)]).ids)
    assert outcome == entries and len(entries) == 1


def test_nothing_is_posted_in_a_period_closed_meanwhile(registry):
    member = IDS["others"][1]

    def post(env):
        return env["party.points.entry"]._post_automatic(env["party.member"].browse(member), "attendance",
                                                         date=date(2024, 2, 1)).ids

    def close(env):
        return env["party.points.period"].browse(IDS["period"]).action_close()

    tries, outcome = interleaved(registry, odoo.SUPERUSER_ID, post, lambda: request(registry, IDS["officer1"], close))
    assert tries == 2, "retried on fresh data, where the period is closed"
    # closing a period locks its points, not the register: the meeting's points go to the open period, today
    entries = read(registry, lambda env: [(e.date, e.name) for e in env["party.points.entry"].browse(outcome)])
    from odoo.addons.party_member_points.tools.clock import party_today

    today = read(registry, lambda env: party_today(env["party.points.entry"]))
    assert [day for day, _name in entries] == [today]
    assert "closed" in entries[0][1]
    assert not read(registry, lambda env: env["party.points.entry"].search_count(
        [("member_id", "=", member), ("date", "<=", date(2024, 3, 31))])), "nothing dated in the closed period"


def test_drafts_of_two_branches_recorded_at_once(registry):
    """The ledger sums are delta rows appended by the triggers: a draft recorded in one branch while another
    branch records one goes through at the first try, and is counted in its own branch's sums (it used to be
    inserted without its organization and company, stored related fields written by a later UPDATE)."""
    def draft(member_key):
        def create(env):
            rule = env["party.points.scheme"].browse(IDS["scheme"])._get_rule("activity")
            return env["party.points.entry"].create({"member_id": IDS[member_key], "rule_id": rule.id}).id
        return create

    tries, outcome = interleaved(registry, odoo.SUPERUSER_ID, draft("claimant"),
                                 lambda: request(registry, odoo.SUPERUSER_ID, draft("neighbour")))
    assert tries == 1, "the draft of the other branch collided with this one"
    assert read(registry, lambda env: env["party.points.entry"].browse(outcome).organization_id.name) == "Race Branch"
    summary_orgs = read(registry, lambda env: env.cr.execute(
        "SELECT DISTINCT organization_id FROM party_points_summary") or {row[0] for row in env.cr.fetchall()})
    assert 0 not in summary_orgs, "an entry went through the sums without its organization"


def test_member_moved_while_the_other_branch_records(registry, caplog):
    """A member moving to another branch while the new branch records: the sums are delta rows appended by the
    triggers, so a draft recorded meanwhile in the new branch does not stop the move (first try, no failed query
    in the log), the sums still equal the entries, and the member's entries stay in the branch where they were
    posted (a transfer moves the future entries only)."""
    member = IDS["others"][2]

    def rule_of(env):
        return env["party.points.scheme"].browse(IDS["scheme"])._get_rule("activity")

    request(registry, odoo.SUPERUSER_ID, lambda env: env["party.points.entry"].create(
        {"member_id": member, "rule_id": rule_of(env).id}).id)

    def move(env):
        # a move is the approval of a transfer (the only way a member changes organization)
        from odoo.addons.party_member_points.models.party_workflow import workflow
        workflow(env["party.member"].browse(member), "party_member_transfer").organization_id = IDS["branch2"]
        env.flush_all()
        return True

    def record(env):
        return env["party.points.entry"].create({"member_id": IDS["neighbour"], "rule_id": rule_of(env).id}).id

    caplog.clear()
    tries, outcome = interleaved(registry, odoo.SUPERUSER_ID, move,
                                 lambda: request(registry, odoo.SUPERUSER_ID, record))
    assert tries == 1 and outcome is True
    assert not [r for r in caplog.records if r.levelname == "ERROR"], "a failed query was logged"

    def sums(env):
        env.cr.execute("""
            SELECT organization_id, state, sum(points), sum(entry_count) FROM party_points_summary
             GROUP BY 1, 2 HAVING sum(entry_count) <> 0 ORDER BY 1, 2""")
        stored = env.cr.fetchall()
        env.cr.execute("""
            SELECT organization_id, state, sum(points), count(*) FROM party_points_entry GROUP BY 1, 2 ORDER BY 1, 2""")
        return stored, env.cr.fetchall()

    stored, actual = read(registry, sums)
    assert stored == actual
    assert read(registry, lambda env: set(env["party.points.entry"].search(
        [("member_id", "=", member)]).organization_id.ids)) == {IDS["branch"]}, "the entries stay where posted"


def _ledger_sums(env):
    """(stored sums, sums of the entries) per organization and state, and per member, component and year."""
    env.cr.execute("""
        SELECT organization_id, state, sum(points), sum(entry_count) FROM party_points_summary
         GROUP BY 1, 2 HAVING sum(entry_count) <> 0 ORDER BY 1, 2""")
    summary = env.cr.fetchall()
    env.cr.execute("""
        SELECT organization_id, state, sum(points), count(*) FROM party_points_entry GROUP BY 1, 2 ORDER BY 1, 2""")
    entries = env.cr.fetchall()
    env.cr.execute("""
        SELECT member_id, component_id, year, sum(q1 + q2 + q3 + q4) FROM party_points_total
         GROUP BY 1, 2, 3 HAVING sum(q1 + q2 + q3 + q4) <> 0 ORDER BY 1, 2, 3""")
    totals = env.cr.fetchall()
    env.cr.execute("""
        SELECT member_id, component_id, extract(year FROM date)::integer, sum(points) FROM party_points_entry
         WHERE state = 'posted' GROUP BY 1, 2, 3 HAVING sum(points) <> 0 ORDER BY 1, 2, 3""")
    return (summary, totals), (entries, env.cr.fetchall())


def test_many_claims_and_postings_in_one_branch_at_once(registry, caplog):
    """Thirty requests of one branch at once (members claiming, officers posting directly, claims approved), each
    through Odoo's retry loop: the ledger sums are delta rows appended by the triggers, without a branch-wide
    lock, so no request waits for another branch member's or fails (it used to: "serialization failure, maximum
    number of tries reached" on the branch's sum rows), none is even retried, and the sums equal the entries.
    The scheduled fold then leaves one row per key, with the same sums."""
    def setup(env):
        branch = env["party.organization"].search([("name", "=", "Race Branch")])
        return env["party.member"].create([{
            "name": f"Race Crowd {index}", "organization_id": branch.id, "stage": "full", "join_date": "2010-01-01",
            "full_member_date": "2011-01-01"} for index in range(30)]).ids

    crowd = request(registry, odoo.SUPERUSER_ID, setup)
    tries = []

    def counted(uid, func):
        def attempt(env):
            tries.append(uid)
            return func(env)
        return lambda: request(registry, uid, attempt)

    def work(index, member_id):
        def run(env):
            rule = env["party.points.scheme"].browse(IDS["scheme"])._get_rule("activity")
            entry = env["party.points.entry"].create({"member_id": member_id, "rule_id": rule.id,
                                                      "date": party_day(env, index % 20)})
            if index % 3 == 0:
                return entry.id  # a draft claim
            if index % 3 == 1:
                entry.action_post()  # posted directly by the officer
            else:
                entry.action_submit()
                entry.action_approve()
            return entry.id
        return run

    caplog.clear()
    outcomes = run_together([counted(IDS["officer1"] if index % 2 else IDS["officer2"], work(index, member_id))
                             for index, member_id in enumerate(crowd)])
    assert all(isinstance(outcome, int) for outcome in outcomes), outcomes
    assert len(tries) == len(crowd), f"{len(tries) - len(crowd)} requests were retried"
    assert not [r for r in caplog.records if r.levelname == "ERROR"], "a failed query was logged"
    stored, actual = read(registry, _ledger_sums)
    assert stored == actual
    posted = read(registry, lambda env: env["party.points.entry"].search_count(
        [("id", "in", outcomes), ("state", "=", "posted")]))
    assert posted == 20

    def fold(env):
        env["party.points.total"]._cron_fold()
        env.cr.execute("SELECT count(*) FROM (SELECT 1 FROM party_points_summary GROUP BY organization_id, "
                       "company_id, component_id, state, month HAVING count(*) > 1) keys")
        return env.cr.fetchone()[0]

    assert request(registry, odoo.SUPERUSER_ID, fold) == 0, "the fold left several rows for a key"
    assert read(registry, _ledger_sums) == (stored, actual)


def test_ballots_entered_at_once_are_numbered_and_bounded(registry):
    def ballot(env):
        campaign = env["party.evaluation.campaign"].browse(IDS["campaign"])
        return env["party.evaluation.ballot"].create({
            "campaign_id": campaign.id, "voter_type": "member", "line_ids": [
                odoo.Command.create({"participant_id": participant.id, "grade": "qualified"})
                for participant in campaign.participant_ids]}).id

    outcomes = run_together([lambda: request(registry, IDS["officer1"], ballot) for _index in range(4)]
                            + [lambda: request(registry, IDS["officer2"], ballot) for _index in range(3)])
    saved = [outcome for outcome in outcomes if isinstance(outcome, int)]
    refused = [outcome for outcome in outcomes if isinstance(outcome, Refused)]
    # a request still colliding after Odoo's five tries ends with a concurrency error: nothing is saved
    given_up = [outcome for outcome in outcomes if isinstance(outcome, odoo.sql_db.psycopg2.OperationalError)]
    assert len(saved) + len(refused) + len(given_up) == 7, outcomes
    assert len(saved) == 5 or (given_up and len(saved) < 5), outcomes
    assert all("cannot outnumber the voters" in str(outcome) for outcome in refused)
    numbers = read(registry, lambda env: sorted(env["party.evaluation.ballot"].search(
        [("campaign_id", "=", IDS["campaign"])]).mapped("number")))
    assert numbers == list(range(1, len(saved) + 1)), "numbered without gap nor duplicate"


def test_a_ballot_screen_saved_twice_gives_one_ballot(registry):
    def open_screen(env):
        campaign = env["party.evaluation.campaign"].browse(IDS["campaign"])
        return campaign.action_open_ballot_entry()["res_id"]

    def clear(env):  # make room: the previous test filled the five places
        env["party.evaluation.ballot"].search([("campaign_id", "=", IDS["campaign"])]).unlink()

    request(registry, IDS["officer1"], clear)
    wizard_id = request(registry, IDS["officer1"], open_screen)

    def save(env):
        return env["party.evaluation.ballot.entry"].browse(wizard_id).action_save_close()

    outcomes = run_together([lambda: request(registry, IDS["officer1"], save) for _index in range(2)])
    assert sum(1 for outcome in outcomes if isinstance(outcome, dict)) == 1, outcomes
    assert read(registry, lambda env: env["party.evaluation.ballot"].search_count(
        [("campaign_id", "=", IDS["campaign"])])) == 1


def test_many_threads_approving_the_same_claims(registry):
    start = read(registry, party_day)
    first = start.replace(day=1, month=1)
    entries = [submitted_claim(registry, "activity", day=max(start - timedelta(days=index), first))
               for index in range(6)]

    def approve_all(order):
        def run():
            done = 0
            for entry_id in order:
                try:
                    request(registry, random.choice([IDS["officer1"], IDS["officer2"]]), approve(entry_id))
                    done += 1
                except Refused:
                    pass
            return done
        return run

    outcomes = run_together([approve_all(random.sample(entries, len(entries))) for _index in range(4)])
    assert all(isinstance(outcome, int) for outcome in outcomes), outcomes
    assert sum(outcomes) == len(entries), "each claim approved exactly once"
    states = read(registry, lambda env: set(env["party.points.entry"].browse(entries).mapped("state")))
    assert states == {"posted"}


def test_the_same_claim_submitted_twice(registry):
    def create(env):
        rule = env["party.points.scheme"].browse(IDS["scheme"])._get_rule("activity")
        return env["party.points.entry"].create({"member_id": IDS["claimant"], "rule_id": rule.id}).id

    entry_id = request(registry, IDS["member_user"], create)
    outcomes = run_together([lambda: request(registry, IDS["member_user"],
                                             lambda env: env["party.points.entry"].browse(entry_id).action_submit())
                             for _index in range(3)])
    assert sum(1 for outcome in outcomes if outcome is True) == 1, outcomes
    activities = read(registry, lambda env: env["mail.activity"].search_count(
        [("res_model", "=", "party.points.entry"), ("res_id", "=", entry_id)]))
    assert activities == 1


def test_ballot_traces_are_rewritten_after_entry_and_tally(registry):
    """A ballot typed on the booth terminal through the entry screen, then the tally, each committed: the entry
    screen's rows are gone and its tables are rewritten after the commit (new files), the ballot tables are
    vacuumed after the tally, where no ballot keeps its channel. No dead row version keeps a grade, a channel or
    the order of the ballots (``pgstattuple``), unless another transaction of the server, older than ours, still
    needs them (PostgreSQL keeps them until it ends: then only the vacuum is checked here)."""
    from odoo.addons.party_evaluation.models.party_evaluation_ballot import BALLOT_TABLES, ENTRY_TABLES

    def files(env, tables):
        env.cr.execute("SELECT relname, relfilenode FROM pg_class WHERE relname = ANY(%s)", [list(tables)])
        return dict(env.cr.fetchall())

    def dead(env, tables):
        env.cr.execute("CREATE EXTENSION IF NOT EXISTS pgstattuple")
        env.cr.execute("SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid() "
                       "AND (backend_xid IS NOT NULL OR backend_xmin IS NOT NULL)")
        if env.cr.fetchone()[0]:
            return None  # another transaction of the server may still see the old versions
        counts = {}
        for table in tables:
            env.cr.execute("SELECT dead_tuple_count FROM pgstattuple(%s)", [table])
            counts[table] = env.cr.fetchone()[0]
        return counts

    def no_dead(tables):
        """No dead row version in ``tables``; when some are left, a transaction of this database was still open
        when they were vacuumed (PostgreSQL keeps what it may see): the scheduled safety net then vacuums them
        again (``_cron_vacuum`` does so for the tables with dead rows), after which none may be left."""
        clean = (None, dict.fromkeys(tables, 0))
        counts = read(registry, lambda env: dead(env, tables))
        if counts not in clean:
            read(registry, lambda env: env["party.evaluation.ballot"]._vacuum_tables(env.cr.dbname, sorted(tables)))
            counts = read(registry, lambda env: dead(env, tables))
        return counts in clean

    def open_screen(env):
        campaign = env["party.evaluation.campaign"].browse(IDS["campaign"])
        return campaign.action_open_ballot_entry()["res_id"]

    wizard_id = request(registry, IDS["officer1"], open_screen)

    def save(env):
        wizard = env["party.evaluation.ballot.entry"].browse(wizard_id)
        wizard.write({"channel": "booth", "line_ids": [odoo.Command.update(line.id, {"grade": "excellent"})
                                                       for line in wizard.line_ids]})
        return wizard.action_save_close()

    before = read(registry, lambda env: files(env, ENTRY_TABLES))
    request(registry, IDS["officer1"], save)
    assert read(registry, lambda env: env["party.evaluation.ballot.entry.line"].sudo().search_count([])) == 0
    after = read(registry, lambda env: files(env, ENTRY_TABLES))
    assert all(after[table] != before[table] for table in ENTRY_TABLES), "the entry tables were not rewritten"
    assert no_dead(ENTRY_TABLES)

    def tally(env):
        return env["party.evaluation.campaign"].browse(IDS["campaign"]).action_tally()

    def vacuums(env):
        env.cr.execute("SELECT relname, vacuum_count FROM pg_stat_user_tables WHERE relname = ANY(%s)",
                       [list(BALLOT_TABLES)])
        return dict(env.cr.fetchall())

    before = read(registry, vacuums)
    request(registry, IDS["officer1"], tally)
    after = read(registry, vacuums)
    assert all(after[table] > before[table] for table in BALLOT_TABLES), "the ballot tables were not vacuumed"
    channels = read(registry, lambda env: env.cr.execute(
        "SELECT DISTINCT channel, sealed FROM party_evaluation_ballot WHERE campaign_id = %s", [IDS["campaign"]])
        or env.cr.fetchall())
    assert channels == [(None, False)], "a ballot kept its channel or its seal after the tally"
    assert no_dead(BALLOT_TABLES)
