/** @odoo-module **/

import publicWidget from "@web/legacy/js/public/public_widget";
import { rpc } from "@web/core/network/rpc";

/**
 * The consent types an element asks, as the editor saved them in its
 * data-privacy-consent-types attribute (a list of {id, display_name}).
 */
export function consentTypeIds(el) {
    let types;
    try {
        types = JSON.parse(el.dataset.privacyConsentTypes || "[]");
    } catch {
        return [];
    }
    return Array.isArray(types)
        ? types.map((type) => type && type.id).filter(Number.isInteger)
        : [];
}

/**
 * The consent boxes of a form asking the types of ``el`` for a record of
 * ``model``, in the page's language: an element, or null when there is
 * nothing to ask. Each box is unticked; the element also holds the signed
 * input of what it showed, the page and the form (``formName``).
 */
export async function fetchConsentFields(el, model, formName) {
    const typeIds = consentTypeIds(el);
    if (!typeIds.length) {
        return null;
    }
    const { html } = await rpc("/privacy/web/consent_fields", {
        type_ids: typeIds,
        model,
        lang: document.documentElement.lang,
    });
    if (!html) {
        return null;
    }
    const template = document.createElement("template");
    template.innerHTML = html;
    const fieldsEl = template.content.firstElementChild;
    const inputs = {
        privacy_page_url: window.location.origin + window.location.pathname,
        privacy_form: formName || "",
    };
    for (const [name, value] of Object.entries(inputs)) {
        const input = document.createElement("input");
        Object.assign(input, { type: "hidden", name, value });
        fieldsEl.append(input);
    }
    return fieldsEl;
}

/**
 * The consent boxes of the website's forms (form builder): added before the
 * submit button when the page is shown, removed before the page is edited,
 * so that they are never saved with it.
 */
publicWidget.registry.PrivacyConsentFields = publicWidget.Widget.extend({
    selector: ".s_website_form form[data-privacy-consent-types]",
    disabledInEditableMode: true,

    async willStart() {
        await this._super(...arguments);
        const section = this.el.closest("section");
        this.fieldsEl = await fetchConsentFields(
            this.el,
            this.el.dataset.model_name,
            this.el.id || (section && section.dataset.name)
        );
    },
    start() {
        if (this.fieldsEl) {
            const before = this.el.querySelector(
                ".s_website_form_recaptcha, .s_website_form_submit"
            );
            if (before) {
                before.before(this.fieldsEl);
            } else {
                (this.el.querySelector(".s_website_form_rows") || this.el).append(
                    this.fieldsEl
                );
            }
        }
        return this._super(...arguments);
    },
    destroy() {
        if (this.fieldsEl) {
            this.fieldsEl.remove();
        }
        this._super(...arguments);
    },
});
