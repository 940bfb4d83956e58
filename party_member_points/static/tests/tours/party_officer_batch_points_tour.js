import { registry } from "@web/core/registry";

// A branch secretary records one rule for several members in one go, reads the summary of what was posted, then
// sees the posted entries.
registry.category("web_tour.tours").add("party_officer_batch_points", {
    url: "/odoo/action-party_member_points.party_points_batch_wizard_action",
    steps: () => [
        {
            content: "Choose the rule",
            trigger: ".modal .o_field_widget[name=rule_id] input",
            run: "edit Commendation by the unit",
        },
        {
            trigger: ".o-autocomplete--dropdown-menu li a:contains(Commendation by the unit)",
            run: "click",
        },
        {
            content: "Describe the activity",
            trigger: ".modal .o_field_widget[name=description] input",
            run: "edit Tour volunteer day",
        },
        ...["刘翠花", "吴明亮"].flatMap((name) => [
            {
                content: `Add ${name}`,
                trigger: ".modal .o_field_widget[name=member_ids] input",
                run: `edit ${name}`,
            },
            {
                trigger: `.o-autocomplete--dropdown-menu li a:contains(${name})`,
                run: "click",
            },
            {
                trigger: `.modal .o_field_widget[name=member_ids] .o_tag:contains(${name})`,
            },
        ]),
        {
            content: "Record the points",
            trigger: ".modal footer button[name=action_record]",
            run: "click",
        },
        {
            content: "A summary says what was posted",
            trigger: ".o_notification.text-prewrap .o_notification_content:contains(2)",
        },
        {
            content: "The ledger shows the new entries",
            trigger: ".o_list_view .o_data_row td:contains(Tour volunteer day)",
        },
    ],
});
