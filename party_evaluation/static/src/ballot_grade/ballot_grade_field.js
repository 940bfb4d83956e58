import { registry } from "@web/core/registry";
import { RadioField, radioField } from "@web/views/fields/radio/radio_field";

// The grade of a member on the paper ballot entry screen: one click on a grade sets it, even on a line of the
// list that is not being edited (the plain radio widget needs a first click to open the line, then a second).
export class BallotGradeField extends RadioField {
    static template = "party_evaluation.BallotGradeField";

    onClickGrade(ev, item) {
        // the line is not opened for editing: the grade is set at once
        ev.stopPropagation();
        if (this.value !== item[0]) {
            this.onChange(item);
        }
    }
}

registry.category("fields").add("party_ballot_grade", {
    ...radioField,
    component: BallotGradeField,
});
