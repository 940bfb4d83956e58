"""The read paths of the three addons on a read replica.

With ``db_replica_host`` set, Odoo 18 answers the ``call_kw`` calls of methods marked ``@api.readonly``
(``web_search_read``, ``read_group``, ``web_read``...) and the routes declared ``readonly=True`` (``/report/html``,
``/report/pdf``, ``/my/counters``...) in a transaction of the replica, where PostgreSQL refuses any write ("cannot
execute ... in a read-only transaction"; Odoo then runs the request again on the primary). These tests run the
same paths in a read-only transaction (see ``tests/scaleout/run.sh`` for the rehearsal on a real replica)."""
from contextlib import contextmanager, suppress

import psycopg2
from lxml import etree

from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from .test_report_rendering import party_reports, printable_records


class _ReadOnlyDone(Exception):
    """Ends the savepoint of :func:`read_only` (rolled back, so the transaction is read/write again)."""


@contextmanager
def read_only(env):
    """Run the block in a read-only transaction, as on the replica: a write raises ``ReadOnlySqlTransaction``
    (including one left in the cache, flushed at the end of the block). Rolled back afterwards."""
    with suppress(_ReadOnlyDone), env.cr.savepoint():
        env.cr.execute("SET TRANSACTION READ ONLY")
        yield
        env.flush_all()
        raise _ReadOnlyDone()


def readonly_overrides_unmarked(registry, module_prefix="odoo.addons.party_"):
    """``model.method`` of every override, in the party addons, of a method Odoo marks ``@api.readonly`` that lost
    the mark: its RPC calls would go to the primary instead of the replica (the web client's ``call_kw`` reads
    the mark on the method of the final class)."""
    base = registry["base"]
    marked = {name for name in dir(base) if getattr(getattr(base, name, None), "_readonly", False)}
    unmarked = []
    for model_name, model_class in registry.items():
        for name in marked:
            owner = next((cls for cls in model_class.__mro__ if name in vars(cls)), None)
            if owner is None or not owner.__module__.startswith(module_prefix):
                continue
            if not getattr(getattr(model_class, name), "_readonly", False):
                unmarked.append(f"{model_name}.{name}")
    return sorted(unmarked)


@tagged("post_install", "-at_install")
class TestReadReplica(TransactionCase):
    """List views, pivots, forms and printed reports of the party addons answer in a read-only transaction."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not cls.env.ref("party_member_points.demo_org_town", raise_if_not_found=False):
            cls.skipTest(cls, "demo data not loaded")

    def test_read_only_helper_refuses_writes(self):
        member = self.env["party.member"].search([], limit=1)
        with self.assertRaises(psycopg2.errors.ReadOnlySqlTransaction), mute_logger("odoo.sql_db"):
            with read_only(self.env):
                member.write({"name": "changed"})
        # the transaction is read/write again
        member.write({"name": "changed"})
        self.env.flush_all()

    def test_readonly_methods_keep_their_mark(self):
        """An override of ``read_group`` (the HR performance pivot rounds its averages) must stay
        ``@api.readonly``, or the HR managers' pivot is read from the primary."""
        self.assertEqual(readonly_overrides_unmarked(self.env.registry), [])

    def test_hr_performance_pivot_read_only(self):
        hr_user = self.env.ref("party_member_points.demo_user_hr", raise_if_not_found=False) or self.env.user
        Report = self.env["party.hr.performance.report"].with_user(hr_user)
        self.assertTrue(getattr(type(Report).read_group, "_readonly", False))
        with read_only(self.env):
            rows = Report.read_group([], ["total:avg"], ["department_id"])
            Report.web_read_group([], ["total:avg"], ["department_id", "grade"], lazy=False)
        self.assertTrue(rows)

    def test_ledger_pivot_and_lists_read_only(self):
        """The officer's ledger pivot (answered from the summary), lists and search panel."""
        for xmlid in ("party_member_points.demo_user_secretary", "party_member_points.demo_user_upper",
                      "base.user_admin"):
            user = self.env.ref(xmlid)
            Entry = self.env["party.points.entry"].with_user(user)
            with self.subTest(user=user.login), read_only(self.env):
                Entry.read_group([], ["points:sum"], ["organization_id", "component_id"], lazy=False)
                Entry.read_group([("state", "=", "posted")], ["points:sum"], ["date:month"])
                Entry.web_search_read([], {"name": {}, "points": {}, "state": {},
                                           "member_id": {"fields": {"display_name": {}}}}, limit=80)
                Member = self.env["party.member"].with_user(user)
                Member.web_search_read([], {"name": {}, "stage": {}, "points_year_total": {}}, limit=80)
                Member.search_panel_select_range("organization_id")
                self.env["party.points.result"].with_user(user).web_search_read(
                    [], {"member_id": {"fields": {"display_name": {}}}, "total": {}, "year": {}}, limit=80)

    def test_every_list_pivot_and_form_read_only(self):
        """Every model of the three addons with a view: its list (all the list's fields), its pivot (rows,
        columns and measures of the view) and the form of its first record (all the form's fields, the computed
        ones included), as the administrator."""
        View = self.env["ir.ui.view"]
        checked = 0
        for model_name in sorted(self.env.registry):
            if not model_name.startswith("party.") or self.env[model_name]._abstract \
                    or self.env[model_name]._transient:
                continue
            Model = self.env[model_name]
            for view_type in ("list", "pivot", "form"):
                if not View.search_count([("model", "=", model_name), ("type", "=", view_type)]):
                    continue
                view = Model.get_view(view_type=view_type)
                names = [name for name in Model._fields if f'name="{name}"' in view["arch"]]
                with self.subTest(model=model_name, view=view_type), read_only(self.env):
                    if view_type == "list":
                        Model.web_search_read([], {name: {} for name in names}, limit=40)
                    elif view_type == "pivot":
                        arch = etree.fromstring(view["arch"])
                        groupby = [node.get("name") + (f":{node.get('interval')}" if node.get("interval") else "")
                                   for node in arch.iter("field") if node.get("type") in ("row", "col")]
                        measures = [f"{node.get('name')}:{Model._fields[node.get('name')].aggregator or 'sum'}"
                                    for node in arch.iter("field") if node.get("type") == "measure"]
                        Model.read_group([], measures or ["__count"], groupby, lazy=False)
                    else:
                        record = Model.search([], limit=1)
                        if record:
                            record.web_read({name: {} for name in names if Model._fields[name].type not in (
                                "one2many", "many2many")})
                    checked += 1
        self.assertGreater(checked, 30)

    def test_every_report_renders_read_only(self):
        """``/report/html`` and ``/report/pdf`` are read-only routes: each report of the party addons renders
        its HTML in a read-only transaction (records chosen as in test_report_rendering)."""
        rendered = 0
        for report, records in printable_records(party_reports(self.env)):
            with self.subTest(report=report.report_name), read_only(self.env):
                self.env["ir.actions.report"]._render_qweb_html(report.report_name, records.ids)
                rendered += 1
        self.assertGreaterEqual(rendered, 10)

    def test_portal_counters_read_only(self):
        """``/my/counters`` (read-only route): the member's entries, claims and ballot tokens."""
        member = self.env["party.member"].search([("user_id", "!=", False)], limit=1)
        user = member.user_id
        with read_only(self.env):
            own = self.env["party.member"].with_user(user)._portal_get_own()
            self.assertEqual(own, member)
            Entry = self.env["party.points.entry"].with_user(user)
            Entry.search_count([("member_id", "=", member.id), ("state", "=", "posted")])
            if "party.evaluation.ballot.token" in self.env:
                self.env["party.evaluation.ballot.token"].with_user(user)._portal_voter_tokens()
