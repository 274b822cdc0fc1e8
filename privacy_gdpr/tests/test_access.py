from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import PrivacyCase


@tagged("post_install", "-at_install")
class TestAccess(PrivacyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.consent_given = cls.give(cls.partner, cls.type_email)
        cls.history = cls.consent_given.history_ids
        cls.reason = cls.env.ref("privacy_gdpr.contact_reason_contract")
        cls.user_public = cls.env.ref("base.public_user")

    def assert_can(self, user, records, operation, allowed=True):
        records = records.with_user(user)
        if allowed:
            records.check_access(operation)
        else:
            with self.assertRaises(
                AccessError, msg=f"{user.login} may {operation} {records}"
            ):
                records.check_access(operation)

    def test_access_matrix(self):
        consent_line = self.consent(self.partner_2, self.type_sms)
        # (record, user) -> operations allowed among read, write, create, unlink
        matrix = {
            "type": (
                self.type_sms,
                {
                    self.user_employee: {"read"},
                    self.user_privacy: {"read"},
                    self.user_manager: {"read", "write", "create", "unlink"},
                },
            ),
            "reason": (
                self.reason,
                {
                    self.user_employee: {"read"},
                    self.user_privacy: {"read"},
                    self.user_manager: {"read", "write", "create", "unlink"},
                },
            ),
            "consent": (
                consent_line,
                {
                    self.user_employee: {"read"},
                    self.user_privacy: {"read", "write", "create"},
                    self.user_manager: {"read", "write", "create", "unlink"},
                },
            ),
            "history": (
                self.history,
                {
                    self.user_employee: {"read"},
                    self.user_privacy: {"read"},
                    self.user_manager: {"read"},
                },
            ),
        }
        for name, (records, rights) in matrix.items():
            for user in (
                self.user_employee,
                self.user_privacy,
                self.user_manager,
                self.user_portal,
                self.user_public,
            ):
                allowed = rights.get(user, set())
                for operation in ("read", "write", "create", "unlink"):
                    with self.subTest(model=name, user=user.login, operation=operation):
                        self.assert_can(user, records, operation, operation in allowed)

    def test_employee_reads_consents_but_cannot_record_them(self):
        line = self.consent(self.partner_2, self.type_sms).with_user(self.user_employee)
        self.assertEqual(line.state, "none")
        with self.assertRaises(AccessError):
            line.write({"state": "refused"})
        with self.assertRaises(AccessError):
            self.partner_2.with_user(self.user_employee).write(
                {"gdpr_consent_ids": [(1, line.id, {"state": "refused"})]}
            )
        self.assertEqual(line.sudo().state, "none")

    def test_portal_and_public_users_see_nothing(self):
        for user in (self.user_portal, self.user_public):
            for model in (
                "privacy.consent.type",
                "privacy.contact.reason",
                "privacy.partner.consent",
                "privacy.consent.history",
            ):
                with (
                    self.subTest(user=user.login, model=model),
                    self.assertRaises(AccessError),
                ):
                    self.env[model].with_user(user).search([])

    def test_second_company_sees_only_its_own_and_shared_consents(self):
        company_b = self.env["res.company"].create({"name": "Company B"})
        user_b = new_test_user(
            self.env,
            login="privacy_user_b",
            groups="base.group_user,privacy_gdpr.group_privacy_user",
            company_id=company_b.id,
            company_ids=[(6, 0, company_b.ids)],
        )
        main_type = self.env["privacy.consent.type"].create(
            {
                "name": "Main only",
                "code": "MAIN_ONLY",
                "allow_email": True,
                "company_id": self.env.company.id,
            }
        )
        b_type = self.env["privacy.consent.type"].create(
            {
                "name": "B only",
                "code": "B_ONLY",
                "allow_email": True,
                "company_id": company_b.id,
            }
        )
        main_consent = self.give(self.partner_2, main_type)
        b_consent = self.give(self.partner_2, b_type)
        Consent = self.env["privacy.partner.consent"].with_user(user_b)
        seen = Consent.search([("partner_id", "=", self.partner_2.id)])
        self.assertIn(b_consent, seen)
        self.assertNotIn(main_consent, seen)
        self.assertIn(self.consent(self.partner_2, self.type_sms), seen)  # shared type
        Type = self.env["privacy.consent.type"].with_user(user_b)
        self.assertNotIn(main_type, Type.search([]))
        self.assertNotIn(
            main_consent.history_ids,
            self.env["privacy.consent.history"].with_user(user_b).search([]),
        )
        with self.assertRaises(AccessError):
            main_consent.with_user(user_b).write({"state": "withdrawn"})
        # A consent recorded in the main company does not let company B contact.
        partner_b = self.partner_2.with_user(user_b)
        answer = partner_b._privacy_check("email")[self.partner_2.id]
        self.assertEqual(answer["consents"], b_consent)
        self.assertTrue(answer["allowed"])
