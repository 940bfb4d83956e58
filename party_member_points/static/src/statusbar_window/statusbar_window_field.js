import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { StatusBarField, statusBarField } from "@web/views/fields/statusbar/statusbar_field";

/**
 * A status bar for a long workflow (the fourteen stages of the democratic evaluation): only a window of the stages
 * around the current one is shown (by default the two before and the two after it), so that the bar stays readable
 * on a normal screen and on a phone instead of being cut at both ends. The stages left out are counted at the
 * ends ("+6").
 */
export class StatusBarWindowField extends StatusBarField {
    static template = "party_member_points.StatusBarWindowField";
    static props = {
        ...StatusBarField.props,
        windowBefore: { type: Number, optional: true },
        windowAfter: { type: Number, optional: true },
    };

    get allStages() {
        return super.getAllItems();
    }

    /** The window of stages around the current one. */
    stageWindow() {
        const items = this.allStages;
        const before = this.props.windowBefore ?? 2;
        const after = this.props.windowAfter ?? 2;
        let current = items.findIndex((item) => item.isSelected);
        if (current < 0) {
            current = 0;
        }
        // a full window at the ends too: the first stages show the next ones, the last stages the previous ones
        let start = Math.max(0, current - before);
        const end = Math.min(items.length, start + before + after + 1);
        start = Math.max(0, end - before - after - 1);
        return { items, start, end };
    }

    getAllItems() {
        const { items, start, end } = this.stageWindow();
        return items.slice(start, end);
    }

    get hiddenBefore() {
        return this.stageWindow().start;
    }

    get hiddenAfter() {
        const { items, end } = this.stageWindow();
        return items.length - end;
    }

    get hiddenBeforeTitle() {
        return _t("%s earlier stages", this.hiddenBefore);
    }

    get hiddenAfterTitle() {
        return _t("%s later stages", this.hiddenAfter);
    }

    get stagePosition() {
        const items = this.allStages;
        return { index: items.findIndex((item) => item.isSelected) + 1, count: items.length };
    }
}

registry.category("fields").add("party_statusbar_window", {
    ...statusBarField,
    component: StatusBarWindowField,
    extractProps: (fieldInfo, dynamicInfo) => ({
        ...statusBarField.extractProps(fieldInfo, dynamicInfo),
        windowBefore: fieldInfo.options.window_before,
        windowAfter: fieldInfo.options.window_after,
    }),
});
