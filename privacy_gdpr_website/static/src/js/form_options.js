/** @odoo-module **/

import options from "@web_editor/js/editor/snippets.options";

// The models whose forms may ask consents, asked once per editing session.
let formModels = null;

/**
 * The "Consents" option of website forms: shown when the form's action
 * creates a record that can hold consents.
 */
options.registry.PrivacyConsentTypes = options.Class.extend({
    init() {
        this._super(...arguments);
        this.orm = this.bindService("orm");
    },
    async willStart() {
        const started = this._super(...arguments);
        formModels =
            formModels || this.orm.call("privacy.consent.type", "get_web_form_models", []);
        this.formModels = await formModels;
        return started;
    },
    async _computeVisibility() {
        return this.formModels.includes(this.$target[0].dataset.model_name);
    },
});
