from datetime import timedelta
from itertools import product

from odoo.tests import tagged

from odoo.addons.privacy_gdpr.channels import CHANNEL_FIELDS
from odoo.addons.privacy_gdpr.models.privacy_partner_consent import CONSENT_STATES

from .common import PrivacyCase

# (type validity in days, consent given so many days ago)
EXPIRY_CASES = [(0, 500), (10, 0), (10, 9), (10, 10), (10, 400)]


@tagged("post_install", "-at_install")
class TestConsentCheck(PrivacyCase):
    """The check and its domain give the same answer, and the expected one."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Type = cls.env["privacy.consent.type"]
        Partner = cls.env["res.partner"]
        cls.cases = []  # (partner, type, state, days_ago)
        for channel, validity in product(CHANNEL_FIELDS, {v for v, _d in EXPIRY_CASES}):
            consent_type = Type.create(
                {
                    "name": f"{channel} {validity}",
                    "code": f"CHK_{channel}_{validity}",
                    "validity_days": validity,
                    CHANNEL_FIELDS[channel]: True,
                }
            )
            for (case_validity, days_ago), (state, _label) in product(
                EXPIRY_CASES, CONSENT_STATES
            ):
                if case_validity != validity:
                    continue
                partner = Partner.create({"name": f"{channel} {state} {days_ago}"})
                cls.record(
                    partner,
                    consent_type,
                    state=state,
                    method="written",
                    date_given=cls.today - timedelta(days=days_ago),
                )
                cls.cases.append((partner, consent_type, state, days_ago))
        cls.partners = Partner.union(*(case[0] for case in cls.cases))

    def expected(self, consent_type, state, days_ago, channel, on_date):
        expiry = consent_type.validity_days and (
            self.today
            - timedelta(days=days_ago)
            + timedelta(days=consent_type.validity_days)
        )
        return (
            state == "given"
            and consent_type[CHANNEL_FIELDS[channel]]
            and consent_type.active
            and (not expiry or expiry > on_date)
        )

    def assert_agreement(self, on_date=None, consent_types=None):
        on_date = on_date or self.today
        Partner = self.env["res.partner"]
        for channel in CHANNEL_FIELDS:
            checked = self.partners._privacy_check(channel, on_date, consent_types)
            searched = Partner.search(
                [("id", "in", self.partners.ids)]
                + Partner._privacy_consent_domain(channel, on_date, consent_types)
            )
            for partner, consent_type, state, days_ago in self.cases:
                expected = bool(
                    self.expected(consent_type, state, days_ago, channel, on_date)
                    and (consent_types is None or consent_type in consent_types)
                )
                with self.subTest(
                    channel=channel, partner=partner.name, on=str(on_date)
                ):
                    self.assertEqual(checked[partner.id]["allowed"], expected)
                    self.assertEqual(partner in searched, expected)
                    self.assertEqual(
                        checked[partner.id]["consents"].type_id,
                        consent_type if expected else self.env["privacy.consent.type"],
                    )

    def test_check_and_domain_agree_on_every_combination(self):
        self.assert_agreement()

    def test_check_and_domain_agree_on_another_date(self):
        self.assert_agreement(self.today + timedelta(days=5))
        self.assert_agreement(self.today - timedelta(days=1))

    def test_archived_type_does_not_count(self):
        types = self.env["privacy.consent.type"].search([("code", "=like", "CHK_%")])
        types[:3].active = False
        self.assert_agreement()

    def test_restricted_to_named_consent_types(self):
        types = self.env["privacy.consent.type"].search([("code", "=like", "CHK_%_0")])
        self.assert_agreement(consent_types=types)

    def test_unknown_channel_is_an_error(self):
        with self.assertRaises(ValueError):
            self.partner._privacy_check("fax")

    def test_query_count_does_not_grow_with_partners(self):
        def queries(partners):
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            partners._privacy_check("mass_mailing")
            partners._privacy_allowed("sms")
            return self.cr.sql_log_count - before

        queries(self.partners)  # the company's settings, in Odoo's cache
        self.assertEqual(queries(self.partners[:1]), queries(self.partners))
