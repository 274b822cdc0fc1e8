from odoo.tests import tagged

from odoo.addons.privacy_gdpr_mass_mailing.tests.test_privacy_dossier import (
    DossierMailingCase,
)

from .test_sms_mailing import SmsMailingCase


@tagged("post_install", "-at_install")
class TestDossierSms(SmsMailingCase, DossierMailingCase):
    """The dossier lists the marketing SMS sent to the person's numbers, and
    those cancelled for lack of consent."""

    def test_sms_in_the_dossier(self):
        mailing = self.mailing(self.s_valid | self.s_none, mailing_type="sms")
        mailing.action_send_mail()
        [cancelled] = self.mailing_rows(self.s_none)
        self.assertEqual(cancelled["Type"], "SMS")
        self.assertEqual(cancelled["Status"], "Cancelled")
        self.assertEqual(cancelled["Failure type"], "No valid consent")
        self.assertEqual(cancelled["Number"], "+33612345602")
        [sent] = self.mailing_rows(self.s_valid)
        self.assertEqual(sent["Number"], "+33612345601")
        self.assertFalse(sent["Failure type"])
