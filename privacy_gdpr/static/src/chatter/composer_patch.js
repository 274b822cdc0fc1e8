import { toRaw } from "@odoo/owl";
import { Composer } from "@mail/core/common/composer";
import { Store } from "@mail/core/common/store_service";
import { patch } from "@web/core/utils/patch";

const UNCHECKED_MODELS = ["discuss.channel", "mail.box"];

/**
 * "Send message" and "Log note" of the chatter: before posting, ask the reason
 * for the recipients without consent. The server refuses a post without it;
 * asking first keeps the composer usable (a failed post leaves it locked).
 */
patch(Composer.prototype, {
    async sendMessage() {
        const composer = toRaw(this.props.composer);
        const thread = toRaw(this.thread);
        const isEmpty = !composer.text.trim() && !composer.attachments.length;
        if (composer.message || isEmpty || !thread?.id || UNCHECKED_MODELS.includes(thread.model)) {
            return super.sendMessage(...arguments);
        }
        if (this.privacyAsking) {
            return;
        }
        this.privacyAsking = true;
        let context;
        try {
            // The recipients exactly as the post will send them.
            const params = await this.store.getMessagePostParams({
                body: composer.text,
                postData: this.postData,
                thread,
            });
            context = await this.env.services.privacy_contact.ask(
                "email",
                thread.model,
                thread.id,
                {
                    partner_ids: params.post_data.partner_ids || [],
                    emails: params.partner_emails || [],
                    is_note: this.props.type === "note",
                }
            );
        } finally {
            this.privacyAsking = false;
        }
        if (!context) {
            return; // cancelled: nothing is sent, the text stays
        }
        this.privacyContext = context;
        try {
            return await super.sendMessage(...arguments);
        } finally {
            this.privacyContext = null;
        }
    },

    get postData() {
        return { ...super.postData, privacyContext: this.privacyContext };
    },
});

patch(Store.prototype, {
    async getMessagePostParams({ postData }) {
        const params = await super.getMessagePostParams(...arguments);
        if (postData.privacyContext) {
            // /mail/message/post applies this context to the post.
            Object.assign(params.context, postData.privacyContext);
        }
        return params;
    },
});
