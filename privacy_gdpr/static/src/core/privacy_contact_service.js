import { registry } from "@web/core/registry";

/**
 * The one way the web client asks before contacting people: the server says
 * whether some of them need a contact reason (no valid consent on the channel);
 * when they do, the reason dialog asks it.
 */
export const privacyContactService = {
    dependencies: ["action", "orm"],
    start(env, { action, orm }) {
        return {
            /**
             * @param {"email"|"sms"|"call"} channel
             * @param {string} resModel the document the contact is about
             * @param {number} resId
             * @param {Object} [options] see privacy_contact_check on the server
             * @returns {Promise<Object|null>} the context that carries the reason
             *   to the server (empty when none is needed), or null when the user
             *   cancelled: then nothing must happen.
             */
            async ask(channel, resModel, resId, options = {}) {
                const dialogAction = await orm.call(
                    "privacy.contact.reason.wizard",
                    "privacy_contact_check",
                    [channel, resModel, resId],
                    options
                );
                if (!dialogAction) {
                    return {};
                }
                return new Promise((resolve) => {
                    action.doAction(dialogAction, {
                        onClose: (infos) => resolve(infos?.privacy_contact || null),
                    });
                });
            },
        };
    },
};

registry.category("services").add("privacy_contact", privacyContactService);
