import { registry } from "@web/core/registry";

// The secretary corrects the points of an accepted appeal in one step: the missing points are posted from the
// appeal itself.
registry.category("web_tour.tours").add("party_appeal_correction", {
    steps: () => [
        {
            content: "Correct the points of the accepted appeal",
            trigger: ".o_form_view button[name=action_open_answer_wizard]",
            run: "click",
        },
        {
            content: "Choose the item of the correction",
            trigger: ".modal .o_field_widget[name=correction_rule_id] input",
            run: "edit Tour correction item",
        },
        {
            trigger: ".o-autocomplete--dropdown-menu li a:contains(Tour correction item)",
            run: "click",
        },
        {
            content: "The date is proposed in the period of the appeal",
            trigger: ".modal .o_field_widget[name=correction_date] input:value(/\\d/)",
        },
        {
            content: "Confirm",
            trigger: ".modal footer button[name=action_answer]",
            run: "click",
        },
        {
            content: "The appeal shows its correction entry",
            trigger: "body:not(:has(.modal)) .o_form_view .o_field_widget[name=correction_entry_id]",
        },
    ],
});
