import { browser } from "@web/core/browser/browser";
import { useService } from "@web/core/utils/hooks";
import { patch } from "@web/core/utils/patch";
import { PhoneField } from "@web/views/fields/phone/phone_field";

/**
 * A click on a phone number (list and form, FormPhoneField inherits it) calls
 * only once the check for calls passed: with a valid consent at once, without
 * one after the reason dialog, which logs the call.
 */
patch(PhoneField.prototype, {
    setup() {
        super.setup(...arguments);
        this.privacyContact = useService("privacy_contact");
    },

    async onClickPrivacyCall(ev) {
        ev.preventDefault();
        ev.stopPropagation(); // a list row would open the record
        const { record, name } = this.props;
        const href = this.phoneHref;
        if ((record.isNew || (await record.isDirty())) && !(await record.save())) {
            return;
        }
        const context = await this.privacyContact.ask("call", record.resModel, record.resId, {
            phone_number: record.data[name],
        });
        if (context) {
            browser.location.assign(href);
        }
    },
});
