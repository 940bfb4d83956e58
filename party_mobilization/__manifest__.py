{
    "name": "Party Ordered Mobilization",
    "summary": "Ordered mobilization (次序动员) of a village by identity: plans, votes, batches, acceptance",
    "description": """
Ordered mobilization of villagers for key projects (重点工程次序动员机制): the seven identities from the
branch secretary to ordinary villagers, forward and reverse order, plan approval by the town committee,
members' opinions, villager assembly votes, publication, execution in batches, acceptance with
commendations, points and below-standard conversion records.
""",
    "version": "18.0.1.1.0",
    "category": "Human Resources/Party Affairs",
    "author": "Party Branch Suite",
    "website": "https://example.org/party-branch-suite",
    "license": "LGPL-3",
    "depends": ["party_member_points"],
    "data": [
        "security/ir.model.access.csv",
        "security/party_mobilization_rules.xml",
        "data/ir_sequence_data.xml",
        "data/mail_activity_type_data.xml",
        "data/ir_cron_data.xml",
        "report/party_mobilization_reports.xml",
        "report/party_mobilization_report_templates.xml",
        "views/party_mobilization_person_views.xml",
        "views/party_mobilization_participant_views.xml",
        "views/party_mobilization_batch_views.xml",
        "views/party_mobilization_vote_views.xml",
        "views/party_mobilization_opinion_views.xml",
        "views/party_mobilization_commendation_views.xml",
        "views/party_mobilization_conversion_views.xml",
        "views/party_mobilization_downgrade_views.xml",
        "views/party_mobilization_project_views.xml",
        "views/party_mobilization_menus.xml",
        "views/party_organization_overview_views.xml",
        "views/hr_employee_views.xml",
    ],
    "demo": [
        "demo/party_mobilization_demo.xml",
    ],
    "application": False,
    "installable": True,
}
