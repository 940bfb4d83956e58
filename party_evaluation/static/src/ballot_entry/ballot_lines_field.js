import { onMounted, useEffect, useExternalListener, useRef, useState } from "@odoo/owl";
import { browser } from "@web/core/browser/browser";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { X2ManyField, x2ManyField } from "@web/views/fields/x2many/x2many_field";

// The keys of the paper ballot, in the order of the grades on the ballot: 1 优秀, 2 合格, 3 基本合格, 4 不合格,
// 5 弃权 (the order of VOTE_CHOICES in evaluation_rules.py).
export const BALLOT_KEYS = {
    1: "excellent",
    2: "qualified",
    3: "basic",
    4: "unqualified",
    5: "abstain",
};

/**
 * The members of one paper ballot, graded from the keyboard: a digit gives the grade of the current member (marked
 * in the list) and moves to the next one; Enter saves the ballot and opens the next one ("Save & Next"). A click on
 * a member makes it the current one.
 */
export class BallotLinesField extends X2ManyField {
    static template = "party_evaluation.BallotLinesField";

    setup() {
        super.setup();
        this.ballotRoot = useRef("ballotRoot");
        this.cursor = useState({ index: 0 });
        onMounted(() => {
            // a ballot opened for a campaign: the keys are the ballot's, not the campaign field's (which the dialog
            // focuses first)
            if (this.props.record.data.campaign_id) {
                browser.setTimeout(() => {
                    const active = document.activeElement;
                    if (this.ballotRoot.el && (!active || active === document.body || this.isTyping(active))) {
                        this.ballotRoot.el.focus();
                    }
                }, 50);
            }
        });
        useExternalListener(window, "keydown", (ev) => this.onBallotKeydown(ev), { capture: true });
        useEffect(
            (index) => {
                const rows = this.ballotRoot.el?.querySelectorAll(".o_data_row") || [];
                rows.forEach((row, position) => {
                    row.classList.toggle("o_party_ballot_current", position === index);
                    if (position === index) {
                        row.scrollIntoView?.({ block: "nearest" });
                    }
                });
            },
            () => [this.cursor.index, this.ballotRecords.length, this.ballotRecords.map((r) => r.data.grade).join()]
        );
    }

    get ballotRecords() {
        return this.props.record.data[this.props.name].records;
    }

    get keysHelp() {
        // prettier-ignore
        return _t("Keys: 1 Excellent · 2 Qualified · 3 Basically Qualified · 4 Unqualified · 5 Abstain, then the next member; ↑ ↓ move; Enter saves the ballot and opens the next one. Marked:");
    }

    get currentName() {
        return this.ballotRecords[this.cursor.index]?.data.member_name || "";
    }

    /** Keys typed in a text field (the campaign, a search) are that field's. */
    isTyping(target) {
        if (!target || !target.closest) {
            return false;
        }
        if (target.isContentEditable || target.closest("textarea, select")) {
            return true;
        }
        const input = target.closest("input");
        return Boolean(input && !["checkbox", "radio", "button"].includes(input.type) && !input.readOnly);
    }

    onBallotKeydown(ev) {
        if (!this.ballotRoot.el || ev.ctrlKey || ev.altKey || ev.metaKey || this.isTyping(ev.target)) {
            return;
        }
        // only the ballot of the dialog (or page) in front
        const container = this.ballotRoot.el.closest(".modal") || this.ballotRoot.el.closest(".o_action");
        if (!container || (document.querySelector(".modal") && !this.ballotRoot.el.closest(".modal"))) {
            return;
        }
        if (container.closest(".modal") && container !== [...document.querySelectorAll(".modal")].at(-1)) {
            return;
        }
        const grade = BALLOT_KEYS[ev.key];
        if (grade) {
            ev.preventDefault();
            ev.stopPropagation();
            const record = this.ballotRecords[this.cursor.index];
            if (record) {
                record.update({ grade });
                this.cursor.index = Math.min(this.cursor.index + 1, this.ballotRecords.length - 1);
            }
        } else if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
            ev.preventDefault();
            ev.stopPropagation();
            const step = ev.key === "ArrowDown" ? 1 : -1;
            this.cursor.index = Math.max(0, Math.min(this.cursor.index + step, this.ballotRecords.length - 1));
        } else if (ev.key === "Enter") {
            if (ev.target.closest?.("button, a") && !this.ballotRoot.el.contains(ev.target)) {
                return; // Enter on a focused button (Discard, Blanks → Qualified) is that button's
            }
            const button = container.querySelector("button[name=action_save_next]");
            if (button && !button.disabled) {
                ev.preventDefault();
                ev.stopPropagation();
                button.click();
            }
        }
    }

    onBallotClick(ev) {
        const row = ev.target.closest(".o_data_row");
        if (!row) {
            return;
        }
        const rows = [...this.ballotRoot.el.querySelectorAll(".o_data_row")];
        const index = rows.indexOf(row);
        if (index >= 0) {
            this.cursor.index = index;
        }
    }
}

registry.category("fields").add("party_ballot_lines", {
    ...x2ManyField,
    component: BallotLinesField,
});
