import { registry } from "@web/core/registry";

// A person answers the preference page as they would on a phone or a computer:
// yes to the newsletter, no to SMS, nothing for the other purposes, then save.
registry.category("web_tour.tours").add("privacy_gdpr_consent_page", {
    steps: () => [
        {
            content: "Nothing is chosen in advance",
            trigger: "#o_privacy_consent_form:not(:has(input[type=radio]:checked))",
        },
        {
            content: "Agree to the newsletter",
            trigger: "fieldset[data-consent-type=T_NEWSLETTER] label[for$=_given]",
            run: "click",
        },
        {
            content: "Refuse SMS",
            trigger: "fieldset[data-consent-type=T_SMS] label[for$=_refused]",
            run: "click",
        },
        {
            content: "Save",
            trigger: "#o_privacy_consent_form button[type=submit]",
            run: "click",
        },
        {
            content: "The answers are recorded",
            trigger: ".o_privacy_consent_done",
        },
    ],
});
