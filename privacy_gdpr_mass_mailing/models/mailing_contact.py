from odoo import models


class MailingContact(models.Model):
    _inherit = "mailing.contact"

    def _privacy_withdraw_marketing(self, event):
        """The people behind these mailing-list contacts left every list: withdraw
        the e-mail marketing consents of the contacts with their e-mail, as
        recorded by ``event`` (a ``PrivacyEvent``).

        :return: the withdrawn ``privacy.partner.consent`` records
        """
        emails = [email for email in self.mapped("email_normalized") if email]
        Partner = self.env["res.partner"].sudo().with_context(active_test=False)
        if not emails:
            return self.env["privacy.partner.consent"]
        return Partner.search([("email_normalized", "in", emails)])._privacy_withdraw(
            "mass_mailing", event.replace(method="web_form")
        )
