import { browser } from "@web/core/browser/browser";
import { registry } from "@web/core/registry";

/**
 * Dialling leaves the page in a real browser: the tours record the number on
 * the body instead, to see whether and when the call started.
 */
function recordDialling() {
    Object.defineProperty(browser, "location", {
        configurable: true,
        get: () => ({
            assign: (href) => {
                document.body.dataset.privacyDialled = href;
            },
        }),
    });
}

function cancelDialog() {
    return [
        {
            trigger: ".modal footer button:contains(Cancel)",
            run: "click",
        },
    ];
}

function giveReason(note) {
    return [
        {
            content: "The dialog asks for a contact reason",
            trigger: ".modal .o_field_widget[name=privacy_contact_reason_id] input",
            run: "edit Performance",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains(Performance of a contract)",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=privacy_contact_note] textarea",
            run: `edit ${note}`,
        },
        {
            trigger: ".modal footer button[name=action_confirm]",
            run: "click",
        },
    ];
}

registry.category("web_tour.tours").add("privacy_gdpr_call_without_consent", {
    steps: () => [
        {
            content: "The Call link shows while the number has the focus",
            trigger: ".o_form_view .o_field_widget[name=mobile] input",
            run: "click",
        },
        {
            content: "Call the mobile of a contact without consent",
            trigger: ".o_form_view .o_field_widget[name=mobile] a.o_phone_form_link",
            run(helpers) {
                recordDialling();
                return helpers.click();
            },
        },
        {
            content: "Not dialled before the reason",
            trigger: "body:not([data-privacy-dialled]) .modal .o_field_widget[name=privacy_reason_partner_ids]:contains(Tour Camille)",
        },
        ...cancelDialog(),
        {
            content: "Cancelled: no call",
            trigger: "body:not([data-privacy-dialled]):not(:has(.modal)) .o_form_view .o_field_widget[name=mobile] input",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=mobile] a.o_phone_form_link",
            run: "click",
        },
        ...giveReason("Delivery date"),
        {
            content: "The call starts once the reason is given",
            trigger: "body[data-privacy-dialled='tel:+33612345678']:not(:has(.modal))",
        },
    ],
});

registry.category("web_tour.tours").add("privacy_gdpr_call_with_consent", {
    steps: () => [
        {
            content: "Call, from the list, a contact who consented",
            trigger: ".o_list_view .o_data_row:contains(Tour Giulia) .o_field_widget[name=phone] a",
            run(helpers) {
                recordDialling();
                return helpers.click();
            },
        },
        {
            content: "The call starts without any dialog, and the row stays closed",
            trigger: "body[data-privacy-dialled='tel:+393471234567']:not(:has(.modal)) .o_list_view",
        },
    ],
});

registry.category("web_tour.tours").add("privacy_gdpr_chatter_without_consent", {
    steps: () => [
        {
            trigger: ".o-mail-Chatter button:contains(Send message)",
            run: "click",
        },
        {
            trigger: ".o-mail-Composer-input",
            run: "edit Your kitchen is ready",
        },
        {
            trigger: ".o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            content: "The dialog names the recipient without consent",
            trigger: ".modal .o_field_widget[name=privacy_reason_partner_ids]:contains(Tour Camille)",
        },
        ...cancelDialog(),
        {
            content: "Cancelled: nothing is posted, the text stays",
            trigger: "body:not(:has(.modal)):not(:has(.o-mail-Message-body:contains(Your kitchen is ready))) .o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=privacy_reason_partner_ids]:contains(Tour Camille)",
        },
        ...giveReason("Order follow-up"),
        {
            content: "The message is posted",
            trigger: ".o-mail-Message-body:contains(Your kitchen is ready)",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
    ],
});

registry.category("web_tour.tours").add("privacy_gdpr_call_after_objection", {
    steps: () => [
        {
            trigger: ".o_form_view .o_field_widget[name=mobile] input",
            run: "click",
        },
        {
            content: "Call a contact who withdrew the call consent",
            trigger: ".o_form_view .o_field_widget[name=mobile] a.o_phone_form_link",
            run(helpers) {
                recordDialling();
                return helpers.click();
            },
        },
        {
            content: "The dialog says who objected, to what and since when",
            trigger: ".modal .alert-danger .o_field_widget[name=privacy_objection_note]:contains(Tour Paul):contains(Tour calls withdrawn on)",
        },
        {
            trigger: ".modal .o_field_widget[name=privacy_contact_reason_id] input",
            run: "edit e",
        },
        {
            content: "Only the reasons that override an objection are offered",
            trigger: ".o-autocomplete--dropdown-menu:has(a:contains(Performance of a contract)):not(:has(a:contains(Consent recorded elsewhere))):not(:has(a:contains(Existing customer)))",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains(Performance of a contract)",
            run: "click",
        },
        {
            trigger: ".modal footer button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The call starts once the reason is given",
            trigger: "body[data-privacy-dialled='tel:+33633333333']:not(:has(.modal))",
        },
    ],
});
