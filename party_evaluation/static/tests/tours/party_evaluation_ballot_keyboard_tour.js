import { registry } from "@web/core/registry";

// A scrutineer copies paper ballots with the keyboard only, from the campaign: 1–4 give the grade of the marked
// member and go to the next one, Enter saves the ballot and opens the next one. Then "Count Ballots" lists the
// anomalies of the round before closing the vote.
registry.category("web_tour.tours").add("party_evaluation_ballot_keyboard", {
    steps: () => [
        {
            content: "Open the ballot entry of the campaign",
            trigger: ".o_form_view button[name=action_open_ballot_entry]",
            run: "click",
        },
        {
            content: "The first member is marked",
            trigger: ".modal .o_field_widget[name=line_ids] .o_data_row:first.o_party_ballot_current",
        },
        {
            content: "The counter shows the paper ballots still allowed",
            trigger: ".modal .o_field_widget[name=member_progress]:contains(0 /)",
        },
        {
            content: "The keys go to the ballot (the dialog focuses it; a click on it too)",
            trigger: ".modal .o_party_ballot_keys",
            run: "click",
        },
        {
            content: "1: the first member is Excellent",
            trigger: ".modal .o_party_ballot_keys",
            run: "press 1",
        },
        {
            trigger: ".modal .o_data_row:eq(0) button[data-value=excellent].active",
        },
        {
            content: "The second member is marked now",
            trigger: ".modal .o_data_row:eq(1).o_party_ballot_current",
        },
        {
            content: "4: the second member is Unqualified",
            trigger: ".modal .o_party_ballot_keys",
            run: "press 4",
        },
        {
            trigger: ".modal .o_data_row:eq(1) button[data-value=unqualified].active",
        },
        {
            content: "3: the third member is Basically Qualified",
            trigger: ".modal .o_data_row:eq(2).o_party_ballot_current",
            run: "press 3",
        },
        {
            trigger: ".modal .o_data_row:eq(2) button[data-value=basic].active",
        },
        {
            content: "2: the fourth member is Qualified",
            trigger: ".modal .o_data_row:eq(3).o_party_ballot_current",
            run: "press 2",
        },
        {
            trigger: ".modal .o_data_row:eq(3) button[data-value=qualified].active",
        },
        {
            content: "Enter saves the ballot and opens the next one",
            trigger: ".modal .o_party_ballot_keys",
            run: "press Enter",
        },
        {
            content: "The next ballot counts the first one, its first member marked and nobody graded",
            trigger: ".modal .o_field_widget[name=member_progress]:contains(1 /)",
        },
        {
            trigger: ".modal .o_data_row:first.o_party_ballot_current:not(:has(button.active))",
        },
        {
            trigger: ".modal .o_party_ballot_keys",
            run: "click",
        },
        {
            content: "2 then Enter: a second ballot",
            trigger: ".modal .o_party_ballot_keys",
            run: "press 2",
        },
        {
            trigger: ".modal .o_data_row:eq(0) button[data-value=qualified].active",
            run: "press Enter",
        },
        {
            trigger: ".modal .o_field_widget[name=member_progress]:contains(2 /)",
        },
        {
            content: "Close the empty third ballot",
            trigger: ".modal footer button.btn-secondary[special=cancel]",
            run: "click",
        },
        {
            content: "Count the ballots",
            trigger: "body:not(:has(.modal)) .o_form_view button[name=action_confirm_tally]",
            run: "click",
        },
        {
            content: "The confirmation lists the public ballots missing and the member ballots missing",
            trigger: ".modal .o_party_tally_anomalies:visible .o_field_widget[name=anomalies]:contains(3)",
        },
        {
            trigger: ".modal footer button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The vote is closed",
            trigger: "body:not(:has(.modal)) .o_form_view .o_statusbar_status button[aria-checked=true][data-value=tallied]",
        },
        {
            content: "The status bar shows a window of five stages around the current one, the others counted",
            trigger: ".o_party_statusbar_window:has(.o_party_stages_before:contains(+4)):has(.o_party_stages_after:contains(+5))",
            run() {
                const stages = document.querySelectorAll(
                    ".o_party_statusbar_window .o_statusbar_status .o_arrow_button:not(.dropdown-toggle)");
                if (stages.length !== 5) {
                    throw new Error(`${stages.length} stages shown instead of 5`);
                }
            },
        },
    ],
});
