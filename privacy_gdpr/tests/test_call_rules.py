from odoo.exceptions import UserError
from odoo.tests import tagged

from .telephony_common import IT_MOBILE
from .test_opposition_register import OppositionRegisterCase


@tagged("post_install", "-at_install")
class TestCallRules(OppositionRegisterCase):
    """Reasons refused for some calls: legitimate interests for a number in the
    Italian opposition register; all but contract (and what is not marketing)
    for consumers in France (Code de la consommation art. L223-1)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.privacy_check_call = True
        ref = cls.env.ref
        cls.legitimate = ref("privacy_gdpr.contact_reason_existing_customer")
        cls.b2b = ref("privacy_gdpr.contact_reason_b2b_prospect")
        cls.contract = ref("privacy_gdpr.contact_reason_contract")
        cls.legal = ref("privacy_gdpr.contact_reason_legal_obligation")
        cls.elsewhere = ref("privacy_gdpr.contact_reason_consent_elsewhere")
        Partner = cls.env["res.partner"]
        # fr_partner: a consumer in France. Another one known only by number.
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

    def call(self, partner, reason):
        return partner.with_user(self.user_privacy)._privacy_record_contact(
            "call", reason, phone_number=partner.mobile or partner.phone
        )

    def dialog_call(self, partner, reason):
        Wizard = self.env["privacy.contact.reason.wizard"].with_user(self.user_privacy)
        action = Wizard.privacy_contact_check("call", partner._name, partner.id)
        wizard = Wizard.browse(action["res_id"])
        wizard.privacy_contact_reason_id = reason
        return wizard.action_confirm()

    def test_french_consumer_without_consent(self):
        for partner in (self.fr_partner, self.fr_by_number):
            for reason in (self.legitimate, self.b2b, self.elsewhere):
                with self.subTest(partner=partner.name, reason=reason.code):
                    with self.assertRaisesRegex(UserError, "L223-1"):
                        self.call(partner, reason)
                    with self.assertRaisesRegex(UserError, partner.name):
                        self.dialog_call(partner, reason)
            self.assertFalse(self.Log.search([("partner_id", "=", partner.id)]))
        self.assertEqual(self.call(self.fr_partner, self.legal).reason_id, self.legal)

    def test_french_consumer_with_ongoing_contract(self):
        log = self.call(self.fr_partner, self.contract)
        self.assertEqual(log.reason_id, self.contract)
        self.dialog_call(self.fr_by_number, self.contract)
        self.assertEqual(
            self.Log.search([("partner_id", "=", self.fr_by_number.id)]).reason_id,
            self.contract,
        )

    def test_french_consumer_with_consent(self):
        self.give(self.fr_partner, self.type_call)
        # No reason needed: nothing is refused, nothing logged.
        self.assertFalse(self.call(self.fr_partner, self.legitimate))
        self.assertFalse(self.fr_partner._privacy_needing_reason("call"))

    def test_french_company_contact_not_concerned(self):
        for partner in (self.fr_company, self.fr_employee):
            with self.subTest(partner=partner.name):
                log = self.call(partner, self.b2b)
                self.assertEqual(log.reason_id, self.b2b)

    def test_other_channels_not_concerned(self):
        self.fr_partner.email = "camille.martin@example.fr"
        log = self.fr_partner.with_user(self.user_privacy)._privacy_record_contact(
            "email", self.legitimate
        )
        self.assertEqual(log.reason_id, self.legitimate)

    def test_registered_number_refuses_legitimate_interests(self):
        # Before registration the Italian partner may be called on them.
        self.assertEqual(self.call(self.it_partner, self.b2b).reason_id, self.b2b)
        self.register_days_ago(IT_MOBILE, 3)
        for reason in (self.legitimate, self.b2b):
            with self.subTest(reason=reason.code):
                with self.assertRaisesRegex(UserError, "opposition register"):
                    self.call(self.it_partner, reason)
                with self.assertRaisesRegex(UserError, "Giulia Bianchi"):
                    self.dialog_call(self.it_partner, reason)
        self.assertEqual(
            self.call(self.it_partner, self.contract).reason_id, self.contract
        )
        self.assertEqual(
            self.call(self.it_partner, self.elsewhere).reason_id, self.elsewhere
        )

    def test_query_count_does_not_grow_with_partners(self):
        Partner = self.env["res.partner"]
        Rules = self.env["privacy.call.rules"]

        def queries(count):
            partners = Partner.create(
                [
                    {"name": f"Client {n}", "mobile": f"+33 6 12 00 {n:04d}"}
                    for n in range(count)
                ]
            )
            self.env.flush_all()
            before = self.env.cr.sql_log_count
            refused = Rules._refused_partners(partners, self.legitimate)
            self.assertEqual(refused, partners)
            return self.env.cr.sql_log_count - before

        queries(1)  # the caches of a first check
        self.assertEqual(queries(2), queries(40))
