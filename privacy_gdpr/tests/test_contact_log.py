from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import PrivacyCase


@tagged("post_install", "-at_install")
class TestContactLog(PrivacyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reason = cls.env.ref("privacy_gdpr.contact_reason_contract")

    def test_needing_reason_follows_consent_and_switch(self):
        partners = self.partner | self.partner_2
        self.give(self.partner, self.type_email)
        self.assertEqual(partners._privacy_needing_reason("email"), self.partner_2)
        self.assertEqual(partners._privacy_needing_reason("call"), partners)
        self.env.company.privacy_check_call = False
        self.assertFalse(partners._privacy_needing_reason("call"))
        self.env.company.privacy_enabled = False
        self.assertFalse(partners._privacy_needing_reason("email"))

    def test_log_is_written_for_users_without_rights_and_is_immutable(self):
        Log = self.env["privacy.contact.log"].with_user(self.user_employee)
        logs = Log._log_contacts(
            self.partner | self.partner_2,
            "call",
            self.reason,
            note="Delivery problem",
            res_model="res.partner",
            res_id=self.partner.id,
        )
        self.assertEqual(len(logs), 2)
        self.assertEqual(logs.user_id, self.user_employee)
        self.assertEqual(self.partner.privacy_contact_log_ids, logs[0])
        self.assertEqual(logs[0].legal_basis, "contract")
        for user in (self.user_manager, self.user_employee):
            with self.subTest(user=user.login):
                with self.assertRaises(UserError):
                    logs.with_user(user).write({"note": "changed"})
                with self.assertRaises(UserError):
                    logs.with_user(user).unlink()
                with self.assertRaises(AccessError):
                    self.env["privacy.contact.log"].with_user(user).create(
                        {
                            "partner_id": self.partner.id,
                            "channel": "email",
                            "reason_id": self.reason.id,
                        }
                    )
        with self.assertRaisesRegex(UserError, "cannot be modified"):
            logs.sudo().write({"note": "changed"})
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            logs.sudo().unlink()
        self.assertEqual(logs[0].note, "Delivery problem")
