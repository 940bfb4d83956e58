from datetime import timedelta

from odoo.tests import HttpCase, TransactionCase, tagged

from odoo.addons.party_member_points.tests.access_matrix import AccessWorld, OrmMatrixTests, RpcMatrixTests

# Ordered mobilization: the village branch and the town committee run it; members read the projects of their
# village (by their member record) once they are open to them and give their opinion.
# Notation: see party_member_points access_matrix.py.
MATRIX = (
    # target             member  leader  off_A   off_B   upper   hr      admin   portal
    ("person",           "----", "----", "rwc-", "----", "rwc-", "----", "rwcu", "----"),
    ("project",          "----", "----", "rwcu", "----", "rwcu", "----", "rwcu", "----"),
    # open to the members' opinions: read by the village's members, deleted by nobody
    ("project_open",     "r-.-", "--.-", "rw.-", "--.-", "rw.-", "--.-", "rw.-", "--.-"),
    ("batch",            "----", "----", "rwcu", "----", "rwcu", "----", "rwcu", "----"),
    ("participant",      "----", "----", "rwcu", "----", "rwcu", "----", "rwcu", "----"),
    ("vote",             "----", "----", "rwcu", "----", "rwcu", "----", "rwcu", "----"),
    # a member's opinion: written and withdrawn by its author only
    # (on a project they cannot see, as the leader and branch B's secretary, nobody files an opinion)
    ("opinion",          "rwc-", "----", "r-c-", "----", "r-c-", "----", "r-c-", "----"),
    # a plan not yet open to the members: opinions recorded by the officers only
    ("opinion_unopened", "..-.", "..-.", "..c.", "..-.", "..c.", "..-.", "..c.", "..-."),
    # an opinion "raised by" a villager: the officers record it, a member only raises their own
    ("opinion_in_name",  "..-.", "..-.", "..c.", "..-.", "..c.", "..-.", "..c.", "..-."),
    # the project of a filed opinion and who raised it never change, whoever writes
    ("opinion_owner",    ".-..", ".-..", ".-..", ".-..", ".-..", ".-..", ".-..", ".-.."),
    ("commendation",     "----", "----", "rwc-", "----", "rwc-", "----", "rwcu", "----"),
    ("conversion",       "----", "----", "rwc-", "----", "rwc-", "----", "rwcu", "----"),
    ("downgrade",        "----", "----", "rwc-", "----", "rwc-", "----", "rwcu", "----"),
)

REPORTS = (
    # report xmlid                                            target        m l A B u h a p
    ("party_mobilization.action_report_mobilization_announcement", "project_open", "..y-y-y-"),
    ("party_mobilization.action_report_mobilization_progress", "project", "--y-y-y-"),
    ("party_mobilization.action_report_mobilization_roster", "project", "--y-y-y-"),
)


class MobilizationWorld(AccessWorld):

    @classmethod
    def _build_targets(cls):  # pylint: disable=missing-return  # builds fixtures, returns nothing
        super()._build_targets()
        Person = cls.env["party.mobilization.person"]
        cls.villagers = Person.create([{"name": f"Matrix Villager {index}", "organization_id": cls.branch_a.id}
                                       for index in range(5)])
        target = cls._target
        target("person", "party.mobilization.person",
               lambda n: {"name": f"Matrix Villager {n}", "organization_id": cls.branch_a.id}, {"phone": "1"})
        target("project", "party.mobilization.project", lambda n: cls._project_vals(n), {"rewards": "changed"})
        target("project_open", "party.mobilization.project", None, {"rewards": "changed"},
               make=lambda: cls._project("opinions"))
        target("batch", "party.mobilization.batch",
               lambda n: {"project_id": cls.env["party.mobilization.project"].create(cls._project_vals(n)).id,
                          "identity": "7", "sequence": 1},
               {"date_planned_end": cls.today + timedelta(days=20)},
               make=lambda: cls._project("draft").batch_ids[:1])
        target("participant", "party.mobilization.participant", lambda n: cls._participant_vals(n),
               {"refusal_reason": "changed"}, make=lambda: cls._project("draft").participant_ids[:1])
        target("vote", "party.mobilization.vote",
               lambda n: {"project_id": cls._project("draft").id, "eligible_count": 5}, {"minutes": "changed"})
        target("opinion", "party.mobilization.opinion",
               lambda n: {"name": f"Matrix opinion {n}", "project_id": cls._project("opinions").id,
                          "content": "My view"}, {"content": "changed"},
               make=lambda: cls.env["party.mobilization.opinion"].with_user(cls.users["member"]).create({
                   "name": "Matrix opinion", "project_id": cls._project("opinions").id,
                   "content": "My view"}).sudo())
        target("opinion_unopened", "party.mobilization.opinion",
               lambda n: {"name": f"Matrix opinion {n}", "project_id": cls._project("draft").id,
                          "content": "Too early"})
        target("opinion_in_name", "party.mobilization.opinion",
               lambda n: {"name": f"Matrix opinion {n}", "project_id": cls._project("opinions").id,
                          "content": "Said by a villager", "person_id": cls.villagers[0].id})
        target("opinion_owner", "party.mobilization.opinion", None,
               {"project_id": cls._project("draft").id, "person_id": cls.villagers[1].id},
               make=lambda: cls.env["party.mobilization.opinion"].with_user(cls.users["member"]).create({
                   "name": "Matrix opinion", "project_id": cls._project("opinions").id,
                   "content": "My view"}).sudo())
        result = lambda n: {"project_id": cls._project("draft").id,  # noqa: E731
                            "participant_id": cls._project("draft").participant_ids[:1].id,
                            "reason": f"Matrix {n}"}
        target("commendation", "party.mobilization.commendation", result, {"reason": "changed"})
        target("conversion", "party.mobilization.conversion", result, {"measures": "changed"})
        target("downgrade", "party.mobilization.downgrade", lambda n: dict(result(n), role="representative"),
               {"town_note": "changed"})

    @classmethod
    def _participant_vals(cls, n):
        """A new line for a project whose roster is not built yet (building it would list everyone)."""
        project = cls.env["party.mobilization.project"].create(cls._project_vals(n))
        batch = cls.env["party.mobilization.batch"].create({"project_id": project.id, "identity": "7"})
        person = cls.env["party.mobilization.person"].create({"name": f"Matrix Villager {n}",
                                                              "organization_id": cls.branch_a.id})
        return {"project_id": project.id, "batch_id": batch.id, "person_id": person.id, "identity": "7"}

    @classmethod
    def _project_vals(cls, n):
        return {"name": f"Matrix project {n}", "organization_id": cls.branch_a.id, "kind": "flood",
                "date_start": cls.today, "date_deadline": cls.today + timedelta(days=30)}

    @classmethod
    def _project(cls, state, n=None):
        """A project of branch A with its roster, put in ``state`` by the workflow (``n``: a new one)."""
        key = ("project", state)
        if n is not None or key not in cls._cache:
            project = cls.env["party.mobilization.project"].create(cls._project_vals(n or 0))
            project._build_roster()
            if state != "draft":
                project._set_state(state)
            if n is not None:
                return project
            cls._cache[key] = project
        return cls._cache[key]


@tagged("post_install", "-at_install")
class TestMobilizationAccessMatrix(MobilizationWorld, OrmMatrixTests, TransactionCase):
    """The access matrix of the ordered mobilization, through the ORM."""

    MATRIX = MATRIX
    REPORTS = REPORTS


@tagged("post_install", "-at_install")
class TestMobilizationAccessMatrixRpc(MobilizationWorld, RpcMatrixTests, HttpCase):
    """The same matrix over JSON-RPC and the report routes."""

    MATRIX = MATRIX
    REPORTS = REPORTS
