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

    def _privacy_record_web_consents(self, answers, proof):
        """The person who subscribed on the website ticked consent boxes: they
        are recorded on the contact with the subscriber's e-mail (created if
        there is none), whose consents the mailing filter reads for this
        mailing-list contact."""
        self.ensure_one()
        partner = self.env["res.partner"]._privacy_find_or_create_by_email(
            self.email, self.name, proof.get("lang")
        )
        return partner._privacy_record_web_consents(answers, dict(proof, source=self))
