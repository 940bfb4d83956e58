import { registry } from "@web/core/registry";
import { pivotView } from "@web/views/pivot/pivot_view";
import { PivotModel } from "@web/views/pivot/pivot_model";

/**
 * The party performance pivot of HR: its download carries the search domain, from which the server names the
 * file after the report and the years it covers (各部门党员表现 2025.xlsx), read with the user's own rights.
 */
export class PartyHrPivotModel extends PivotModel {
    exportData() {
        return { ...super.exportData(), domain: this.searchParams.domain };
    }
}

export const partyHrPivotView = { ...pivotView, Model: PartyHrPivotModel };

registry.category("views").add("party_hr_pivot", partyHrPivotView);
