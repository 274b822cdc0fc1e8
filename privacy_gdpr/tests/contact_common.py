from odoo.tests import new_test_user

from .common import PrivacyCase


class PrivacyContactCase(PrivacyCase):
    """A salesman, a customer without consent, one with consent for every
    channel, and a contact reason."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Keep e-mails queued, to count them: those sent at once are deleted.
        cls.env = cls.env(context=dict(cls.env.context, mail_notify_force_send=False))
        cls.reason = cls.env.ref("privacy_gdpr.contact_reason_contract")
        cls.user_sales = new_test_user(
            cls.env,
            login="privacy_sales",
            groups="base.group_user,base.group_partner_manager",
        )
        # partner: no consent at all; partner_2: consent for e-mail, SMS and calls.
        cls.partner.write({"mobile": "+33 6 12 34 56 78", "phone": "+33 1 44 55 66 77"})
        cls.partner_2.mobile = "+39 347 123 4567"
        for consent_type in (cls.type_email, cls.type_sms, cls.type_call):
            cls.give(cls.partner_2, consent_type)
        cls.Log = cls.env["privacy.contact.log"]

    def switch(self, channel, on):
        self.env.company[f"privacy_check_{channel}"] = on

    def logs(self, **domain):
        return self.Log.search([(key, "=", value) for key, value in domain.items()])

    def count(self, model):
        return self.env[model].sudo().search_count([])
