from odoo import models

from odoo.addons.privacy_gdpr.events import PrivacyEvent, current_http_event


class MailingSubscription(models.Model):
    _inherit = "mailing.subscription"

    def write(self, vals):
        res = super().write(vals)
        if self.filtered("opt_out") and not self.env.context.get(
            "privacy_no_withdrawal"
        ):
            self._privacy_withdraw_unsubscribed()
        return res

    def _privacy_withdraw_unsubscribed(self):
        """Leaving one list is not leaving marketing: the consents are withdrawn
        once the contact is opted out of every list it belongs to."""
        contacts = (
            self.env["mailing.contact"]
            .sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("id", "in", self.filtered("opt_out").contact_id.ids),
                    ("subscription_ids", "not any", [("opt_out", "=", False)]),
                ]
            )
        )
        if contacts:
            # The person on Odoo's subscription page, else staff opting out.
            event = current_http_event() or PrivacyEvent("staff")
            contacts._privacy_withdraw_marketing(
                event.replace(note=self.env._("Unsubscribed from every mailing list."))
            )
