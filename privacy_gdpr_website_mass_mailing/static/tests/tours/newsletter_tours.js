/** @odoo-module **/

import { registry } from "@web/core/registry";

const BOX = ".o_privacy_consent[data-consent-code=T_WEB_NEWS] input[type=checkbox]";

function subscribe(scope, email, tick) {
    return [
        {
            content: "The consent box is shown, unticked, with the information and the hint",
            trigger: `${scope} .js_subscribe:has(.o_privacy_notice):has(.o_privacy_consent_hint) ${BOX}:not(:checked)`,
        },
        {
            content: "E-mail",
            trigger: `${scope} .js_subscribe input.js_subscribe_value`,
            run: `edit ${email}`,
        },
        ...(tick
            ? [{ content: "Agree to the newsletter", trigger: `${scope} ${BOX}`, run: "check" }]
            : []),
        {
            content: "Subscribe",
            trigger: `${scope} .js_subscribe_btn`,
            run: "click",
        },
    ];
}

registry.category("web_tour.tours").add("privacy_gdpr_newsletter_block", {
    url: "/privacy-newsletter",
    steps: () => [
        ...subscribe(".s_newsletter_block", "ada@example.fr", true),
        {
            content: "Subscribed",
            trigger: ".s_newsletter_block .js_subscribed_wrap:not(.d-none)",
        },
    ],
});

registry.category("web_tour.tours").add("privacy_gdpr_newsletter_block_without_consent", {
    url: "/privacy-newsletter",
    steps: () => [
        ...subscribe(".s_newsletter_block", "alan@example.fr", false),
        {
            content: "Subscribed",
            trigger: ".s_newsletter_block .js_subscribed_wrap:not(.d-none)",
        },
    ],
});

registry.category("web_tour.tours").add("privacy_gdpr_newsletter_popup", {
    url: "/privacy-popup",
    steps: () => [
        ...subscribe(".o_newsletter_popup .modal.show", "grace@example.fr", true),
        {
            content: "The popup closes once subscribed",
            trigger: "body:has(.o_newsletter_popup:not(:visible) .modal)",
        },
    ],
});

registry.category("web_tour.tours").add("privacy_gdpr_newsletter_confirm", {
    steps: () => [
        {
            content: "Confirm the consent from the e-mail's link",
            trigger: "#o_privacy_confirm_form button[type=submit]",
            run: "click",
        },
        {
            content: "Confirmed",
            trigger: ".o_privacy_confirm_done",
        },
    ],
});
