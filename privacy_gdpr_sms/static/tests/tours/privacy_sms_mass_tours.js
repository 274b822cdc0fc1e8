import { registry } from "@web/core/registry";
import {
    giveMassReason,
    leftOutListed,
    selectAndOpen,
} from "@privacy_gdpr/../tests/tours/privacy_mass_composer_tours";

function writeSms() {
    return [
        {
            trigger: ".modal .o_field_widget[name=body] textarea",
            run: "edit Spring offers",
        },
    ];
}

registry.category("web_tour.tours").add("privacy_gdpr_sms_mass_leave_out", {
    steps: () => [
        ...selectAndOpen("Send SMS"),
        ...writeSms(),
        {
            content: "Leaving them out is proposed",
            trigger: ".modal .o_field_widget[name=privacy_mass_decision] input[data-value=leave_out]:checked",
        },
        {
            trigger: ".modal footer button[name=action_send_sms_mass_now]",
            run: "click",
        },
        ...leftOutListed(),
    ],
});

registry.category("web_tour.tours").add("privacy_gdpr_sms_mass_reason", {
    steps: () => [
        ...selectAndOpen("Send SMS"),
        ...writeSms(),
        ...giveMassReason("Storm warning"),
        {
            trigger: ".modal footer button[name=action_send_sms_mass_now]",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal)) .o_list_view .o_data_row:contains(Tour Mass Giulia)",
        },
    ],
});
