/** @odoo-module **/

import publicWidget from "@web/legacy/js/public/public_widget";
import { rpcBus } from "@web/core/network/rpc";
import { fetchConsentFields } from "@privacy_gdpr_website/js/consent_fields";

const SUBSCRIBE_URL = "/website_mass_mailing/subscribe";

/**
 * The consent boxes of the newsletter block, form and popup: added under the
 * e-mail input when the page is shown, and sent with the subscription.
 *
 * Odoo's newsletter widget posts the subscription itself; the boxes join its
 * request on the way out (rpcBus's RPC:REQUEST, triggered before the request
 * is sent), so that Odoo's widget stays as it is.
 */
publicWidget.registry.PrivacyNewsletterConsents = publicWidget.Widget.extend({
    selector: "[data-privacy-consent-types] .js_subscribe, .js_subscribe[data-privacy-consent-types]",
    disabledInEditableMode: true,
    read_events: {
        "click .js_subscribe_btn": "_onSubscribeClick",
    },

    async willStart() {
        await this._super(...arguments);
        const formName = this.el.closest(".o_newsletter_popup")
            ? "newsletter_popup"
            : this.el.closest(".s_newsletter_block")
            ? "newsletter_block"
            : "newsletter_form";
        this.fieldsEl = await fetchConsentFields(
            this.el.closest("[data-privacy-consent-types]"),
            "mailing.contact",
            formName
        );
    },
    start() {
        if (this.fieldsEl) {
            this.fieldsEl.classList.add("mt-3");
            const wrapEl = this.el.querySelector(".js_subscribe_wrap") || this.el;
            wrapEl.append(this.fieldsEl);
            this._onRpcRequest = this._onRpcRequest.bind(this);
            rpcBus.addEventListener("RPC:REQUEST", this._onRpcRequest);
        }
        return this._super(...arguments);
    },
    destroy() {
        if (this.fieldsEl) {
            rpcBus.removeEventListener("RPC:REQUEST", this._onRpcRequest);
            this.fieldsEl.remove();
        }
        this._super(...arguments);
    },

    /**
     * The subscription about to be posted is this block's: the next one.
     */
    _onSubscribeClick() {
        this.subscribing = Boolean(this.fieldsEl);
    },
    _onRpcRequest({ detail: { data, url } }) {
        if (url !== SUBSCRIBE_URL || !this.subscribing) {
            return;
        }
        this.subscribing = false;
        for (const input of this.fieldsEl.querySelectorAll("input")) {
            if (input.type !== "checkbox" || input.checked) {
                data.params[input.name] = input.value;
            }
        }
    },
});
