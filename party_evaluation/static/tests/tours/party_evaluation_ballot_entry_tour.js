import { registry } from "@web/core/registry";

// The scrutineers copy paper ballots: one with a grade given by one click and the blanks filled as qualified,
// "Save & Next", then a spoiled ballot, "Save & Close".
registry.category("web_tour.tours").add("party_evaluation_ballot_entry", {
    url: "/odoo/action-party_evaluation.party_evaluation_ballot_entry_action",
    steps: () => [
        {
            content: "Choose the campaign in the voting stage",
            trigger: ".modal .o_field_widget[name=campaign_id] input",
            run: "edit 民主评议",
        },
        {
            trigger: ".o-autocomplete--dropdown-menu li a:contains(民主评议)",
            run: "click",
        },
        {
            content: "The evaluated members are listed",
            trigger: ".modal .o_field_widget[name=line_ids] .o_data_row:contains(刘翠花)",
        },
        {
            content: "The counter shows the paper ballots still allowed",
            trigger: ".modal .o_field_widget[name=member_progress]:contains(0 /)",
        },
        {
            content: "Grade the first member excellent with one click",
            trigger: ".modal .o_field_widget[name=line_ids] .o_data_row:contains(刘翠花) button[data-value=excellent]",
            run: "click",
        },
        {
            content: "The grade is set at once",
            trigger: ".modal .o_data_row:contains(刘翠花) button[data-value=excellent].active",
        },
        {
            content: "The other members are qualified",
            trigger: ".modal button[name=action_fill_blanks]:first",
            run: "click",
        },
        {
            content: "Save and go to the next ballot",
            trigger: ".modal footer button[name=action_save_next]",
            run: "click",
        },
        {
            content: "The next ballot counts the first one",
            trigger: ".modal .o_field_widget[name=member_progress]:contains(1 /)",
        },
        {
            content: "The second ballot is spoiled",
            trigger: ".modal .o_field_widget[name=spoiled] input",
            run: "click",
        },
        {
            content: "Save and close",
            trigger: ".modal footer button[name=action_save_close]",
            run: "click",
        },
        {
            content: "The dialog is closed",
            trigger: "body:not(:has(.modal))",
        },
    ],
});
