import { registry } from "@web/core/registry";

// A branch secretary opens the points waiting for approval, opens a member's claim with its evidence and
// approves it: the entry is posted and the approval activity is done.
registry.category("web_tour.tours").add("party_officer_approve_claim", {
    url: "/odoo/action-party_member_points.party_points_entry_action_approve",
    steps: () => [
        {
            content: "Open the member's claim",
            trigger: ".o_list_view .o_data_row td:contains(Tour claim: blood donation)",
            run: "click",
        },
        {
            content: "The evidence is attached",
            trigger: ".o_form_view .o_field_widget[name=attachment_ids] :contains(donation.txt)",
        },
        {
            content: "The photo is shown as a thumbnail, not as a file name",
            trigger: ".o_form_view .o_field_widget[name=attachment_ids] .o_party_evidence_thumb img[alt='donation.png'][src*='/web/image/']",
        },
        {
            content: "Approve",
            trigger: ".o_form_view .o_form_statusbar button[name=action_approve]",
            run: "click",
        },
        {
            content: "The entry is posted",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current[data-value=posted]",
        },
    ],
});
