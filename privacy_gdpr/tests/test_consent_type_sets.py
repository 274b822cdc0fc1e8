from datetime import timedelta

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import PrivacyCase


@tagged("post_install", "-at_install")
class TestConsentTypeSets(PrivacyCase):
    """Changing a consent type changes its consents with set-based statements:
    the same result as the rule, in as many queries for 10 as for 100
    contacts."""

    def _partners_with_consents(self, consent_type, count):
        partners = self.env["res.partner"].create(
            [{"name": f"Contact {n}"} for n in range(count)]
        )
        for n, partner in enumerate(partners):
            self.give(partner, consent_type, days_ago=n % 400)
        return partners

    def _query_count(self, action):
        self.env.flush_all()
        self.env.invalidate_all()
        start = self.cr.sql_log_count
        action()
        self.env.flush_all()
        return self.cr.sql_log_count - start

    def test_validity_change_gives_the_rule_s_expiry(self):
        consent_type = self.type_newsletter
        partners = self._partners_with_consents(consent_type, 30)
        consents = self.consent(partners, consent_type)
        consents.renewal_requested = True
        for days in (365, 1, 0, 45, 30):
            with self.subTest(validity_days=days):
                consent_type.validity_days = days
                for consent in consents:
                    expected = (
                        consent.date_given + timedelta(days=days) if days else False
                    )
                    self.assertEqual(consent.date_expiry, expected)
                # The ORM's compute agrees with the statement.
                computed = consents.new(
                    {"type_id": consent_type.id, "date_given": consents[0].date_given}
                )
                self.assertEqual(computed.date_expiry, consents[0].date_expiry)
        # A new expiry date may be sent a renewal request again.
        self.assertFalse(any(consents.mapped("renewal_requested")))
        # Lines without an answer keep no expiry.
        self.assertFalse(self.consent(self.partner, consent_type).date_expiry)

    def test_expired_by_the_new_validity_is_not_valid_any_more(self):
        self.give(self.partner, self.type_email, days_ago=20)
        Partner = self.env["res.partner"]
        self.assertEqual(self.partner._privacy_allowed("email"), self.partner)
        self.type_email.validity_days = 10
        self.assertEqual(self.partner._privacy_allowed("email"), Partner)
        self.type_email.validity_days = 0
        self.assertEqual(self.partner._privacy_allowed("email"), self.partner)

    def test_type_changes_cost_as_many_queries_for_10_as_for_100(self):
        counts = {}
        for size in (10, 100):
            consent_type = self.env["privacy.consent.type"].create(
                {"name": f"Size {size}", "code": f"SIZE_{size}", "allow_email": True}
            )
            self._partners_with_consents(consent_type, size)
            counts[size] = [
                self._query_count(action)
                for action in (
                    lambda t=consent_type: t.write({"validity_days": 30}),
                    lambda t=consent_type: t.write({"validity_days": 60}),
                    lambda t=consent_type: t.write({"allow_sms": True}),
                    lambda t=consent_type: t.write({"active": False}),
                    lambda t=consent_type: t.write({"active": True}),
                    lambda size=size: self.env["privacy.consent.type"].create(
                        {"name": f"New {size}", "code": f"NEW_{size}"}
                    ),
                )
            ]
        self.assertEqual(counts[10], counts[100])

    def test_company_of_a_type_with_consents_cannot_change(self):
        company_b = self.env["res.company"].create({"name": "Company B"})
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            self.type_email.company_id = company_b
        consent_type = self.env["privacy.consent.type"]
        # Without consents (no contact yet) the company can change.
        empty = consent_type.with_context(active_test=False).create(
            {"name": "Empty", "code": "EMPTY", "active": False}
        )
        empty.company_id = company_b
        self.assertEqual(empty.company_id, company_b)
