from odoo.tests import tagged

from odoo.addons.privacy_gdpr_mass_mailing.tests.test_mass_mailing import (
    MassMailingCase,
)
from odoo.addons.privacy_gdpr_mass_mailing_sms.tests.test_sms_mailing import (
    SmsMailingCase,
)

from .common import WithBridgesMixin


@tagged("post_install", "-at_install")
class TestLeadMailing(WithBridgesMixin, MassMailingCase):
    """E-mail mailings to leads: a lead answers through its customer, else
    through the contacts with its e-mail."""

    bridges = ("privacy_gdpr_mass_mailing",)

    def test_leads_by_partner_else_by_email(self):
        p_other = self.env["res.partner"].create(
            {"name": "Other", "email": "other@example.com"}
        )
        self.give(p_other, self.type_newsletter)
        Lead = self.env["crm.lead"]
        leads = Lead.create(
            [
                # the lead's partner answers for it, whatever its e-mail
                {"name": "l partner valid", "partner_id": p_other.id},
                {
                    "name": "l partner none",
                    "partner_id": self.p_none.id,
                    "email_from": "valid@example.com",
                },
                # no partner: the e-mail is matched to partners
                {"name": "l email valid", "email_from": "Valid <valid@example.com>"},
                {"name": "l email unknown", "email_from": "nobody@example.com"},
            ]
        )
        l_partner_valid, l_partner_none, l_email_valid, l_email_unknown = leads
        mailing = self.mailing(leads)
        self.assertEqual(mailing.privacy_no_consent_count, 2)

        mailing.action_send_mail()

        self.assertCancelled(mailing, l_partner_none | l_email_unknown)
        self.assertSent(mailing, l_partner_valid | l_email_valid)


@tagged("post_install", "-at_install")
class TestLeadSmsMailing(WithBridgesMixin, SmsMailingCase):
    """SMS mailings to leads: through the customer, else the contacts with the
    lead's number."""

    bridges = ("privacy_gdpr_mass_mailing_sms",)

    def test_leads_by_partner_else_by_number(self):
        s_other = self.env["res.partner"].create(
            {"name": "S other", "mobile": "+33612345605"}
        )
        self.give(s_other, self.type_sms)
        leads = self.env["crm.lead"].create(
            [
                {"name": "l partner", "partner_id": s_other.id},
                {"name": "l number", "mobile": "+33 6 12 34 56 01"},
                {"name": "l unknown", "mobile": "+33612345698"},
            ]
        )
        mailing = self.mailing(leads, mailing_type="sms")
        mailing.action_send_mail()
        self.assertCancelled(mailing, leads[2])
        self.assertSent(mailing, leads[:2])
