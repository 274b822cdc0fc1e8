from odoo import models


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
        once the contact is opted out of every list it belongs to. Odoo's lists
        carry both e-mail and SMS mailings, so both are withdrawn: e-mail
        consents of the partners with the contact's e-mail, SMS consents of the
        partners with its number."""
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
        if not contacts:
            return
        Partner = self.env["res.partner"].sudo().with_context(active_test=False)
        note = self.env._("Unsubscribed from every mailing list.")
        emails = [email for email in contacts.mapped("email_normalized") if email]
        if emails:
            Partner.search([("email_normalized", "in", emails)])._privacy_withdraw(
                "mass_mailing", "web_form", note
            )
        numbers = [number for number in contacts.mapped("phone_sanitized") if number]
        if numbers:
            Partner.search(Partner._privacy_number_domain(numbers))._privacy_withdraw(
                "sms", "web_form", note
            )
