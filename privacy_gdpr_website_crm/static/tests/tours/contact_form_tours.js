/** @odoo-module **/

import { registry } from "@web/core/registry";
import { clickOnSave, registerWebsitePreviewTour } from "@website/js/tours/tour_utils";

const CONSENT_BOX = ".o_privacy_consent[data-consent-code=T_WEB_NEWS] input[type=checkbox]";

/**
 * The website editor asks a consent on the Contact us form: the form creates
 * opportunities, and its option "Consents" picks the consent type.
 */
registerWebsitePreviewTour(
    "privacy_gdpr_contact_form_editor",
    { url: "/contactus", edition: true },
    () => [
        {
            content: "Select the contact form",
            trigger: ":iframe #wrap.o_editable section.s_website_form",
            run: "click",
        },
        {
            trigger: "#oe_snippets .o_we_customize_snippet_btn.active",
        },
        {
            content: "Open the action select",
            trigger: "we-select:has(we-button:contains('Create an Opportunity')) we-toggler",
            run: "click",
        },
        {
            content: "The form creates opportunities",
            trigger: "we-select we-button:contains('Create an Opportunity')",
            run: "click",
        },
        {
            content: "Open the consents of the form",
            trigger: "we-customizeblock-option:contains(Consents) .o_we_m2m we-toggler",
            run: "click",
        },
        {
            content: "Ask the newsletter consent",
            trigger:
                "we-customizeblock-option:contains(Consents) we-selection-items we-button:contains('Web newsletter')",
            run: "click",
        },
        {
            content: "The consent is listed in the option",
            trigger: "we-customizeblock-option:contains(Consents) we-list input[data-name='Web newsletter']",
        },
        ...clickOnSave(),
        {
            content: "Once saved, the form shows its consent box, unticked",
            trigger: `:iframe form#contactus_form[data-model_name='crm.lead'] ${CONSENT_BOX}:not(:checked)`,
        },
    ]
);

function fillContactForm(name, email) {
    return [
        {
            content: "The consent box is shown, unticked, with the information",
            trigger: `form#contactus_form:has(.o_privacy_notice) ${CONSENT_BOX}:not(:checked)`,
        },
        {
            content: "Name",
            trigger: "form#contactus_form input[name=contact_name]",
            run: `edit ${name}`,
        },
        {
            content: "E-mail",
            trigger: "form#contactus_form input[name=email_from]",
            run: `edit ${email}`,
        },
        {
            content: "Subject",
            trigger: "form#contactus_form input[name=name]",
            run: "edit A kitchen to renovate",
        },
        {
            content: "Question",
            trigger: "form#contactus_form textarea[name=description]",
            run: `edit Message of ${name}`,
        },
    ];
}

function sendContactForm() {
    return [
        {
            content: "Send the form",
            trigger: "form#contactus_form .s_website_form_send",
            run: "click",
        },
        {
            content: "The form was sent",
            trigger: "#wrap:has(h1:contains('Thank You!'))",
        },
    ];
}

registry.category("web_tour.tours").add("privacy_gdpr_contact_form_without_consent", {
    url: "/contactus",
    steps: () => [...fillContactForm("Marie Curie", "marie@example.fr"), ...sendContactForm()],
});

registry.category("web_tour.tours").add("privacy_gdpr_contact_form_with_consent", {
    url: "/contactus",
    steps: () => [
        ...fillContactForm("Pierre Curie", "pierre@example.fr"),
        {
            content: "Tick the consent box",
            trigger: CONSENT_BOX,
            run: "check",
        },
        ...sendContactForm(),
    ],
});
