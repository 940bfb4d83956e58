"""Pure rule logic of the points system (积分制): caps, floors, leave tiers, grades, stars, periods.

No ORM here: the models call these functions and the tests call them directly.
"""
import math
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta

GRADES = [
    ("excellent", "Excellent"),
    ("qualified", "Qualified"),
    ("basic", "Basically Qualified"),
    ("unqualified", "Unqualified"),
]

PERIOD_TYPES = [
    ("month", "Monthly"),
    ("quarter", "Quarterly"),
    ("half_year", "Half-yearly"),
    ("year", "Yearly"),
]

PERIOD_MONTHS = {"month": 1, "quarter": 3, "half_year": 6, "year": 12}


def round_half_up(value, digits=2):
    """``value`` rounded half up (四舍五入) to ``digits`` decimals, as people round on paper: 25.845 → 25.85.

    Python's ``round`` works on the binary float (0.3 × 86.15 is 25.844999…, which it rounds to 25.84) and rounds
    ties to even; the value is first cleared of its binary noise (9 decimals), then rounded as a decimal."""
    if not value:
        return 0.0
    rounded = round(value, digits)
    if -1e-9 < rounded - value < 1e-9:  # no more decimals than asked (a county's totals mostly): nothing to round
        return rounded
    cleaned = Decimal(repr(round(value, 9)))
    return float(cleaned.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


def fmt_points(value):
    """Points as people write them: 3, -2, 1.5."""
    return f"{value or 0.0:g}"


def apply_cap(current_total, points, cap):
    """Points that may still be added so that ``current_total + points`` never passes ``cap``.

    ``cap`` falsy means no cap. A deduction (negative points) is never cut by a cap.
    Returns the allowed points: ``points`` itself, less when cut to the cap, 0 when the cap is reached.
    """
    if not cap or points <= 0:
        return points
    room = max(cap - current_total, 0.0)
    return min(points, room)


def apply_magnitude_cap(current_total, points, cap):
    """Cap of a rule per period, on the size of its points: a bonus rule ``+5, cap 20`` adds at most 20,
    a deduction rule ``-3, cap 9`` takes at most 9. ``current_total`` is the rule's signed total so far."""
    if not cap or not points:
        return points
    allowed = apply_cap(abs(current_total), abs(points), cap)
    return math.copysign(allowed, points) if allowed else 0.0


def apply_floor(current_total, points, floor=0.0):
    """Deduction allowed so that ``current_total + points`` does not go below ``floor`` (扣完为止).

    Bonus points pass unchanged; ``floor`` None means no floor.
    """
    if floor is None or points >= 0:
        return points
    return max(points, min(0.0, floor - current_total))


def tiered_points(nth, points, free_count=0, tier_count=0, tier_points=0.0):
    """Points of the ``nth`` occurrence (1-based) in a year of a tiered rule.

    The first ``free_count`` occurrences cost nothing, the next ``tier_count`` occurrences give
    ``tier_points`` each, any further occurrence gives ``points``.
    """
    if nth <= free_count:
        return 0.0
    if nth <= free_count + tier_count:
        return tier_points
    return points


# Leave rules of the default scheme (S003 P4 第九条): leave for work is free up to 6 times a year,
# then -2 each; personal leave costs -1 for each of the first 4, then -2.
LEAVE_TIERS = {
    "work": {"points": -2.0, "free_count": 6, "tier_count": 0, "tier_points": 0.0},
    "personal": {"points": -2.0, "free_count": 0, "tier_count": 4, "tier_points": -1.0},
}


def leave_points(kind, nth_in_year, tiers=None):
    """Points of the ``nth_in_year`` leave of ``kind`` (work / personal) for a member; other kinds
    of leave (sick...) cost nothing."""
    tier = (tiers or LEAVE_TIERS).get(kind)
    if not tier:
        return 0.0
    return tiered_points(nth_in_year, tier["points"], tier["free_count"], tier["tier_count"], tier["tier_points"])


def grade_for_points(points, thresholds):
    """Grade of an annual total: ``thresholds`` is ``{'excellent': 90, 'qualified': 75, 'basic': 60}``
    (minimum points of each grade, inclusive); anything below the lowest is 'unqualified'."""
    for grade in ("excellent", "qualified", "basic"):
        minimum = thresholds.get(grade)
        if minimum is not None and points >= minimum:
            return grade
    return "unqualified"


def needs_warning(total, graded, warning_below=0.0):
    """S003 P4 第二十四条: "党员年度积分低于 60 分且无特殊原因的要进行警示，连续两年被警示的，一般评定为不合格党员" —
    a rated member whose year total is below ``warning_below`` (60; 0: no warning) is warned (警示) and talked to.
    Members who earn points but are not rated (probationary, joined or transferred in during the year, leading
    cadres, exempt) are not warned."""
    return bool(graded and warning_below and total + 1e-9 < warning_below)


def grade_with_stars(grade, stars, excellent_needs_stars=False):
    """The grade of a year once the stars are known: S003 P4 第二十条 "拟评为“优秀”等次的，应从四星级、五星级党员
    中产生" — where the scheme says so, 优秀 (excellent) is only for four- and five-star members; a member with
    fewer stars is 合格 (qualified), so that grade and stars never contradict each other on the honour roll."""
    if excellent_needs_stars and grade == "excellent" and (stars or 0) < 4:
        return "qualified"
    return grade


def star_levels_needing_approval(stars):
    """S003 P4 第十八条: "拟评定为四星级党员的须报上级党组织审批，拟评定为五星级党员的须报上级党（工）委审批" — the
    star levels of a branch's proposal that need an upper approval: 4 (by the upper party organization) and 5 (by
    the upper party committee); three stars and fewer are decided by the members' meeting."""
    return sorted({level for level in stars if level in (4, 5)})


def star_quota(participants, percent, small_branch_size=0, small_branch_minimum=0):
    """Maximum number of members of a star level in a branch: ``percent`` of the participants rounded
    down; a branch with fewer than ``small_branch_size`` participants may still name
    ``small_branch_minimum`` members (S003 P4 第十六条: one five-star member under 10 participants)."""
    quota = math.floor(participants * percent / 100.0 + 1e-9)
    if small_branch_size and participants < small_branch_size and participants:
        quota = max(quota, small_branch_minimum)
    return quota


def assign_stars(rows, thresholds, quotas, core_bar=None, small_branch_size=10, veto_stars=1):
    """Stars of the graded participants of one branch.

    ``rows``: dicts with ``id``, ``total``, optional ``core_ok`` (False when a core component is below
    the bar: no four or five stars) and ``veto`` (forced to ``veto_stars``).
    ``thresholds``: minimum total per star level, e.g. ``{5: 90, 4: 80, 3: 70, 2: 60}`` (below all: 1 star).
    ``quotas``: percent of participants per quota-bound level, e.g. ``{5: 10, 4: 30, 3: 40}``.
    ``core_bar``: the best star level a member failing the core bar can get (3 by default).

    Members are taken from the highest total down (ties by id); a member whose level is full drops to
    the next level that still has room and whose threshold they meet.
    Returns ``{id: stars}``.
    """
    participants = len(rows)
    remaining = {
        level: star_quota(participants, percent, small_branch_size, 1 if level == max(quotas) else 0)
        for level, percent in quotas.items()
    }
    best_without_core = core_bar if core_bar is not None else 3
    levels = sorted(thresholds, reverse=True)
    result = {}
    for row in sorted(rows, key=lambda r: (-r["total"], r["id"])):
        if row.get("veto"):
            result[row["id"]] = veto_stars
            continue
        stars = 1
        for level in levels:
            if row["total"] < thresholds[level]:
                continue
            if level > best_without_core and not row.get("core_ok", True):
                continue
            if level in remaining:
                if remaining[level] <= 0:
                    continue
                remaining[level] -= 1
            stars = level
            break
        result[row["id"]] = stars
    return result


def competition_ranks(values):
    """Standard competition ranking (1, 2, 2, 4) of ``{key: total}``, highest first."""
    ordered = sorted(values.items(), key=lambda item: -item[1])
    ranks = {}
    previous = None
    for position, (key, value) in enumerate(ordered, start=1):
        if previous is None or value != previous[1]:
            previous = (position, value)
        ranks[key] = previous[0]
    return ranks


def publication_end_date(start, days, working_days=False, holidays=(), workdays=()):
    """Last day of a publication (公示) of ``days`` days starting on ``start`` (counted as day one).

    With ``working_days`` ("公示5个工作日") Saturdays, Sundays and the public ``holidays`` (a set of dates: the
    company's public holidays, e.g. the Spring Festival) are not counted, except the Saturdays and Sundays of
    ``workdays``, the make-up working days of the holiday schedule (调休上班, e.g. Saturday 14 February 2026); a
    publication starting on a day off starts on the next working day."""
    days = max(int(days or 1), 1)
    if not working_days:
        return start + timedelta(days=days - 1)
    holidays = set(holidays or ())
    workdays = set(workdays or ())

    def working(day):
        return (day.weekday() < 5 or day in workdays) and day not in holidays

    current = start
    while not working(current):
        current += timedelta(days=1)
    counted = 1
    while counted < days:
        current += timedelta(days=1)
        if working(current):
            counted += 1
    return current


def period_start(day, period_type):
    """First day of the period of ``period_type`` containing ``day`` (cheap: called for every entry of a batch)."""
    months = PERIOD_MONTHS[period_type]
    return date(day.year, ((day.month - 1) // months) * months + 1, 1)


def period_bounds(day, period_type):
    """First and last day of the period of ``period_type`` containing ``day``."""
    start = period_start(day, period_type)
    end = start + relativedelta(months=PERIOD_MONTHS[period_type], days=-1)
    return start, end


def mean_of_quarters(quarter_totals):
    """Annual total of schemes scored per quarter (S003 P5/P6): the sum of the four quarters divided by 4."""
    return sum(quarter_totals) / 4.0


def core_bar_met(core_points, core_bar_points=0.0, core_percents=(), core_bar_percent=0.0):
    """True when a member may be rated four or five stars as far as the core is concerned.

    S003 P4 第十七条: "过好组织生活、参加学习教育、执行管理制度等基础得分低于 70 分的，不得参评四星级、五星级党员" —
    the *basic score*, the sum of the core components (organizational life 35 + study 25 + rules 20 = 80 at most),
    below ``core_bar_points`` (70) bars four and five stars: 35 + 25 + 10 = 70 passes, 25 + 16 + 20 = 61 does not.
    A scheme may instead (or as well) ask each core component to reach ``core_bar_percent`` of its maximum
    (``core_percents``: the percent of each core component)."""
    if core_bar_points and core_points + 1e-9 < core_bar_points:
        return False
    if core_bar_percent and any(percent + 1e-9 < core_bar_percent for percent in core_percents):
        return False
    return True


def component_percent(points, max_points):
    """Share of a component's maximum reached by its ``points``, in percent (0 without a maximum): the
    ``% of Maximum`` of a result line. The result lines' view computes it the same way in SQL
    (``party.points.result.line``)."""
    return 100.0 * points / max_points if max_points else 0.0


def member_year_figures(components, ledger, total_method="sum", floor_mode="component", core_bar_percent=0.0,
                        carry_over_percent=0.0, previous_total=0.0, core_bar_points=0.0):
    """Annual figures of one member before veto and grade.

    ``components``: ``(component_id, start_points, max_points, is_core)`` of the scheme, in order;
    ``ledger``: ``{component_id: [q1, q2, q3, q4]}`` posted points of the year per quarter.
    Sum schemes add the year's points to the starting points (the component floor applies to the year);
    schemes scored per quarter score each quarter from the starting points and take the mean of the quarters.
    Returns a dict: ``lines`` (``(component_id, points, max_points)``: the percent of the maximum is worked out
    where the lines are read, see :func:`component_percent`), ``quarters``, ``earned`` (floored at zero for a total
    floor), ``carry`` (share of last year's positive total) and ``core_ok``.
    Called for every member of a county: plain arithmetic, no intermediate lists.
    """
    lines = []
    t1 = t2 = t3 = t4 = subtotal = core_points = 0.0
    core_percents = []
    floor_component = floor_mode == "component"
    mean = total_method == "mean_quarters"
    for component_id, start_points, max_points, is_core in components:
        q1, q2, q3, q4 = ledger.get(component_id) or (0.0, 0.0, 0.0, 0.0)
        if mean:
            q1, q2, q3, q4 = start_points + q1, start_points + q2, start_points + q3, start_points + q4
            if floor_component:
                q1, q2, q3, q4 = max(q1, 0.0), max(q2, 0.0), max(q3, 0.0), max(q4, 0.0)
            points = mean_of_quarters((q1, q2, q3, q4))
        else:
            q1 += start_points
            points = q1 + q2 + q3 + q4
            if floor_component and points < 0.0:
                points = 0.0
        t1 += q1
        t2 += q2
        t3 += q3
        t4 += q4
        subtotal += points
        if is_core:
            core_points += points
            if max_points:
                core_percents.append(component_percent(points, max_points))
        lines.append((component_id, points, max_points))
    carry = round_half_up(previous_total * carry_over_percent / 100.0) if previous_total > 0 else 0.0
    earned = max(subtotal, 0.0) if floor_mode == "total" else subtotal
    core_ok = core_bar_met(core_points, core_bar_points, core_percents, core_bar_percent)
    return {"lines": lines, "quarters": [t1, t2, t3, t4], "earned": earned, "carry": carry, "core_ok": core_ok}


def not_graded_key(stage, join_date, frail_exempt, year, leading_cadre=False, transferred_in=False):
    """Why a member earning points is not graded nor star-rated in ``year`` (None when graded):

    - ``probationary``: their points decide on-time confirmation;
    - ``joined``: joined the party during the year (S003 P4 第六条 "当年新发展党员…不参加评星定级");
    - ``transferred``: transferred in from outside during the year (第六条 "市外新转入党员纳入积分管理，不参加评星
      定级");
    - ``leading_cadre``: a leading cadre (第五条 "党员领导干部…纳入积分管理，不参与评星定级");
    - ``exempt``: frail or ill, exemption approved (第七条: left out of points management altogether; kept for the
      results of a member exempted after their result was made).
    """
    if stage == "probationary":
        return "probationary"
    if join_date and join_date.year >= year:
        return "joined"
    if transferred_in:
        return "transferred"
    if leading_cadre:
        return "leading_cadre"
    if frail_exempt:
        return "exempt"
    return None


def veto_keys(six_months=False, sanction=False, sentence=False, manual=False):
    """Veto items (一票否决) that apply, in the order they are reported: each argument is True when the item
    applies and the scheme uses it."""
    flags = (("six_months", six_months), ("sanction", sanction), ("sentence", sentence), ("manual", manual))
    return [key for key, applies in flags if applies]


# Seed 003 (“一公开”): "及时在公开栏内进行公示，公示时间不少于五个工作日" — the publication of the points lasts at
# least five days; a scheme or a period may make it longer, never shorter.
MIN_PUBLICATION_DAYS = 5


def publication_days_too_short(days):
    """True when a publication of ``days`` days is shorter than the seed's floor (公示时间不少于五个工作日)."""
    return (days or 0) < MIN_PUBLICATION_DAYS
