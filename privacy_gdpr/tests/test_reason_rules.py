from odoo.exceptions import ValidationError
from odoo.tests import tagged

from odoo.addons.privacy_gdpr.exceptions import PrivacyReasonRefused

from .reason_common import ReasonRulesCase

CHANNELS = ("email", "sms", "call")


@tagged("post_install", "-at_install")
class TestReasonRules(ReasonRulesCase):
    """privacy.contact.reason ``_refusals``: the one decision on who a reason
    may be used for, on which channel."""

    def test_objection_is_final_on_its_channel(self):
        overriding = (
            self.reason
            | self.request
            | self.env.ref("privacy_gdpr.contact_reason_legal_obligation")
        )
        for channel in CHANNELS:
            with self.subTest(channel=channel):
                usable = self.usable(self.partner, channel)
                self.assertEqual(usable & overriding, overriding)
                self.assertFalse(usable & (self.elsewhere | self.customer | self.b2b))
                refused = self.elsewhere._refusals(self.partner, channel)
                why = refused[self.elsewhere][self.partner]
                self.assertIn("objected: ", why)
                state = "withdrawn" if channel == "call" else "refused"
                self.assertIn(f"{state} on {self.objected_on}", why)
        # Another person, who did not object, may be told a consent exists
        # (a professional: a consumer in France is called only with a
        # recorded consent, see TestCallRules).
        for channel in CHANNELS:
            self.assertIn(self.elsewhere, self.usable(self.fr_contact, channel))

    def test_objection_counts_only_for_its_channel(self):
        self.record(self.fr_contact, self.type_sms, state="withdrawn")
        self.assertNotIn(self.elsewhere, self.usable(self.fr_contact, "sms"))
        self.assertIn(self.elsewhere, self.usable(self.fr_contact, "email"))
        self.assertIn(self.elsewhere, self.usable(self.fr_contact, "call"))

    def test_only_non_marketing_reasons_of_strong_bases_override(self):
        cases = [
            ("contract", False, True),
            ("contract", True, False),
            ("public_task", False, True),
            ("legitimate_interests", False, False),
            ("consent", False, False),
        ]
        for basis, marketing, overrides in cases:
            with self.subTest(basis=basis, marketing=marketing):
                reason = self.Reason.create(
                    {
                        "name": "Test",
                        "code": f"T_{basis.upper()}_{int(marketing)}",
                        "legal_basis": basis,
                        "is_marketing": marketing,
                    }
                )
                refusals = reason._refusals(self.partner, "email")[reason]
                self.assertEqual(not refusals, overrides)

    def test_business_prospects_in_france_and_italy(self):
        expected = {
            # partner: channels on which the B2B reason may be used
            self.fr_company: {"email", "sms", "call"},
            self.fr_contact: {"email", "sms", "call"},
            self.fr_person: set(),
            self.it_company: {"call"},
            self.it_contact: {"call"},
        }
        for partner, channels in expected.items():
            for channel in CHANNELS:
                with self.subTest(partner=partner.name, channel=channel):
                    refused = self.b2b._refusals(partner, channel)[self.b2b]
                    self.assertEqual(not refused, channel in channels, refused)
        why = self.b2b._refusals(self.it_contact, "sms")[self.b2b][self.it_contact]
        self.assertIn("Italy", why)
        why = self.b2b._refusals(self.fr_person, "call")[self.b2b][self.fr_person]
        self.assertIn("not a company", why)

    def test_existing_customer_needs_a_recent_document(self):
        # Neither an order nor an invoice: an existing customer is not claimed.
        for channel in CHANNELS:
            refused = self.customer._refusals(self.fr_person, channel)[self.customer]
            self.assertIn("no confirmed order", refused[self.fr_person])

    def test_channels_and_countries(self):
        recall = self.create_recall()
        self.assertIn(recall, self.usable(self.it_company, "call"))
        # Her company's country is hers when she has none.
        self.assertIn(recall, self.usable(self.it_contact, "sms"))
        self.assertNotIn(recall, self.usable(self.it_company, "email"))
        self.assertNotIn(recall, self.usable(self.fr_person, "call"))
        self.assertNotIn(recall, self.usable(self.it_company | self.fr_person, "call"))
        with self.assertRaisesRegex(PrivacyReasonRefused, "not used in France"):
            recall._check_usable_for(self.fr_person, "call")
        with self.assertRaisesRegex(PrivacyReasonRefused, "not used for"):
            recall._check_usable_for(self.it_company, "email")
        # Shipped: urgent safety matters are called or texted.
        self.assertNotIn(self.vital, self.usable(self.fr_person, "email"))
        self.assertIn(self.vital, self.usable(self.partner, "sms"))

    def test_refusals_in_a_few_queries_whatever_the_number(self):
        reasons = self.Reason.search([])

        def count_queries(partners):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            refusals = reasons._refusals(partners, "email")
            return self.env.cr.sql_log_count - before, refusals

        count_queries(self.partner)  # warm the caches of the registry
        few, _refusals = count_queries(self.fr_contact | self.partner)
        many = self.env["res.partner"].create(
            [
                {"name": f"Prospect {i}", "parent_id": self.fr_company.id}
                for i in range(40)
            ]
        )
        for partner in many[:20]:
            self.record(partner, self.type_email, state="refused")
        self.env.flush_all()
        queries, refusals = count_queries(many | self.partner)
        self.assertEqual(queries, few)
        self.assertLessEqual(queries, 12)
        self.assertEqual(len(refusals[self.b2b]), 21)
        self.assertFalse(refusals[self.reason])

    def test_changes_of_reasons_are_audited(self):
        self.b2b.write(
            {
                "is_marketing": False,
                "allow_sms": False,
                "condition": "none",
                "country_ids": [(6, 0, [self.fr.id])],
            }
        )
        rows = self.env["privacy.audit.log"].search(
            [
                ("res_model", "=", "privacy.contact.reason"),
                ("res_id", "=", self.b2b.id),
                ("field_name", "!=", False),
            ]
        )
        self.assertEqual(
            set(rows.mapped("field_name")),
            {"is_marketing", "allow_sms", "condition", "country_ids"},
        )

    def test_recent_customer_months_setting(self):
        settings = self.env["res.config.settings"].create(
            {"privacy_customer_months": 12}
        )
        settings.execute()
        self.assertEqual(self.env.company.privacy_customer_months, 12)
        audit = self.env["privacy.audit.log"].search(
            [("field_name", "=", "privacy_customer_months")]
        )
        self.assertEqual((audit.old_value, audit.new_value), ("36", "12"))
        with self.assertRaises(ValidationError):
            self.env.company.privacy_customer_months = 0
