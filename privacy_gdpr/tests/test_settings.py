from odoo.tests import tagged

from .common import PrivacyCase


@tagged("post_install", "-at_install")
class TestSettings(PrivacyCase):
    def test_every_check_is_on_by_default(self):
        company = self.env["res.company"].create({"name": "New company"})
        for check in ("email", "mass_mailing", "call", "sms"):
            self.assertTrue(company._privacy_check_active(check))

    def test_switches_are_saved_per_company(self):
        settings = self.env["res.config.settings"].create({})
        self.assertTrue(settings.privacy_enabled)
        settings.write({"privacy_check_sms": False, "privacy_check_call": False})
        settings.execute()
        company = self.env.company
        self.assertFalse(company._privacy_check_active("sms"))
        self.assertFalse(company._privacy_check_active("call"))
        self.assertTrue(company._privacy_check_active("email"))
        self.assertFalse(self.env["res.config.settings"].create({}).privacy_check_sms)

    def test_disabling_the_feature_disables_every_check(self):
        self.env.company.privacy_enabled = False
        for check in ("email", "mass_mailing", "call", "sms"):
            self.assertFalse(self.env.company._privacy_check_active(check))

    def test_unknown_check_is_an_error(self):
        with self.assertRaises(ValueError):
            self.env.company._privacy_check_active("fax")

    def test_a_switch_shows_with_the_bridge_that_checks_its_channel(self):
        arch = self.env["res.config.settings"].get_view(
            self.env.ref("base.res_config_settings_view_form").id
        )["arch"]
        for field in ("privacy_enabled", "privacy_check_email", "privacy_check_call"):
            self.assertIn(f'name="{field}"', arch)
        Module = self.env["ir.module.module"]
        for bridge, field in (
            ("privacy_gdpr_mass_mailing", "privacy_check_mass_mailing"),
            ("privacy_gdpr_sms", "privacy_check_sms"),
        ):
            with self.subTest(bridge=bridge):
                self.assertEqual(
                    f'name="{field}"' in arch,
                    Module._get(bridge).state == "installed",
                )
