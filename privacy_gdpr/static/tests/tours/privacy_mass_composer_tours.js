import { registry } from "@web/core/registry";

/**
 * Select the contacts named "Tour Mass" in the contact list, then open an
 * entry of its Action menu (the composers in mass mode).
 */
export function selectAndOpen(actionName) {
    return [
        {
            trigger: ".o_searchview_input",
            run: "edit Tour Mass",
        },
        {
            trigger: ".o_searchview_input",
            run: "press Enter",
        },
        {
            content: "Only the two contacts of the tour are listed",
            trigger:
                ".o_list_view:has(.o_data_row:contains(Tour Mass Giulia)):not(:has(.o_data_row:nth-child(3)))",
        },
        {
            trigger: ".o_list_view thead .o_list_record_selector input",
            run: "click",
        },
        {
            trigger: ".o_control_panel .o_cp_action_menus .dropdown-toggle",
            run: "click",
        },
        {
            trigger: `.o-dropdown--menu .o-dropdown-item:contains(${actionName})`,
            run: "click",
        },
        {
            content: "The composer counts the recipients without consent",
            trigger: ".modal .o_privacy_mass_warning:contains(1 recipients)",
        },
    ];
}

/** Choose to send to them with a contact reason, and give it. */
export function giveMassReason(note) {
    return [
        {
            trigger: ".modal .o_field_widget[name=privacy_mass_decision] input[data-value=reason]",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=privacy_contact_reason_id] input",
            run: "edit Performance",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains(Performance of a contract)",
            run: "click",
        },
        {
            trigger: "body:not(:has(.o-autocomplete--dropdown-menu)) .modal .o_field_widget[name=privacy_contact_note] textarea",
            run: `edit ${note}`,
        },
        {
            trigger: `.modal .o_field_widget[name=privacy_contact_note] textarea:value(${note})`,
        },
    ];
}

/** After sending while leaving them out, the list of those left out opens. */
export function leftOutListed() {
    return [
        {
            content: "The contacts left out are listed",
            trigger:
                "body:not(:has(.modal)) .o_list_view:has(.o_data_row:contains(Tour Mass Camille)):not(:has(.o_data_row:contains(Tour Mass Giulia)))",
        },
        {
            trigger: ".o_breadcrumb .active:contains(Not sent)",
        },
    ];
}

function writeEmail() {
    return [
        {
            trigger: ".modal .o_field_widget[name=subject] input",
            run: "edit Spring offers",
        },
        {
            trigger: ".modal .o_field_widget[name=body] [contenteditable=true]",
            run: "editor Our spring offers",
        },
        {
            content: "Odoo asks where replies go when sending from a list",
            trigger: ".modal .nav-link:contains(Settings)",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=reply_to] input",
            run: "edit offers@example.com",
        },
    ];
}

registry.category("web_tour.tours").add("privacy_gdpr_mass_email_leave_out", {
    steps: () => [
        ...selectAndOpen("Send email"),
        {
            content: "Leaving them out is proposed",
            trigger: ".modal .o_field_widget[name=privacy_mass_decision] input[data-value=leave_out]:checked",
        },
        ...writeEmail(),
        {
            trigger: ".modal footer button[name=action_send_mail]",
            run: "click",
        },
        ...leftOutListed(),
    ],
});

registry.category("web_tour.tours").add("privacy_gdpr_mass_email_reason", {
    steps: () => [
        ...selectAndOpen("Send email"),
        ...giveMassReason("Product recall"),
        ...writeEmail(),
        {
            trigger: ".modal footer button[name=action_send_mail]",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal)) .o_list_view .o_data_row:contains(Tour Mass Giulia)",
        },
    ],
});
