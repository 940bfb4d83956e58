"""Rules of ordered mobilization (次序动员, DOMAIN.md section 4), as small pure functions.

Kept free of the ORM so that tests and other modules can call them directly.
"""
from datetime import timedelta

# The seven identities, ranked (S000 part 1, 二、实施范围). The key is the rank.
IDENTITIES = [
    ("1", "Branch Secretary"),
    ("2", "Village Committee Director"),
    ("3", "Branch Committee Member"),
    ("4", "Village Committee Member"),
    ("5", "Rural Party Member"),
    ("6", "Villager Representative"),
    ("7", "Ordinary Villager"),
]
FIRST_RANK = 1
LAST_RANK = 7
# Ranks of village cadres (ranks 1-4): handled as cadres at acceptance.
CADRE_RANKS = (1, 2, 3, 4)

PROJECT_KINDS = [
    ("flood", "Flood Control"),
    ("epidemic", "Epidemic Prevention"),
    ("drought", "Drought Relief"),
    ("disaster", "Disaster Relief and Rebuilding"),
    ("major_event", "Major Event Security and Logistics"),
    ("land", "Land Requisition and Demolition"),
    ("emergency", "Emergency Response"),
    ("town_key_project", "Key Project Assigned by the Town"),
    ("welfare", "Welfare Adjustment"),
    ("benefit", "Distribution of Benefits"),
    ("safety", "Safety Guarantee"),
    ("resettlement", "Resettlement"),
    ("other", "Other"),
]
# Forward order (cadres first) for burdens, reverse order (ordinary villagers first) for benefits.
FORWARD_KINDS = frozenset({"flood", "epidemic", "drought", "disaster", "major_event", "land", "emergency",
                           "town_key_project"})
REVERSE_KINDS = frozenset({"welfare", "benefit", "safety", "resettlement"})

ORDERS = [
    ("forward", "Forward (cadres first)"),
    ("reverse", "Reverse (ordinary villagers first)"),
]

# Default quorum of each kind of meeting: a villager assembly needs more than half of the adult villagers,
# a representatives' meeting two thirds of the representatives (Organic Law of Villagers' Committees).
DEFAULT_QUORUM = {"assembly": 0.5, "representatives": 2.0 / 3.0}
DEFAULT_MAJORITY = 0.5


def identity_rank(is_branch_secretary=False, is_director=False, is_branch_committee=False,
                  is_village_committee=False, is_party_member=False, is_representative=False):
    """Rank 1-7 of a person: the highest identity held wins (the lowest number).

    1 branch secretary, 2 village committee director, 3 branch committee member, 4 village committee member,
    5 rural party member, 6 villager representative, 7 ordinary villager.
    """
    flags = (is_branch_secretary, is_director, is_branch_committee, is_village_committee, is_party_member,
             is_representative)
    for rank, flag in enumerate(flags, start=FIRST_RANK):
        if flag:
            return rank
    return LAST_RANK


def default_order(kind):
    """Order a kind of project runs in by default: ``reverse`` for welfare, benefits, safety guarantees and
    resettlement, ``forward`` for everything else (burdens are shouldered by cadres first)."""
    return "reverse" if kind in REVERSE_KINDS else "forward"


def rank_sequence(ranks, order):
    """Ranks present in the village, in the order their batches run."""
    present = sorted({int(rank) for rank in ranks})
    return present if order == "forward" else present[::-1]


def roster_sort_key(order):
    """Sort key for ``(rank, name)`` pairs so that a roster reads in execution order."""
    if order == "forward":
        return lambda item: (item[0], item[1] or "")
    return lambda item: (-item[0], item[1] or "")


def spread_batch_dates(date_start, date_deadline, count):
    """Split the period from ``date_start`` to ``date_deadline`` (both included) into ``count`` consecutive
    windows, one per batch; the last one ends on the deadline. Windows share a day when the period is shorter
    than the number of batches."""
    if count <= 0:
        return []
    total_days = max((date_deadline - date_start).days + 1, 1)
    windows = []
    for index in range(count):
        start = date_start + timedelta(days=(total_days * index) // count)
        end = date_start + timedelta(days=(total_days * (index + 1)) // count - 1)
        windows.append((start, max(start, end)))
    return windows


def vote_quorum_met(attendees, eligible, quorum=DEFAULT_QUORUM["assembly"]):
    """True when enough of the people entitled to vote are present (``quorum`` is a share of ``eligible``)."""
    if eligible <= 0 or attendees <= 0:
        return False
    return attendees >= quorum * eligible


def vote_passes(for_, attendees, eligible, majority=DEFAULT_MAJORITY, quorum=DEFAULT_QUORUM["assembly"]):
    """A plan passes when the quorum is met and the votes for it are more than ``majority`` of the attendees
    (0.5: more than half of those present)."""
    if not vote_quorum_met(attendees, eligible, quorum):
        return False
    return for_ > majority * attendees


def progress_percent(done, total):
    """Share of finished participants, in percent (0 for an empty roster)."""
    return round(100.0 * done / total, 1) if total else 0.0


# Whose majority decides a plan (seed silent; issue 17: "more than half of those entitled" by default).
MAJORITY_BASES = [
    ("entitled", "Those Entitled to Vote"),
    ("attendees", "Attendees"),
]
DEFAULT_MAJORITY_BASIS = "entitled"
# Identity ranks of villager representatives and rural party members.
MEMBER_RANK = 5
REPRESENTATIVE_RANK = 6


def vote_passes_on_basis(for_, attendees, eligible, majority=DEFAULT_MAJORITY, quorum=DEFAULT_QUORUM["assembly"],
                         basis=DEFAULT_MAJORITY_BASIS):
    """A plan passes when the quorum is met and the votes for it are more than ``majority`` of ``basis``:
    of those entitled to vote (default: "more than half of those entitled") or of the attendees."""
    if not vote_quorum_met(attendees, eligible, quorum):
        return False
    base = eligible if basis == "entitled" else attendees
    return for_ > majority * base


def handling_of_rank(rank):
    """The single procedure that applies to a person who resisted, from their one identity rank (S000 几点要求 3:
    依据动员序列的身份采取相应处理办法。属村干部、村民代表的，采取批评教育、年终考核降档等方式进行处理…属农村党员的，
    …启动“欠合格”党员书面转化程序).

    Returns ``"cadre"`` for ranks 1-4, ``"member"`` for rank 5, ``"representative"`` for rank 6, and ``False``
    for ordinary villagers (rank 7): one identity, one handling.
    """
    rank = int(rank or LAST_RANK)
    if rank in CADRE_RANKS:
        return "cadre"
    if rank == MEMBER_RANK:
        return "member"
    if rank == REPRESENTATIVE_RANK:
        return "representative"
    return False


def duplicate_keys(name, phone):
    """Key telling that two registrations are the same person of a village: same name and same phone
    (blanks and case ignored). ``None`` when the phone is missing: the name alone is not enough."""
    digits = "".join(ch for ch in (phone or "") if ch.isdigit())
    if not digits or not (name or "").strip():
        return None
    return ("".join((name or "").split()).lower(), digits)
