from odoo import models
from odoo.tools import SQL

from odoo.addons.privacy_gdpr_mass_mailing.models.mailing_mailing import (
    RecipientAddress,
)


class MailingMailing(models.Model):
    _inherit = "mailing.mailing"

    def _privacy_channel(self):
        return "sms" if self.mailing_type == "sms" else super()._privacy_channel()

    def _privacy_recipient_address(self):
        if self.mailing_type == "sms":
            return RecipientAddress(
                "mail.thread.phone",
                "privacy_phone_partner_ids",
                "phone_sanitized",
                "phone.blacklist",
                "number",
                "phone_sanitized_blacklisted",
                "sms_number",
            )
        return super()._privacy_recipient_address()

    def _privacy_trace_address_columns(self, query):
        columns = super()._privacy_trace_address_columns(query)
        if self.mailing_type == "sms":
            # Like Odoo's SMS traces, a random code (unused: nothing is sent).
            columns["sms_code"] = SQL("substr(md5(random()::text), 1, 3)")
        return columns
