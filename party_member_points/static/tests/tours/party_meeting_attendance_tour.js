import { registry } from "@web/core/registry";

// The secretary loads the members of a planned meeting: nobody is marked yet and the screen says what marking
// the meeting held will post; one click marks a member present, one click another absent.
registry.category("web_tour.tours").add("party_meeting_attendance", {
    steps: () => [
        {
            content: "Load the members of the branch",
            trigger: ".o_form_view button[name=action_load_members]",
            run: "click",
        },
        {
            content: "Nobody is marked: the preview names them",
            trigger: ".o_field_widget[name=points_preview]:contains(刘翠花)",
        },
        {
            content: "One click marks 刘翠花 present",
            trigger: ".o_field_widget[name=attendance_ids] .o_data_row:contains(刘翠花) button[data-value=present]",
            run: "click",
        },
        {
            trigger: ".o_data_row:contains(刘翠花) button[data-value=present].active",
        },
        {
            content: "One click marks 吴明亮 absent",
            trigger: ".o_field_widget[name=attendance_ids] .o_data_row:contains(吴明亮) button[data-value=absent]",
            run: "click",
        },
        {
            content: "The preview counts them and no longer names them as unmarked",
            trigger: ".o_field_widget[name=points_preview]:not(:contains(刘翠花)):not(:contains(吴明亮))",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved",
            trigger: ".o_form_view:not(:has(.o_form_status_indicator_buttons:not(.invisible)))",
        },
    ],
});
