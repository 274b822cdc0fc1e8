from odoo.tests import tagged

from odoo.addons.privacy_gdpr.exceptions import PrivacyApiError, PrivacyReasonRefused

from .telephony_common import IT_MOBILE
from .test_opposition_register import OppositionRegisterCase


@tagged("post_install", "-at_install")
class TestCallRules(OppositionRegisterCase):
    """Reasons refused for some calls: those on legitimate interests or for
    marketing but on a contract, for a number in the Italian opposition
    register and for consumers in France (Code de la consommation art.
    L223-1)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.privacy_check_call = True
        ref = cls.env.ref
        Reason = cls.env["privacy.contact.reason"]
        # Reasons without a condition of their own, so that only these rules
        # may refuse them.
        cls.offer = Reason.create(
            {
                "name": "Seasonal offer",
                "code": "T_OFFER",
                "legal_basis": "legitimate_interests",
                "is_marketing": True,
            }
        )
        cls.survey = Reason.create(
            {
                "name": "Satisfaction survey",
                "code": "T_SURVEY",
                "legal_basis": "legitimate_interests",
            }
        )
        cls.contract = ref("privacy_gdpr.contact_reason_contract")
        cls.legal = ref("privacy_gdpr.contact_reason_legal_obligation")
        cls.elsewhere = ref("privacy_gdpr.contact_reason_consent_elsewhere")
        Partner = cls.env["res.partner"]
        # fr_partner: a consumer in France; another known only by her number.
        cls.fr_by_number = Partner.create(
            {"name": "Léa Petit", "mobile": "+33 6 11 22 33 44"}
        )
        cls.fr_company = Partner.create(
            {"name": "Dupont SARL", "is_company": True, "country_id": cls.fr.id}
        )
        cls.fr_employee = Partner.create(
            {
                "name": "Marc Dupont",
                "parent_id": cls.fr_company.id,
                "mobile": "+33 6 55 44 33 22",
            }
        )
        cls.Log = cls.env["privacy.contact.log"]
        cls.service = cls.env["privacy.telephony"].with_user(cls.user_privacy)

    def call(self, partner, reason):
        return partner.with_user(self.user_privacy)._privacy_record_contact(
            "call", reason, phone_number=partner.mobile or partner.phone
        )

    def dialog_call(self, partner, reason):
        Wizard = self.env["privacy.contact.reason.wizard"].with_user(self.user_privacy)
        action = Wizard.privacy_contact_check("call", partner._name, partner.id)
        wizard = Wizard.browse(action["res_id"])
        wizard.privacy_contact_reason_id = reason
        wizard.action_confirm()
        return wizard

    def api_log(self, partner, reason):
        return self.service.log_contact(
            reason=reason.code, channel="call", partner_id=partner.id
        )

    def api_reasons(self, partner):
        return self.service.check_contact(channel="call", partner_id=partner.id)[
            "reasons"
        ]

    def assertRefused(self, partner, reason, why):
        with self.assertRaisesRegex(PrivacyReasonRefused, why):
            self.call(partner, reason)
        with self.assertRaisesRegex(PrivacyReasonRefused, partner.name):
            self.dialog_call(partner, reason)
        with self.assertRaises(PrivacyApiError) as error:
            self.api_log(partner, reason)
        self.assertEqual(
            (error.exception.code, error.exception.status), ("reason_refused", 409)
        )
        self.assertNotIn(reason.code, self.api_reasons(partner))
        self.assertNotIn(reason, self.dialog_reasons(partner))

    def dialog_reasons(self, partner):
        Wizard = self.env["privacy.contact.reason.wizard"].with_user(self.user_privacy)
        action = Wizard.privacy_contact_check("call", partner._name, partner.id)
        return Wizard.browse(action["res_id"]).privacy_allowed_reason_ids

    def test_french_consumer_without_consent(self):
        for partner in (self.fr_partner, self.fr_by_number):
            for reason in (self.offer, self.survey, self.elsewhere):
                with self.subTest(partner=partner.name, reason=reason.code):
                    self.assertRefused(partner, reason, "L223-1")
            self.assertFalse(self.Log.search([("partner_id", "=", partner.id)]))
        # What is not marketing, on a legal obligation, is no canvassing.
        self.assertEqual(self.call(self.fr_partner, self.legal).reason_id, self.legal)

    def test_french_consumer_with_ongoing_contract(self):
        self.assertEqual(
            self.call(self.fr_partner, self.contract).reason_id, self.contract
        )
        self.dialog_call(self.fr_by_number, self.contract)
        self.assertEqual(
            self.api_log(self.fr_by_number, self.contract)["reason"], "CONTRACT"
        )
        self.assertEqual(
            self.Log.search([("partner_id", "=", self.fr_by_number.id)]).reason_id,
            self.contract,
        )
        self.assertIn("CONTRACT", self.api_reasons(self.fr_partner))

    def test_french_consumer_with_consent(self):
        self.give(self.fr_partner, self.type_call)
        # No reason is needed: none is refused, no contact logged.
        self.assertFalse(self.fr_partner._privacy_needing_reason("call"))
        self.assertFalse(self.call(self.fr_partner, self.offer))
        self.assertFalse(self.api_log(self.fr_partner, self.offer)["reason_required"])
        self.assertTrue(
            self.service.check_contact(channel="call", partner_id=self.fr_partner.id)[
                "allowed"
            ]
        )

    def test_french_company_contact_not_concerned(self):
        for partner in (self.fr_company, self.fr_employee):
            with self.subTest(partner=partner.name):
                self.assertEqual(self.call(partner, self.offer).reason_id, self.offer)
                self.assertIn("T_OFFER", self.api_reasons(partner))

    def test_other_channels_not_concerned(self):
        self.fr_partner.email = "camille.martin@example.fr"
        log = self.fr_partner.with_user(self.user_privacy)._privacy_record_contact(
            "email", self.offer
        )
        self.assertEqual(log.reason_id, self.offer)

    def test_registered_number_refuses_legitimate_interests(self):
        # Before registration the Italian partner may be called on them.
        self.assertEqual(self.call(self.it_partner, self.offer).reason_id, self.offer)
        self.register_days_ago(IT_MOBILE, 3)
        for reason in (self.offer, self.survey, self.elsewhere):
            with self.subTest(reason=reason.code):
                self.assertRefused(self.it_partner, reason, "opposition register")
        for reason in (self.contract, self.legal):
            with self.subTest(reason=reason.code):
                self.assertEqual(self.call(self.it_partner, reason).reason_id, reason)

    def test_query_count_does_not_grow_with_partners(self):
        Partner = self.env["res.partner"]
        reasons = self.offer | self.contract
        self.import_register(
            "\n".join(f"+39 347 {n:07d};2026-10-01" for n in range(1000000, 1000050))
        )

        def queries(count):
            partners = Partner.create(
                [
                    {"name": f"Client {n}", "mobile": f"+33 6 12 00 {n:04d}"}
                    for n in range(count)
                ]
                + [
                    {"name": f"Cliente {n}", "mobile": f"+39 347 {1000000 + n:07d}"}
                    for n in range(count)
                ]
            )
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            refusals = reasons._refusals(partners, "call")
            self.assertEqual(set(refusals[self.offer]), set(partners))
            self.assertFalse(refusals[self.contract])
            return self.env.cr.sql_log_count - before

        queries(1)  # the caches of a first check
        self.assertEqual(queries(2), queries(25))
