from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import PrivacyCase


@tagged("post_install", "-at_install")
class TestAuditLog(PrivacyCase):
    """Who changed the rules, when, from what to what."""

    def rows(self, **domain):
        return (
            self.env["privacy.audit.log"]
            .sudo()
            .search(
                [(fname, "=", value) for fname, value in domain.items()], order="id"
            )
        )

    def test_settings_switches_leave_a_trace(self):
        admin = self.env.ref("base.user_admin")
        Settings = self.env["res.config.settings"].with_user(admin)
        before = self.rows(res_model="res.company")
        Settings.create({"privacy_check_email": False}).execute()
        Settings.create({"privacy_check_email": True}).execute()
        rows = self.rows(res_model="res.company") - before
        self.assertEqual(len(rows), 2)
        self.assertEqual(rows.mapped("field_name"), ["privacy_check_email"] * 2)
        self.assertEqual(rows.user_id, admin)
        self.assertEqual(rows.company_id, self.env.company)
        self.assertEqual(
            [(row.old_value, row.new_value) for row in rows],
            [("Yes", "No"), ("No", "Yes")],
        )
        self.assertEqual(rows[0].field_label, "Single e-mails ask for a reason")
        # Saving without a change records nothing.
        Settings.create({}).execute()
        self.assertEqual(self.rows(res_model="res.company") - before, rows)

    def test_consent_types_and_contact_reasons(self):
        newsletter = self.type_newsletter.with_user(self.user_manager)
        newsletter.write({"validity_days": 60, "allow_sms": True, "sequence": 2})
        rows = self.rows(
            res_model="privacy.consent.type", res_id=newsletter.id, operation="write"
        )
        self.assertEqual(
            {(row.field_name, row.old_value, row.new_value) for row in rows},
            {("validity_days", "30", "60"), ("allow_sms", "No", "Yes")},
        )
        self.assertEqual(rows.user_id, self.user_manager)
        Reason = self.env["privacy.contact.reason"].with_user(self.user_manager)
        reason = Reason.create(
            {"name": "Fraud check", "code": "FRAUD", "legal_basis": "legal_obligation"}
        )
        reason.write({"legal_basis": "legitimate_interests"})
        reason.action_archive()
        reason.unlink()
        rows = self.rows(res_model="privacy.contact.reason", res_id=reason.id)
        self.assertEqual(
            rows.mapped("operation"), ["create", "write", "write", "unlink"]
        )
        self.assertIn("Legal obligation", rows[0].new_value)
        self.assertEqual(
            (rows[1].old_value, rows[1].new_value),
            ("Legal obligation", "Legitimate interests"),
        )
        self.assertEqual((rows[2].field_name, rows[2].new_value), ("active", "No"))
        self.assertEqual(rows[3].record_name, "Fraud check")

    def test_read_by_managers_and_never_changed(self):
        self.type_newsletter.validity_days = 90
        row = self.rows(res_model="privacy.consent.type")[-1:]
        self.assertTrue(row.with_user(self.user_manager).read(["new_value"]))
        with self.assertRaises(AccessError):
            row.with_user(self.user_privacy).read(["new_value"])
        with self.assertRaises(UserError):
            row.sudo().write({"new_value": "30"})
        with self.assertRaises(UserError):
            row.sudo().unlink()
        menu = self.env.ref("privacy_gdpr.menu_privacy_audit_log")
        Menu = self.env["ir.ui.menu"]
        self.assertIn(menu.id, Menu.with_user(self.user_manager)._visible_menu_ids())
        self.assertNotIn(menu.id, Menu.with_user(self.user_privacy)._visible_menu_ids())
