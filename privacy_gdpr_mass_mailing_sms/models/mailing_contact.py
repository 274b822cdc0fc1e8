from odoo import models


class MailingContact(models.Model):
    _inherit = "mailing.contact"

    def _privacy_withdraw_marketing(self, event):
        """Odoo's lists carry SMS mailings too: the SMS consents of the contacts
        with these mailing-list contacts' numbers are withdrawn as well."""
        withdrawn = super()._privacy_withdraw_marketing(event)
        numbers = [number for number in self.mapped("phone_sanitized") if number]
        if numbers:
            Partner = self.env["res.partner"].sudo().with_context(active_test=False)
            withdrawn |= Partner.search(
                Partner._privacy_number_domain(numbers)
            )._privacy_withdraw("sms", event.replace(method="web_form"))
        return withdrawn
