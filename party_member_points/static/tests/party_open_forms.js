/** @odoo-module **/

// Test helper of the click-everywhere test (tests/test_ui.py): opens the form of each given record in the web
// client, then every tab of its notebooks (nested ones too), and fails on the first error dialog. The clickbot
// opens menus, views and filters but no record, so a crash inside a form tab would go unnoticed without this.

import { rpcBus } from "@web/core/network/rpc";

const STEP_MS = 60;

// the server's traceback of a failed call, in the test log (the error dialog only says "Odoo Server Error")
rpcBus.addEventListener("RPC:RESPONSE", ({ detail }) => {
    if (detail.error && window.partyOpenFormsRunning) {
        const data = detail.error.data || {};
        console.log(`party form RPC error: ${JSON.stringify(detail.data.params || {}).slice(0, 500)}\n${data.debug || detail.error.message}`);
    }
});

function errorDialog() {
    const dialog = document.querySelector(".o_error_dialog");
    if (dialog) {
        throw new Error("Error dialog detected: " + dialog.innerText.slice(0, 2000));
    }
}

async function settle(condition = () => true, what = "") {
    for (let waited = 0; waited < 30000; waited += STEP_MS) {
        await new Promise((resolve) => setTimeout(resolve, STEP_MS));
        errorDialog();
        if (condition() && !document.querySelector(".o_loading_indicator, .o_blockUI")) {
            return;
        }
    }
    throw new Error(`Timeout while waiting for ${what}`);
}

async function openTabs(label) {
    const clicked = new Set();
    for (let round = 0; round < 50; round++) {
        const tab = [...document.querySelectorAll(".o_form_view .o_notebook_headers .nav-link")].find(
            (link) => !clicked.has(link) && !link.classList.contains("disabled")
        );
        if (!tab) {
            return clicked.size;
        }
        clicked.add(tab);
        tab.click();
        await settle(() => true, `tab ${tab.innerText} of ${label}`);
    }
    return clicked.size;
}

window.partyOpenForms = async function (records) {
    const env = odoo.__WOWL_DEBUG__.root.env;
    window.partyOpenFormsRunning = true;
    try {
        for (const [model, resId] of records) {
            const label = `${model},${resId}`;
            await env.services.action.doAction(
                {
                    type: "ir.actions.act_window",
                    res_model: model,
                    res_id: resId,
                    views: [[false, "form"]],
                },
                { clearBreadcrumbs: true }
            );
            await settle(
                () => document.querySelector(".o_form_view .o_form_renderer"),
                `the form of ${label}`
            );
            const tabs = await openTabs(label);
            console.log(`party form opened: ${label} (${tabs} tabs)`);
        }
        console.log("party forms opened");
    } catch (error) {
        console.error(String(error && error.stack ? error.message + "\n" + error.stack : error));
    }
};
