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


@tagged("post_install", "-at_install")
class TestSmsAnonymisation(SmsMailingCase, DossierMailingCase):
    """Anonymising a contact empties its number in the mailing lists and in
    the traces of the SMS sent to it."""

    def test_lists_and_traces_lose_the_number(self):
        mailing = self.mailing(self.s_valid | self.s_none, mailing_type="sms")
        mailing.action_send_mail()
        subscriber, other = self.env["mailing.contact"].create(
            [
                {
                    "name": "S none",
                    "mobile": "06 12 34 56 02",
                    "country_id": self.env.ref("base.fr").id,
                },
                {"name": "S valid", "mobile": "+33 6 12 34 56 01"},
            ]
        )
        self.assertEqual(subscriber.phone_sanitized, "+33612345602")
        self.s_none.with_user(self.user_manager).action_privacy_anonymise()
        self.assertFalse(subscriber.mobile)
        [cancelled] = self.mailing_rows(self.s_none)
        self.assertFalse(cancelled["Number"])
        self.assertEqual(other.mobile, "+33 6 12 34 56 01")
        [sent] = self.mailing_rows(self.s_valid)
        self.assertEqual(sent["Number"], "+33612345601")
