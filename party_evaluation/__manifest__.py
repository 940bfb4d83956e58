{
    "name": "Democratic Evaluation of Members",
    "summary": "Yearly democratic evaluation of party members (民主评议党员): plan, meeting, secret ballot, "
               "tally, grading, disposals and rectification",
    "description": """
Democratic evaluation campaigns run by party branches: plan approved by the upper committee,
preparation (opinions, talks, self-evaluations, leave), meeting with quorum check, secret
ballots entered by scrutineers, separate member and public tallies, rule-based grade proposals,
hearing of the member, branch resolution, upper approval, publication with points and
follow-up of disposals (warning talk, one-year rectification, persuasion to leave, removal,
probation decisions).
""",
    "version": "18.0.1.1.0",
    "category": "Human Resources/Party Affairs",
    "author": "Party Branch Suite",
    "website": "https://example.org/party-branch-suite",
    "license": "LGPL-3",
    "depends": ["party_member_points"],
    "data": [
        "security/ir.model.access.csv",
        "security/party_evaluation_rules.xml",
        "security/party_evaluation_portal_rules.xml",
        "data/mail_activity_type_data.xml",
        "data/ir_sequence_data.xml",
        "data/ir_cron_data.xml",
        "report/party_evaluation_paperformat.xml",
        "report/party_evaluation_report_actions.xml",
        "report/party_evaluation_report_style.xml",
        "report/party_evaluation_ballot_templates.xml",
        "report/party_evaluation_tally_templates.xml",
        "report/party_evaluation_results_templates.xml",
        "report/party_evaluation_notice_templates.xml",
        "report/party_evaluation_cadre_templates.xml",
        "wizard/party_evaluation_ballot_entry_views.xml",
        "wizard/party_evaluation_reason_wizard_views.xml",
        "wizard/party_evaluation_upper_ruling_views.xml",
        "views/party_evaluation_participant_views.xml",
        "views/party_evaluation_ballot_views.xml",
        "views/party_evaluation_campaign_views.xml",
        "views/party_evaluation_committee_views.xml",
        "views/party_evaluation_rectification_views.xml",
        "views/party_evaluation_issue_views.xml",
        "views/party_member_views.xml",
        "views/party_evaluation_menus.xml",
        "views/party_organization_overview_views.xml",
        "views/hr_employee_views.xml",
        "views/party_evaluation_portal_templates.xml",
    ],
    "demo": [
        "demo/party_evaluation_demo.xml",
    ],
    "application": False,
    "assets": {
        "web.assets_tests": [
            "party_evaluation/static/tests/tours/*.js",
        ],
    },
    "installable": True,
}
