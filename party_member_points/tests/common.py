import time

from odoo.tests import TransactionCase, new_test_user


def full_member_values(name, org, **vals):
    """Values of a full member of ``org`` (joined 2010, full member since 2011), updated with ``vals``."""
    return dict({"name": name, "organization_id": org.id, "stage": "full", "join_date": "2010-07-01",
                 "full_member_date": "2011-07-01"}, **vals)


class PartyRegisterCase(TransactionCase):
    """Two branches under one town committee, with users for each role."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True, mail_create_nolog=True))
        groups = "base.group_user,party_member_points.group_party_%s"
        cls.user_upper = new_test_user(cls.env, "t_upper", groups=groups % "upper")
        cls.user_secretary = new_test_user(cls.env, "t_secretary", groups=groups % "officer")
        cls.user_other_secretary = new_test_user(cls.env, "t_other_secretary", groups=groups % "officer")
        cls.user_leader = new_test_user(cls.env, "t_leader", groups=groups % "leader")
        cls.user_member = new_test_user(cls.env, "t_member", groups=groups % "member")
        Org = cls.env["party.organization"]
        cls.town = Org.create({"name": "Test Town Committee", "kind": "committee", "secretary_id": cls.user_upper.id})
        cls.branch = Org.create({"name": "East Village Branch", "kind": "branch", "parent_id": cls.town.id,
                                 "secretary_id": cls.user_secretary.id})
        cls.group1 = Org.create({"name": "Group One", "kind": "group", "parent_id": cls.branch.id,
                                 "secretary_id": cls.user_leader.id})
        cls.other_branch = Org.create({"name": "West Village Branch", "kind": "branch", "parent_id": cls.town.id,
                                       "secretary_id": cls.user_other_secretary.id})
        cls.Member = cls.env["party.member"]

    @classmethod
    def _member(cls, name, org=None, **vals):
        return cls.env["party.member"].create(full_member_values(name, org or cls.branch, **vals))


class WaitForLateRequests:
    """Mixed into every test class that drives a browser. After a browser test, wait for every request the
    browser sent before it stopped, however late: Odoo waits for the request threads running when the browser
    stops, at most ten seconds. A request still in the server's accept queue at that moment (or slower than that
    under load) runs after the test, against the next test's data: once, an avatar request of
    ``test_forms_as_secretary`` failed with a ``MissingError`` logged at ERROR level before ``test_forms_as_upper``
    began (a run beside another suite)."""

    def _wait_remaining_requests(self, timeout=10):
        super()._wait_remaining_requests(timeout=max(timeout, 60))
        time.sleep(0.5)  # a connection still queued gets its thread
        return super()._wait_remaining_requests(timeout=max(timeout, 60))
