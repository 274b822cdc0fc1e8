/** @odoo-module **/

import { registry } from "@web/core/registry";

// A visitor signs up on the portal and agrees to the newsletter, not to SMS.
registry.category("web_tour.tours").add("privacy_gdpr_website_signup", {
    url: "/web/signup",
    steps: () => [
        {
            content: "The consents are asked, nothing ticked, with the information",
            trigger:
                ".oe_signup_form:has(.o_privacy_notice):not(:has(.o_privacy_consent input:checked))",
        },
        { trigger: ".oe_signup_form input[name=login]", run: "edit sophie@example.fr" },
        { trigger: ".oe_signup_form input[name=name]", run: "edit Sophie Germain" },
        { trigger: ".oe_signup_form input[name=password]", run: "edit correct horse battery" },
        {
            trigger: ".oe_signup_form input[name=confirm_password]",
            run: "edit correct horse battery",
        },
        {
            content: "Agree to the newsletter",
            trigger: ".o_privacy_consent[data-consent-code=T_WEB_NEWS] input",
            run: "check",
        },
        {
            content: "Sign up",
            trigger: ".oe_signup_form button[type=submit]",
            run: "click",
        },
        {
            content: "The account is created: the portal's home",
            trigger: ".o_portal_my_home",
        },
    ],
});
