import { registry } from "@web/core/registry";

// Each role opens Odoo (/odoo) and lands on the page of its day, not on the Discuss inbox.

// The branch secretary: the overview of the branch he runs only, with his activities in the card's to-do list.
registry.category("web_tour.tours").add("party_home_officer", {
    url: "/odoo",
    steps: () => [
        {
            content: "The overview shows the secretary's branch",
            trigger: ".o_kanban_view .o_kanban_record:contains(东山村党支部)",
        },
        {
            content: "No card of a branch the secretary does not run",
            trigger: ".o_kanban_view:not(:has(.o_kanban_record:contains(西山村党支部)))",
        },
        {
            content: "The card shows the trends of the last 12 months: points, attendance, dues",
            trigger: ".o_kanban_record:contains(东山村党支部) .o_party_overview_trends:has(.o_party_trend:eq(2) svg.o_party_sparkline polyline)",
        },
        {
            content: "The to-do list of the card opens what waits for the secretary",
            trigger: ".o_kanban_record:contains(东山村党支部) .o_party_overview_todo .o_party_todo_line a",
            run: "click",
        },
        {
            content: "The record of the activity opens",
            trigger: ".o_form_view .o_form_sheet",
        },
    ],
});

// A member: their own points.
registry.category("web_tour.tours").add("party_home_member", {
    url: "/odoo",
    steps: () => [
        {
            content: "The member lands on their own points",
            trigger: ".o_list_view .o_searchview_facet",
        },
    ],
});

// HR: the party performance report by department.
registry.category("web_tour.tours").add("party_home_hr", {
    url: "/odoo",
    steps: () => [
        {
            content: "HR lands on the performance report",
            trigger: ".o_pivot_view .o_pivot",
        },
    ],
});
