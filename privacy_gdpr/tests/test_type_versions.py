from odoo.tests import tagged

from ..events import PrivacyEvent
from .consent_request_common import PrivacyRequestCase


@tagged("post_install", "-at_install")
class TestTypeVersions(PrivacyRequestCase):
    """The texts a person agreed to are kept: one version per change."""

    def agree(self, partner, consent_type):
        """``partner`` agrees on the page to the current text of the type."""
        version = consent_type._current_text()
        consent = self.consent(partner, consent_type)
        consent._privacy_record(
            PrivacyEvent("page", text=version.description, type_text_id=version.id),
            {"state": "given", "method": "web_form", "date_given": self.today},
        )
        return consent

    def test_editing_a_text_makes_a_version(self):
        newsletter = self.type_newsletter
        first = newsletter.text_id
        self.assertEqual(first.version, 1)
        agreed_first = self.agree(self.partner, newsletter)
        self.assertEqual(agreed_first.type_text_id, first)

        newsletter.description = "Our news, once a month, and partner offers."
        second = newsletter.text_id
        self.assertEqual(second.version, 2)
        self.assertEqual(first.description, False)  # the old version is kept as it was
        self.assertEqual(
            second.description, "Our news, once a month, and partner offers."
        )
        # A staff entry rests on the text in force when it is entered.
        staff = self.give(self.partner_2, newsletter, method="email")
        self.assertEqual(staff.type_text_id, second)
        self.assertEqual(agreed_first.type_text_id, first)
        self.assertEqual(agreed_first.history_ids.type_text_id, first)

        # Changes that are not texts shown to people make no version.
        newsletter.write({"validity_days": 60, "sequence": 3})
        self.assertEqual(newsletter.text_id, second)
        # A translation is a text shown to people.
        self.env["res.lang"]._activate_lang("fr_FR")
        newsletter.update_field_translations(
            "description", {"fr_FR": "Nos nouvelles, une fois par mois."}
        )
        third = newsletter.text_id
        self.assertEqual(third.version, 3)
        self.assertEqual(
            third.with_context(lang="fr_FR").description,
            "Nos nouvelles, une fois par mois.",
        )
        self.assertEqual(
            second.with_context(lang="fr_FR").description, second.description
        )
        self.assertEqual(newsletter.text_ids, first | second | third)

    def test_consents_on_older_texts_and_their_renewal(self):
        newsletter = self.type_newsletter
        self.agree(self.partner, newsletter)
        self.assertEqual(newsletter.old_text_consent_count, 0)
        newsletter.extra_text = "We now also send offers of our partners."
        newsletter.invalidate_recordset(["old_text_consent_count"])
        self.assertEqual(newsletter.old_text_consent_count, 1)
        self.agree(self.partner_2, newsletter)
        newsletter.invalidate_recordset(["old_text_consent_count"])
        self.assertEqual(newsletter.old_text_consent_count, 1)
        self.assertEqual(newsletter.text_id.consent_count, 1)

        action = newsletter.action_privacy_renew_old_texts()
        wizard = (
            self.env[action["res_model"]].with_context(**action["context"]).create({})
        )
        self.assertEqual(wizard.partner_ids, self.partner)
        self.assertEqual(wizard.origin, "renewal")
        wizard.action_send()
        consent_request = self.partner.privacy_request_ids
        self.assertEqual(consent_request.origin, "renewal")
        # A renewal keeps the consent valid until the person answers again.
        self.assertEqual(self.consent(self.partner, newsletter).state, "given")
        self.assertIn("will expire soon", self.request_messages(self.partner).subject)

    def test_the_page_shows_the_version_it_records(self):
        self.type_sms.description = "Offers by SMS, twice a month at most."
        content = self.env["privacy.consent.request"]._page_content(
            self.partner, self.env.company
        )
        item = next(i for i in content["items"] if i["type"] == self.type_sms)
        self.assertEqual(item["version"], self.type_sms.text_id)
        self.assertIn("twice a month at most", item["text"])
