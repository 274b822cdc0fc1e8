from datetime import date, timedelta

from odoo.tests import tagged
from odoo.tools.misc import file_open

from .common import PrivacyCase

SAMPLE = "privacy_gdpr/static/import/privacy_partner_consent.csv"
HEADER = "Partner,Consent type,State,Obtained by,Date given\n"


@tagged("post_install", "-at_install")
class TestConsentImport(PrivacyCase):
    """Consents imported through Odoo's standard import (base_import)."""

    def preview(self, content, user=None, file_name=None):
        """The import screen's first step: read the file, match its columns."""
        wizard = (
            self.env["base_import.import"]
            .with_user(user or self.user_privacy)
            .create(
                {
                    "res_model": "privacy.partner.consent",
                    "file": content.encode() if isinstance(content, str) else content,
                    "file_name": file_name,
                    "file_type": "text/csv",
                }
            )
        )
        preview = wizard.parse_preview(
            {"has_headers": True, "quoting": '"', "separator": ",", "encoding": ""}
        )
        self.assertFalse(preview.get("error"))
        return wizard, preview

    def run_import(self, content, dryrun=False, user=None, file_name=None, **options):
        """Import ``content`` as the import screen does, with the matched columns
        (and the screen's ``options``: ``skip`` and ``limit`` of a batch)."""
        wizard, preview = self.preview(content, user, file_name)
        matches = ["/".join(match) for match in preview["matches"].values()]
        result = wizard.execute_import(
            matches,
            preview["headers"],
            dict(preview["options"], **options),
            dryrun=dryrun,
        )
        # The screen's "Test" and "Import" buttons are two requests, two caches.
        self.env.invalidate_all()
        return result

    def history(self, partner, consent_type):
        return self.env["privacy.consent.history"].search(
            [("partner_id", "=", partner.id), ("type_id", "=", consent_type.id)]
        )

    def test_sample_file_matches_its_columns_and_imports(self):
        template = self.env["privacy.partner.consent"].get_import_templates()[0]
        self.assertEqual(template["template"], f"/{SAMPLE}")
        with file_open(SAMPLE, "rb") as sample:
            content = sample.read()
        Partner = self.env["res.partner"]
        partners = {}
        for email in (
            "hugo.garnier@example.fr",
            "chloe.bonnet@example.fr",
            "luca.colombo@example.it",
            "sara.ricci@example.it",
        ):
            partners[email] = Partner.search([("email", "=", email)], limit=1) or (
                Partner.create({"name": email.split("@")[0], "email": email})
            )
        preview = self.preview(content)[1]
        self.assertEqual(
            list(preview["matches"].values()),
            [["partner_id"], ["type_id"], ["state"], ["method"], ["date_given"]],
        )
        self.assertEqual(self.run_import(content, dryrun=True)["messages"], [])
        self.assertFalse(self.history(partners["sara.ricci@example.it"], self.type_sms))

        result = self.run_import(content)
        self.assertEqual(result["messages"], [])
        self.assertEqual(len(result["ids"]), 5)
        expected = [
            ("hugo.garnier@example.fr", "COMMERCIAL_EMAIL", "given", "written"),
            ("hugo.garnier@example.fr", "COMMERCIAL_SMS", "refused", "import"),
            ("chloe.bonnet@example.fr", "COMMERCIAL_PHONE", "given", "import"),
            ("luca.colombo@example.it", "COMMERCIAL_EMAIL", "withdrawn", "import"),
            ("sara.ricci@example.it", "COMMERCIAL_SMS", "given", "web_form"),
        ]
        consents = self.env["privacy.partner.consent"].browse(result["ids"])
        for consent, (email, code, state, method) in zip(consents, expected):
            with self.subTest(email=email, code=code):
                self.assertEqual(consent.partner_id, partners[email])
                self.assertEqual(consent.type_id.code, code)
                self.assertEqual((consent.state, consent.method), (state, method))
                last = consent.history_ids[:1]
                self.assertEqual((last.new_state, last.method), (state, method))
                self.assertEqual(last.user_id, self.user_privacy)
        self.assertEqual(consents[0].date_given, date(2025, 1, 15))

    def test_partner_by_email_in_any_case_or_external_id(self):
        self.env["ir.model.data"].create(
            {
                "module": "crm_export",
                "name": "giulia",
                "model": "res.partner",
                "res_id": self.partner_2.id,
            }
        )
        result = self.run_import(
            HEADER
            + "CAMILLE@Example.FR,T_NEWSLETTER,given,,2025-02-01\n"
            + "camille@example.fr,SMS,Refused,,\n"
        )
        self.assertEqual(result["messages"], [])
        newsletter = self.consent(self.partner, self.type_newsletter)
        self.assertEqual(
            (newsletter.state, newsletter.method, newsletter.date_given),
            ("given", "import", date(2025, 2, 1)),
        )
        self.assertEqual(newsletter.history_ids[:1].method, "import")
        # A type is named by its code, or by its name.
        self.assertEqual(self.consent(self.partner, self.type_sms).state, "refused")

        result = self.run_import(
            "Partner/External ID,Consent type,State,Date given\n"
            "crm_export.giulia,T_CALL,Given,2025-03-01\n"
        )
        self.assertEqual(result["messages"], [])
        call = self.consent(self.partner_2, self.type_call)
        self.assertEqual((call.state, call.method), ("given", "import"))
        self.assertEqual(call.history_ids.method, "import")

    def test_answers_record_the_file_and_the_row(self):
        result = self.run_import(
            HEADER
            + "camille@example.fr,T_SMS,Given,Written,2025-01-10\n"
            + "\n"
            + "giulia@example.it,T_SMS,Refused,,\n",
            file_name="consents_2026.csv",
        )
        self.assertEqual(result["messages"], [])
        for partner, row in ((self.partner, 1), (self.partner_2, 2)):
            consent = self.consent(partner, self.type_sms)
            history = consent.history_ids
            self.assertEqual(
                (consent.import_file, consent.import_row),
                ("consents_2026.csv", row),
            )
            self.assertEqual(
                (history.source, history.import_file, history.import_row),
                ("import", "consents_2026.csv", row),
            )
        # The second batch of an import (the screen's "skip"): rows of the file.
        result = self.run_import(
            HEADER
            + "camille@example.fr,T_CALL,Given,,2025-01-10\n"
            + "giulia@example.it,T_CALL,Refused,,\n",
            file_name="calls.csv",
            skip=1,
            limit=1,
        )
        self.assertEqual(result["messages"], [])
        self.assertEqual(self.consent(self.partner, self.type_call).state, "none")
        call = self.consent(self.partner_2, self.type_call)
        self.assertEqual((call.import_file, call.import_row), ("calls.csv", 2))

    def test_bad_rows_are_all_reported_and_nothing_is_imported(self):
        tomorrow = (self.today + timedelta(days=1)).isoformat()
        content = (
            HEADER
            + "camille@example.fr,T_EMAIL,Given,Oral,2025-01-10\n"  # good
            + "nobody@example.com,T_EMAIL,Given,Oral,2025-01-10\n"
            + "camille@example.fr,NO_SUCH_CODE,Given,Oral,2025-01-10\n"
            + "giulia@example.it,T_SMS,Perhaps,,\n"
            + f"giulia@example.it,T_CALL,Given,,{tomorrow}\n"
            + "giulia@example.it,T_POST,Given,Oral,\n"
            + "giulia@example.it,T_EMAIL,Given,Oral,2025-01-10\n"  # good
        )
        expected = [
            (1, "No matching record found for name 'nobody@example.com' in field "),
            (2, "No matching record found for name 'NO_SUCH_CODE' in field "),
            (3, "Value 'Perhaps' not found in selection field 'State'"),
            (4, "cannot be given in the future"),
            (5, "Record how and when Giulia Rossi gave the consent “Postal”"),
        ]
        for dryrun in (True, False):
            with self.subTest(dryrun=dryrun):
                result = self.run_import(content, dryrun=dryrun)
                self.assertFalse(result["ids"])
                messages = result["messages"]
                self.assertEqual(len(messages), len(expected), messages)
                for message, (row, text) in zip(messages, expected):
                    self.assertEqual(message["type"], "error")
                    # The line in the file (0 = first line under the header).
                    self.assertEqual(message["rows"], {"from": row, "to": row})
                    self.assertIn(text, message["message"])
                self.assertIn("Giulia Rossi", messages[3]["message"])
                self.assertEqual(messages[3]["field"], "date_given")
                # Nothing imported, not even the good lines, and no history.
                self.assertEqual(
                    self.consent(self.partner, self.type_email).state, "none"
                )
                self.assertEqual(
                    self.consent(self.partner_2, self.type_email).state, "none"
                )
                self.assertFalse(
                    self.env["privacy.consent.history"].search(
                        [("partner_id", "in", (self.partner | self.partner_2).ids)]
                    )
                )

    def test_two_rows_for_one_consent_record_both_answers(self):
        result = self.run_import(
            HEADER
            + "camille@example.fr,T_SMS,Given,Oral,2025-01-10\n"
            + "camille@example.fr,T_SMS,Withdrawn,,\n"
        )
        self.assertEqual(result["messages"], [])
        sms = self.consent(self.partner, self.type_sms)
        self.assertEqual(sms.state, "withdrawn")
        self.assertEqual(sms.history_ids.mapped("new_state"), ["withdrawn", "given"])

    def test_import_opens_from_the_consent_list(self):
        action = self.env.ref("privacy_gdpr.privacy_partner_consent_import_action")
        self.assertEqual(action.tag, "import")
        self.assertEqual(action.params["active_model"], "privacy.partner.consent")
        arch = (
            self.env["privacy.partner.consent"]
            .with_user(self.user_privacy)
            .get_views([(False, "list")])["views"]["list"]["arch"]
        )
        self.assertIn(f'name="{action.id}"', arch)

    def test_only_privacy_users_import(self):
        result = self.run_import(
            HEADER + "camille@example.fr,T_EMAIL,Given,Oral,2025-01-10\n",
            user=self.user_employee,
        )
        self.assertFalse(result["ids"])
        self.assertEqual(result["messages"][0]["type"], "error")
        self.assertEqual(self.consent(self.partner, self.type_email).state, "none")

    def test_name_search_outside_imports_is_unchanged(self):
        Type = self.env["privacy.consent.type"]
        self.assertIn(self.type_newsletter.id, dict(Type.name_search("Newslet")))
        self.assertIn(self.type_newsletter.id, dict(Type.name_search("T_NEWS")))
        Partner = self.env["res.partner"]
        self.assertEqual(
            Partner.name_search("camille@example.fr", operator="=")[0][0],
            self.partner.id,
        )
        # Case-insensitive e-mails are for imports of consents only.
        self.assertFalse(Partner.name_search("CAMILLE@EXAMPLE.FR", operator="="))
