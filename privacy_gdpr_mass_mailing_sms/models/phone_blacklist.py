from odoo import models

from odoo.addons.privacy_gdpr.events import PrivacyEvent, current_http_event


class PhoneBlacklist(models.Model):
    _inherit = "phone.blacklist"

    def _add(self, numbers, message=None):
        """Odoo's SMS unsubscribe (the STOP link) ends here: the person no longer
        wants marketing SMS, so their SMS consents are withdrawn, with the proof
        of the STOP link used, else as a blocklist entry of the current user."""
        records = super()._add(numbers, message=message)
        numbers = [number for number in records.mapped("number") if number]
        if numbers and not self.env.context.get("privacy_no_withdrawal"):
            Partner = self.env["res.partner"].sudo().with_context(active_test=False)
            event = current_http_event() or PrivacyEvent("blocklist")
            Partner.search(Partner._privacy_number_domain(numbers))._privacy_withdraw(
                "sms",
                event.replace(
                    method="sms",
                    note=self.env._(
                        "Unsubscribed: %(numbers)s added to the SMS blocklist.",
                        numbers=", ".join(numbers),
                    ),
                ),
            )
        return records
