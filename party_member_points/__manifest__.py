{
    "name": "Party Member Register and Points",
    "summary": "Party member register, organizational life, dues and the member points system",
    "description": """
Party branch management: the member register (organizations, members, stages,
status history, transfers, dues, meetings and attendance) and the member points
system (积分制 / 先锋指数).
""",
    "version": "18.0.1.0.0",
    "category": "Human Resources/Party Affairs",
    "author": "Party Branch Suite",
    "website": "https://example.org/party-branch-suite",
    "license": "LGPL-3",
    "depends": ["mail", "hr"],
    "data": [
        "security/party_security.xml",
        "security/ir.model.access.csv",
        "security/party_rules.xml",
        "data/mail_activity_type_data.xml",
        "data/ir_sequence_data.xml",
        "data/ir_cron_data.xml",
        "wizard/party_member_status_wizard_views.xml",
        "wizard/party_member_probation_wizard_views.xml",
        "views/party_organization_views.xml",
        "views/party_member_views.xml",
        "views/party_member_sanction_views.xml",
        "views/party_member_transfer_views.xml",
        "views/party_dues_views.xml",
        "views/party_meeting_views.xml",
        "views/party_menus.xml",
    ],
    "demo": [
        "demo/party_demo.xml",
    ],
    "application": True,
    "installable": True,
}
