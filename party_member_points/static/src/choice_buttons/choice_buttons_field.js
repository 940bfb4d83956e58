import { registry } from "@web/core/registry";
import { RadioField, radioField } from "@web/views/fields/radio/radio_field";

// A choice made with one click on a line of a list (the grade of a member on the paper ballot entry screen, the
// attendance of a member at a meeting): the plain radio or badge widgets need a first click to open the line
// for editing, then a second one. Big buttons, easy to hit on a phone.
export class ChoiceButtonsField extends RadioField {
    static template = "party_member_points.ChoiceButtonsField";

    get disabled() {
        // read-only by the column's own condition (e.g. a meeting that was held), not merely because the line is
        // not being edited
        return this.props.record._isReadonly(this.props.name);
    }

    onClickChoice(ev, item) {
        ev.stopPropagation();
        if (!this.disabled && this.value !== item[0]) {
            this.onChange(item);
        }
    }
}

registry.category("fields").add("party_choice_buttons", {
    ...radioField,
    component: ChoiceButtonsField,
});
