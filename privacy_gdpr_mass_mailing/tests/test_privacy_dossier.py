from odoo.tests import tagged

from .test_mass_mailing import MassMailingCase


class DossierMailingCase(MassMailingCase):
    def mailing_rows(self, partner):
        """The dossier's mailing section of ``partner``, as a Privacy User
        (not a mailing user) gets it: rows keyed by the headings."""
        env = self.env(user=self.user_privacy)
        data = env["privacy.dossier"]._dossier_data(partner.with_env(env))
        section = next(s for s in data["sections"] if s["key"] == "mailing_traces")
        return [
            dict(zip(section["columns"], row, strict=True)) for row in section["rows"]
        ]


@tagged("post_install", "-at_install")
class TestDossierMailings(DossierMailingCase):
    """The dossier lists the marketing e-mails sent, and those cancelled for
    lack of consent."""

    def test_mailings_in_the_dossier(self):
        mailing = self.mailing(self.p_valid | self.p_none, subject="Spring sale")
        mailing.action_send_mail()
        [cancelled] = self.mailing_rows(self.p_none)
        self.assertEqual(cancelled["Mailing"], "Spring sale")
        self.assertEqual(cancelled["Status"], "Cancelled")
        self.assertEqual(cancelled["Failure type"], "No valid consent")
        self.assertEqual(cancelled["Email"], "none@example.com")
        [sent] = self.mailing_rows(self.p_valid)
        self.assertEqual(sent["Mailing"], "Spring sale")
        self.assertNotEqual(sent["Status"], "Cancelled")
        self.assertFalse(sent["Failure type"])
        self.assertFalse(self.mailing_rows(self.p_expired))


@tagged("post_install", "-at_install")
class TestMailingAnonymisation(DossierMailingCase):
    """Anonymising a contact empties its address in the mailing lists and in
    the traces of the mailings sent to it; the dossier keeps what was sent."""

    def test_lists_and_traces_lose_the_address(self):
        mailing = self.mailing(self.p_valid | self.p_none, subject="Spring sale")
        mailing.action_send_mail()
        subscriber, other = self.env["mailing.contact"].create(
            [
                {"name": "None", "email": "NONE@example.com"},
                {"name": "Valid", "email": "valid@example.com"},
            ]
        )
        self.p_none.with_user(self.user_manager).action_privacy_anonymise()
        self.assertFalse(subscriber.email)
        self.assertFalse(subscriber.name)
        self.assertTrue(subscriber.exists())
        [cancelled] = self.mailing_rows(self.p_none)
        self.assertEqual(cancelled["Status"], "Cancelled")
        self.assertFalse(cancelled["Email"])
        self.assertEqual(other.email, "valid@example.com")
        [sent] = self.mailing_rows(self.p_valid)
        self.assertEqual(sent["Email"], "valid@example.com")
