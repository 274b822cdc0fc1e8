from odoo import models

from odoo.addons.privacy_gdpr.events import PrivacyEvent, current_http_event


class MailBlacklist(models.Model):
    _inherit = "mail.blacklist"

    def _add(self, email, message=None):
        """Odoo's e-mail unsubscribe ends here: the person no longer wants
        marketing e-mails, so their e-mail marketing consents are withdrawn,
        with the proof of the unsubscribe link used (its request), else as a
        blocklist entry of the current user."""
        record = super()._add(email, message=message)
        if record.email and not self.env.context.get("privacy_no_withdrawal"):
            partners = (
                self.env["res.partner"]
                .sudo()
                .with_context(active_test=False)
                .search([("email_normalized", "=", record.email)])
            )
            event = current_http_event() or PrivacyEvent("blocklist")
            partners._privacy_withdraw(
                "mass_mailing",
                event.replace(
                    method="email",
                    note=self.env._(
                        "Unsubscribed: %(email)s was added to the e-mail blocklist.",
                        email=record.email,
                    ),
                ),
            )
        return record
