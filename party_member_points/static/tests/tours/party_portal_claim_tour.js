import { registry } from "@web/core/registry";

// A member with a free portal login opens the member portal, goes to the party points page, claims points with
// a file as evidence and finds the claim in their list, waiting for approval.
registry.category("web_tour.tours").add("party_portal_claim", {
    url: "/my",
    steps: () => [
        {
            content: "Open the party points from the portal home",
            trigger: ".o_portal_my_home a[href='/my/party']",
            run: "click",
        },
        {
            content: "The overview shows the points of the year",
            trigger: ".o_party_year_total",
        },
        {
            content: "Claim points",
            trigger: "a.o_party_claim_button",
            run: "click",
        },
        {
            content: "Choose the first item a member may claim",
            trigger: "select[name=rule_id]",
            run: "selectByIndex 1",
        },
        {
            content: "Describe the activity",
            trigger: "textarea[name=description]",
            run: "edit Tour: helped at the clinic",
        },
        {
            content: "Attach the evidence",
            trigger: "input[name=attachments]",
            run() {
                const files = new DataTransfer();
                files.items.add(new File(["Certificate of the clinic"], "evidence.txt", { type: "text/plain" }));
                this.anchor.files = files.files;
            },
        },
        {
            content: "Submit the claim",
            trigger: "button.o_party_submit_claim",
            run: "click",
        },
        {
            content: "The claim is submitted",
            trigger: ".o_party_claim_submitted",
        },
        {
            content: "Go to the list of claims",
            trigger: ".o_party_portal_nav a[href='/my/party/claims']",
            run: "click",
        },
        {
            content: "The claim is listed, waiting for approval",
            trigger: ".o_party_claim_row:contains(Tour: helped at the clinic) .badge.text-bg-warning",
        },
    ],
});
