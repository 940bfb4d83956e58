"""Rules of the democratic evaluation of members (DOMAIN.md section 3), as small pure functions.

They take plain numbers and dates, so that tests (and other modules) can call them directly; the
models only gather the numbers and apply the results.
"""
import math
from datetime import timedelta

from dateutil.relativedelta import relativedelta

GRADES = [
    ("excellent", "Excellent"),
    ("qualified", "Qualified"),
    ("basic", "Basically Qualified"),
    ("unqualified", "Unqualified"),
]
GRADE_ORDER = [key for key, _label in GRADES]
VOTE_CHOICES = GRADES + [("abstain", "Abstain")]
# Who casts a ballot: the ballot, its lines and the ballot entry screen.
VOTER_TYPES = [("member", "Party Member"), ("public", "Mass Representative")]

# Rule codes of party_member_points for the grade's points (S003 P6: 20 / 15 / 10 / 0).
GRADE_POINT_RULES = {
    "excellent": "evaluation_excellent",
    "qualified": "evaluation_qualified",
    "basic": "evaluation_basic",
    "unqualified": "evaluation_unqualified",
}

EXCLUSION_REASONS = [
    ("mental", "Mentally Ill or Unable to Express Their Will"),
    ("abroad", "Abroad for More than Six Months"),
    ("sentence", "Serving a Sentence"),
    ("bedridden", "Bedridden, Unable to Look After Themselves"),
]

# Age from which a member may be exempted from the written party-spirit analysis (S000, S001).
SELF_EVALUATION_EXEMPT_AGE = 70

_EPSILON = 1e-6


def _share_count(total, share):
    """``total * share`` rounded to 6 decimals, so that 0.15 * 20 is 3.0 and not 3.0000000000000004."""
    return round(total * share, 6)


def quorum_needed(expected, ratio=0.8):
    """Smallest number of members present that reaches ``ratio`` of the members expected."""
    if expected <= 0:
        return 0
    return math.ceil(_share_count(expected, ratio))


def quorum_reached(present, expected, ratio=0.8):
    """Quorum of the evaluation meeting: members present ≥ ``ratio`` (80 %) of the members expected
    (S000: 党员实到会人数不少于应到会人数的80%). A meeting with nobody expected has no quorum."""
    if expected <= 0:
        return False
    return present >= quorum_needed(expected, ratio)


def qualified_votes(excellent, qualified, basic, basic_counts=False):
    """Number of "qualified votes" (合格票).

    S000 has a two-grade ballot (合格/不合格) and its rule "合格票数低于60%" counts the votes saying the
    member meets the standard. With the four-grade ballot of S001 (优秀/合格/基本合格/不合格) a vote for
    合格 or better meets the standard without reservation, so a qualified vote is a vote for 优秀 or 合格;
    基本合格 ("meets it with reservations") does not count unless the campaign says otherwise
    (``basic_counts``, for branches whose rules count it).
    """
    return excellent + qualified + (basic if basic_counts else 0)


def qualified_share(excellent, qualified, basic, unqualified, abstain=0, basic_counts=False):
    """Share (0..1) of qualified votes among the valid ballots for one member.

    The denominator is every valid (not spoiled) ballot, abstentions included: a blank is not a vote
    that the member meets the standard. No valid ballot gives 0.0.
    """
    total = excellent + qualified + basic + unqualified + abstain
    if not total:
        return 0.0
    return qualified_votes(excellent, qualified, basic, basic_counts) / total


def plurality_grade(excellent, qualified, basic, unqualified):
    """The grade with the most votes; a tie goes to the lower grade (a better grade needs a clear lead)."""
    counts = {"excellent": excellent, "qualified": qualified, "basic": basic, "unqualified": unqualified}
    best = max(counts.values())
    if best <= 0:
        return False
    # lowest grade among those with the highest count
    return [grade for grade in reversed(GRADE_ORDER) if counts[grade] == best][0]


def sanction_forces_unqualified(sanction_type, decision_date, meeting_date, years=3):
    """True when a sanction makes the member 不合格 at an evaluation meeting held on ``meeting_date``.

    S000: "对已经在近三年内受到开除党籍以下党纪处分的党员，一律认定为不合格党员，不再给予另外的组织处理；对于近年来
    违反党纪但未受到处分的，或党纪处分期满的党员，根据……民主评议情况和现实表现进行认定". A party-discipline sanction
    short of expulsion (the ``party_*`` types; expulsion ends the membership) *received* — decided, on
    ``decision_date`` — within the ``years`` years before the meeting forces 不合格; an older one is judged on
    conduct. The end of the sanction period plays no part, so a sanction with no end date does not make a member
    不合格 for ever; a state sanction or criminal proceedings are other grounds.
    """
    if not sanction_type or not sanction_type.startswith("party_") or not decision_date or not meeting_date:
        return False
    return meeting_date - relativedelta(years=years) <= decision_date <= meeting_date


def proposed_grade(excellent, qualified, basic, unqualified, abstain=0, threshold=0.6, sanctioned=False,
                   veto=False, basic_counts=False, warned_twice=False, other_ground=False):
    """Grade proposed to the branch committee from the vote and the hard rules (S000, DOMAIN.md 3.5).

    Returns ``(grade, rule)`` where rule says which rule decided:

    - ``veto``: six months without org life, dues or assigned work → 不合格 and removal, whatever the vote;
    - ``sanction``: a party sanction short of expulsion within the last three years → 不合格;
    - ``warned``: warned (警示) for points under 60 two years running → 不合格 (S003 P4 第二十四条 "连续两年被警示的，
      一般评定为不合格党员": a proposal, the committee may judge otherwise with a reason);
    - ``ground``: a ground recorded elsewhere, e.g. a failed below-standard conversion after resisting an ordered
      mobilization (S000: 欠合格党员书面转化 … 情节严重的给予组织处理) → 不合格 proposed;
    - ``threshold``: qualified votes below the threshold (60 %) → 不合格;
    - ``no_votes``: no valid ballot mentions the member → no proposal (the committee decides);
    - ``plurality``: otherwise the grade with the most votes (ties to the lower grade); when 不合格 has
      the most votes but the member still passed the threshold, 基本合格 is proposed, the committee
      judging the conduct (S000: ≥ 60 % but unqualified conduct → 不合格 or 基本合格).
    """
    if veto:
        return "unqualified", "veto"
    if sanctioned:
        return "unqualified", "sanction"
    if warned_twice:
        return "unqualified", "warned"
    if other_ground:
        return "unqualified", "ground"
    total = excellent + qualified + basic + unqualified + abstain
    if not total:
        return False, "no_votes"
    share = qualified_share(excellent, qualified, basic, unqualified, abstain, basic_counts)
    if share + _EPSILON < threshold:
        return "unqualified", "threshold"
    grade = plurality_grade(excellent, qualified, basic, unqualified)
    if not grade:
        # only abstentions, yet above the threshold: impossible unless the threshold is 0
        return "qualified", "plurality"
    if grade == "unqualified":
        grade = "basic"
    return grade, "plurality"


def excellent_quota(n_evaluated, min_share=0.15, max_share=0.20):
    """``(minimum, maximum)`` number of 优秀 for ``n_evaluated`` members (S001: normally 15–20 %).

    The maximum is the largest count not above ``max_share``; a branch with members always may name
    one. The minimum is the smallest count reaching ``min_share``, never above the maximum; it is a
    guide, only the maximum is enforced.
    """
    if n_evaluated <= 0:
        return 0, 0
    maximum = max(math.floor(_share_count(n_evaluated, max_share)), 1)
    minimum = min(math.ceil(_share_count(n_evaluated, min_share)), maximum)
    return minimum, maximum


def excellent_within_quota(n_excellent, n_evaluated, max_share=0.20, min_share=0.15):
    """True when the number of 优秀 does not exceed the maximum of :func:`excellent_quota`."""
    return n_excellent <= excellent_quota(n_evaluated, min_share, max_share)[1]


def plan_approved_in_time(approval_date, meeting_date, days=10):
    """The plan must be approved by the upper committee at least ``days`` days before the meeting (S002-J)."""
    if not approval_date or not meeting_date:
        return False
    return approval_date <= meeting_date - timedelta(days=days)


def notice_in_time(notice_date, meeting_date, days=5):
    """The written notice of the meeting goes out at least ``days`` days before it (DOMAIN.md 3.3)."""
    if not notice_date or not meeting_date:
        return False
    return notice_date <= meeting_date - timedelta(days=days)


def mass_representatives_needed(expected, ratio=0.5):
    """Mass representatives invited: about ``ratio`` (50 %) of the members expected (S000), rounded up."""
    if expected <= 0 or ratio <= 0:
        return 0
    return math.ceil(_share_count(expected, ratio))


def self_evaluation_exemption(age, is_frail):
    """Reason a member may be exempted from the written party-spirit analysis, or False."""
    if age and age >= SELF_EVALUATION_EXEMPT_AGE:
        return "age"
    if is_frail:
        return "ill"
    return False


def split_in_groups(attending, split_size=30):
    """Branches with many members hold the analysis and peer discussion in party groups (S000: 30)."""
    return bool(split_size) and attending >= split_size


# ---------------------------------------------------------------------- committee procedure (issue 17)
NOMINATION_PROPOSERS = [
    ("members", "Ten or More Members"),
    ("masses", "Ten or More Mass Representatives"),
    ("upper", "Upper Organization"),
    ("department", "Functional Department"),
    ("committee", "Branch Committee"),
]
# S000 一.7: 10名以上党员或群众代表可向支委会提议不合格党员名单
NOMINATION_MIN_PROPOSERS = 10
# S000 一.3: 张贴党员名单(公示时间不少于3天)
LIST_POSTING_MIN_DAYS = 3


def nomination_proposers_valid(kind, count):
    """A joint proposal by members or mass representatives needs ten or more of them (S000: 上级党组织、相关职能
    部门以及10名以上党员或群众代表可向支委会提议不合格党员名单); the upper organization, a department or the
    committee itself propose as bodies."""
    if kind in ("members", "masses"):
        return (count or 0) >= NOMINATION_MIN_PROPOSERS
    return True


def list_posted_in_time(posted, meeting, days=LIST_POSTING_MIN_DAYS):
    """The list of the members to be evaluated is posted at least ``days`` days before the meeting
    (S000: 通过张贴党员名单(公示时间不少于3天) ... 征求群众意见)."""
    if not posted or not meeting:
        return False
    return (meeting - posted).days >= days


def excellent_below_minimum(excellent, minimum):
    """Fewer members graded Excellent than the campaign's minimum share asks for: warned before the resolution."""
    return excellent < minimum
