from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .party_organization import SECTORS
from .party_points_logic import MIN_PUBLICATION_DAYS, PERIOD_TYPES, publication_days_too_short


class PartyPointsScheme(models.Model):
    """A points scheme (积分办法): components with maxima, rules, periods, grading and stars.

    The sector of a member's organization selects the scheme (S003 P6 has separate rural, office and
    non-public booklets); an organization may also name its scheme explicitly.
    """

    _name = "party.points.scheme"
    _description = "Points Scheme"
    _inherit = ["mail.thread"]
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True, tracking=True)
    code = fields.Char(required=True, help="Short technical code, e.g. P4.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True)
    company_id = fields.Many2one("res.company", index=True, help="Leave empty to share the scheme between companies.")
    is_default = fields.Boolean(
        string="Default Scheme", tracking=True,
        help="Used for every organization whose sector has no scheme of its own.")
    sector = fields.Selection(SECTORS, tracking=True,
                              help="Organizations of this sector use this scheme (unless they name another one).")
    component_ids = fields.One2many("party.points.component", "scheme_id", string="Components", copy=True)
    rule_ids = fields.One2many("party.points.rule", "scheme_id", string="Rules", copy=True)
    rule_count = fields.Integer(compute="_compute_rule_count")

    # Periods
    period_type = fields.Selection(PERIOD_TYPES, required=True, default="quarter", tracking=True,
                                   string="Review Period",
                                   help="Points are recorded continuously and reviewed and published per period.")
    publication_days = fields.Integer(default=5, required=True, tracking=True,
                                      help="Length of the publication (公示) of a period's points.")
    publication_working_days = fields.Boolean(
        string="Count Working Days", help="Count only Monday to Friday in the publication length.")
    late_claim_days = fields.Integer(
        default=30, help="A member's claim for a date older than this needs two witnesses (补录).")

    # Annual total
    total_method = fields.Selection(
        [("sum", "Sum of the Year"), ("mean_quarters", "Mean of the Quarters")], required=True, default="sum",
        tracking=True,
        help="Sum: the year's points add up (component maxima apply to the year). Mean of the quarters: each "
             "quarter is scored on its own (component maxima apply per quarter) and the annual total is the "
             "sum of the four quarters divided by 4.")
    floor_mode = fields.Selection(
        [("none", "No Floor"), ("component", "Each Component at Zero"), ("total", "Total at Zero")],
        required=True, default="component", tracking=True,
        help="Deductions stop at zero (扣完为止) for each component or for the total.")
    carry_over_percent = fields.Float(
        string="Carry-over (%)", default=0.0, tracking=True,
        help="Share of last year's total that becomes this year's base (S004: 30 %).")

    # Grades (S003 P2/P10)
    grade_excellent_min = fields.Float(string="Excellent from", default=90.0)
    grade_qualified_min = fields.Float(string="Qualified from", default=75.0)
    grade_basic_min = fields.Float(string="Basically Qualified from", default=60.0)

    # Stars (S003 P4)
    star5_min = fields.Float(string="Five Stars from", default=90.0)
    star4_min = fields.Float(string="Four Stars from", default=80.0)
    star3_min = fields.Float(string="Three Stars from", default=70.0)
    star2_min = fields.Float(string="Two Stars from", default=60.0)
    star5_quota = fields.Float(string="Five-star Quota (%)", default=10.0)
    star4_quota = fields.Float(string="Four-star Quota (%)", default=30.0)
    star3_quota = fields.Float(string="Three-star Quota (%)", default=40.0)
    small_branch_size = fields.Integer(
        default=10, help="A branch with fewer participants than this may still name one five-star member.")
    core_bar_percent = fields.Float(
        string="Core Bar (%)", default=70.0,
        help="A member whose core components score below this share of their maximum cannot get four or five "
             "stars.")
    warning_below = fields.Float(
        string="Warning below (points)", default=0.0,
        help="A rated member whose year total is below this is warned (警示) and the branch holds a talk; warned two "
             "years running, the member is proposed Unqualified in the democratic evaluation (S003 P4 第二十四条: "
             "60). 0: no warning.")
    top_ten_clean_basic = fields.Boolean(
        string="Top 10 % without Basic Deductions",
        help="A member of the top 10 % who lost points (a deduction) during the year is not on the top 10 % list "
             "recommended for honours (S003 P8: 在基本分无扣分的前提下).")
    bottom_ten_barred = fields.Boolean(
        string="Bottom 10 % Barred from Honours",
        help="The bottom 10 % of a branch are barred from honours and the branch holds a talk (S003 P8).")
    excellent_needs_stars = fields.Boolean(
        string="Excellent only with Four or Five Stars",
        help="The grade Excellent is given only to four- and five-star members; others at the excellent threshold "
             "are Qualified (S003 P4 第二十条).")
    core_bar_points = fields.Float(
        string="Core Bar (points)", default=0.0,
        help="A member whose basic score (the sum of the core components: organizational life, study, rules) is "
             "below this many points cannot get four or five stars (S003 P4 第十七条: 70 points). 0: no such bar.")

    # Veto items (一票否决)
    veto_outcome = fields.Selection(
        [("unqualified", "Graded Unqualified"), ("one_star", "One Star and Unqualified"),
         ("void", "Points of the Year Void")],
        required=True, default="one_star", tracking=True,
        help="What a veto item does to the member's annual result.")
    veto_six_months = fields.Boolean(
        string="Six Months without Org Life or Dues", default=True,
        help="Six consecutive months without organizational life or dues and without a valid reason.")
    veto_sanction = fields.Boolean(string="Party or State Sanction", default=True,
                                   help="A sanction running during the year.")
    veto_sentence = fields.Boolean(string="Criminal Proceedings", default=True,
                                   help="Serving a sentence or under criminal proceedings.")

    _sql_constraints = [
        ("code_company_uniq", "unique(code, company_id)", "The scheme code must be unique."),
    ]

    @api.depends("rule_ids")
    def _compute_rule_count(self):
        counts = dict(self.env["party.points.rule"]._read_group(
            [("scheme_id", "in", self.ids)], ["scheme_id"], ["__count"]))
        for scheme in self:
            scheme.rule_count = counts.get(scheme, 0)

    @api.constrains("grade_excellent_min", "grade_qualified_min", "grade_basic_min")
    def _check_grades(self):
        for scheme in self:
            if not scheme.grade_excellent_min > scheme.grade_qualified_min > scheme.grade_basic_min:
                raise ValidationError(self.env._(
                    "%s: the grade thresholds must decrease from excellent to basically qualified.", scheme.name))

    @api.constrains("star5_min", "star4_min", "star3_min", "star2_min", "star5_quota", "star4_quota",
                    "star3_quota", "core_bar_percent", "carry_over_percent", "core_bar_points")
    def _check_stars(self):
        for scheme in self:
            if scheme.core_bar_points < 0:
                raise ValidationError(self.env._("%s: the core bar cannot be negative.", scheme.name))
            if not scheme.star5_min > scheme.star4_min > scheme.star3_min > scheme.star2_min:
                raise ValidationError(self.env._(
                    "%s: the star thresholds must decrease from five to two stars.", scheme.name))
            percents = (scheme.star5_quota, scheme.star4_quota, scheme.star3_quota, scheme.core_bar_percent,
                        scheme.carry_over_percent)
            if any(value < 0 or value > 100 for value in percents):
                raise ValidationError(self.env._("%s: percentages must be between 0 and 100.", scheme.name))

    @api.constrains("publication_days")
    def _check_publication_days(self):
        for scheme in self:
            if publication_days_too_short(scheme.publication_days):
                raise ValidationError(self.env._(
                    "%(scheme)s: the publication of the points lasts at least %(days)s days.",
                    scheme=scheme.name, days=MIN_PUBLICATION_DAYS))

    @api.constrains("is_default", "sector", "company_id", "active")
    def _check_unique_default(self):
        for scheme in self.filtered("active"):
            domain = [("id", "!=", scheme.id), ("company_id", "=", scheme.company_id.id)]
            if scheme.is_default and self.search_count(domain + [("is_default", "=", True)]):
                raise ValidationError(self.env._("There can be only one default points scheme."))
            if scheme.sector and self.search_count(domain + [("sector", "=", scheme.sector)]):
                raise ValidationError(self.env._(
                    "Another scheme already applies to the sector of %s.", scheme.name))

    # ------------------------------------------------------------------ helpers
    def _grade_thresholds(self):
        self.ensure_one()
        return {"excellent": self.grade_excellent_min, "qualified": self.grade_qualified_min,
                "basic": self.grade_basic_min}

    def _star_thresholds(self):
        self.ensure_one()
        return {5: self.star5_min, 4: self.star4_min, 3: self.star3_min, 2: self.star2_min}

    def _star_quotas(self):
        self.ensure_one()
        return {5: self.star5_quota, 4: self.star4_quota, 3: self.star3_quota}

    def _year_settings(self):
        """Plain values of the scheme used to compute the annual results (read once per computation)."""
        self.ensure_one()
        return {
            "id": self.id,
            "components": [(c.id, c.start_points, c.max_points, c.is_core) for c in self.component_ids],
            "total_method": self.total_method,
            "floor_mode": self.floor_mode,
            "core_bar_percent": self.core_bar_percent,
            "core_bar_points": self.core_bar_points,
            "warning_below": self.warning_below,
            "carry_over_percent": self.carry_over_percent,
            "veto_six_months": self.veto_six_months,
            "veto_sanction": self.veto_sanction,
            "veto_sentence": self.veto_sentence,
            "veto_outcome": self.veto_outcome,
            "grades": self._grade_thresholds(),
        }

    def _floor_for_component(self):
        self.ensure_one()
        return 0.0 if self.floor_mode == "component" else None

    def _get_rule(self, code):
        """The active rule of this scheme with ``code``, else the default scheme's."""
        self.ensure_one()
        Rule = self.env["party.points.rule"].sudo()
        rule = Rule.search([("scheme_id", "=", self.id), ("code", "=", code)], limit=1)
        if not rule and not self.is_default:
            rule = Rule.search([("scheme_id.is_default", "=", True), ("code", "=", code)], limit=1)
        return rule

    @api.model
    def _default_scheme(self, company=None):
        company = company or self.env.company
        return self.sudo().search([("is_default", "=", True), ("company_id", "in", (False, company.id))],
                                  order="company_id, sequence", limit=1)

    def action_view_rules(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("party_member_points.party_points_rule_action")
        action["domain"] = [("scheme_id", "=", self.id)]
        action["context"] = {"default_scheme_id": self.id}
        return action
