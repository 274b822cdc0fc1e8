from odoo.tests import Form, tagged
from odoo.tests.common import JsonRpcException

from odoo.addons.privacy_gdpr.exceptions import PrivacyReasonRequired
from odoo.addons.privacy_gdpr.tests.mass_common import MassComposerCommon
from odoo.addons.privacy_gdpr.tests.test_mass_composer_tours import MassTourCase


class SmsMassCase(MassComposerCommon):
    """The SMS composer in mass mode, as *Send SMS* on the contact list opens it."""

    def composer(self, partners, **values):
        return (
            self.env["sms.composer"]
            .with_user(self.user_sales)
            .with_context(**self.mass_context(partners))
            .create({"body": "Spring offers", **values})
        )

    def mass_context(self, partners):
        return {
            "default_composition_mode": "mass",
            "default_res_model": "res.partner",
            "default_res_ids": repr(partners.ids),
            "default_number_field_name": "mobile",
        }

    def sms_to(self, partners):
        return (
            self.env["sms.sms"]
            .sudo()
            .search([("partner_id", "in", partners.ids)])
            .partner_id
        )


@tagged("post_install", "-at_install")
class TestSmsMass(SmsMassCase):
    """Mass mode of the SMS composer: leave out, or send with a reason."""

    def setUp(self):
        super().setUp()
        self.switch("sms", True)
        # partner: no consent; partner_2: consent for SMS.
        self.partners = self.partner | self.partner_2

    def test_form_proposes_to_leave_out(self):
        form = Form(
            self.env["sms.composer"]
            .with_user(self.user_sales)
            .with_context(**self.mass_context(self.partners)),
        )
        self.assertEqual(form.privacy_mass_without_count, 1)
        self.assertEqual(form.privacy_mass_decision, "leave_out")

    def test_leave_out_sends_to_consented_only(self):
        composer = self.composer(self.partners, privacy_mass_decision="leave_out")
        self.assertEqual(composer.privacy_mass_without_count, 1)
        action = composer.action_send_sms()
        self.assertEqual(self.sms_to(self.partners), self.partner_2)
        self.assertFalse(self.logs())
        self.assertEqual(action["res_model"], "res.partner")
        self.assertEqual(action["domain"], [("id", "in", [self.partner.id])])

    def test_send_now_leaves_out_too(self):
        composer = self.composer(self.partners, privacy_mass_decision="leave_out")
        composer.action_send_sms_mass_now()
        self.assertEqual(self.sms_to(self.partners), self.partner_2)

    def test_reason_sends_to_all_and_logs_those_without_consent(self):
        composer = self.composer(
            self.partners,
            privacy_mass_decision="reason",
            privacy_contact_reason_id=self.reason.id,
            privacy_contact_note="Storm warning",
        )
        self.assertFalse(composer.action_send_sms())
        self.assertEqual(self.sms_to(self.partners), self.partners)
        self.assertRecordValues(
            self.logs(),
            [
                {
                    "partner_id": self.partner.id,
                    "channel": "sms",
                    "reason_id": self.reason.id,
                    "note": "Storm warning",
                    "user_id": self.user_sales.id,
                    "res_model": "res.partner",
                }
            ],
        )

    def test_without_decision_refused(self):
        sms = self.count("sms.sms")
        for values in ({}, {"privacy_mass_decision": "reason"}):
            with self.subTest(values=values):
                composer = self.composer(self.partners, **values)
                with self.assertRaisesRegex(PrivacyReasonRequired, "Camille|1 recip"):
                    composer.action_send_sms()
                with self.assertRaises(PrivacyReasonRequired):
                    composer.action_send_sms_mass_now()
        self.assertEqual(self.count("sms.sms"), sms)
        self.assertFalse(self.logs())

    def test_automated_action_is_not_checked(self):
        # An automated action's SMS is sent by code, as before.
        action = self.env["ir.actions.server"].create(
            {
                "name": "Text the contacts",
                "model_id": self.env["ir.model"]._get_id("res.partner"),
                "state": "sms",
                "sms_method": "sms",
                "sms_template_id": self.env["sms.template"]
                .create(
                    {
                        "name": "Offers",
                        "model_id": self.env["ir.model"]._get_id("res.partner"),
                        "body": "Spring offers",
                    }
                )
                .id,
            }
        )
        action.with_context(
            active_model="res.partner", active_ids=self.partners.ids
        ).run()
        self.assertEqual(self.sms_to(self.partners), self.partners)
        self.assertFalse(self.logs())

    def test_switch_off_is_odoo(self):
        self.switch("sms", False)
        composer = self.composer(self.partners)
        self.assertEqual(composer.privacy_mass_without_count, 0)
        self.assertFalse(composer.action_send_sms())
        self.assertEqual(self.sms_to(self.partners), self.partners)
        self.assertFalse(self.logs())

    def test_split_queries_do_not_grow_with_recipients(self):
        self.assertEqual(
            self.split_queries(10, self.type_sms),
            self.split_queries(100, self.type_sms),
        )


@tagged("post_install", "-at_install")
class TestSmsMassTours(MassTourCase):
    """*Send SMS* on the contact list, in headless Chromium and over RPC."""

    def texted(self):
        return (
            self.env["sms.sms"]
            .sudo()
            .search([("partner_id", "in", self.partners.ids)])
            .partner_id
        )

    def test_leave_out(self):
        self.start_mass_tour("privacy_gdpr_sms_mass_leave_out")
        self.assertEqual(self.texted(), self.giulia)
        self.assertFalse(self.Log.search([("partner_id", "in", self.partners.ids)]))

    def test_reason(self):
        self.start_mass_tour("privacy_gdpr_sms_mass_reason")
        self.assertEqual(self.texted(), self.partners)
        self.assertLogged("sms", "Storm warning")

    def test_rpc_without_decision_refused(self):
        self.authenticate("privacy_mass", "privacy_mass")
        context = {
            "default_composition_mode": "mass",
            "default_res_model": "res.partner",
            "default_res_ids": repr(self.partners.ids),
        }
        composer_id = self.call_kw(
            "sms.composer", "create", [{"body": "Spring offers"}], {"context": context}
        )
        for method in ("action_send_sms", "action_send_sms_mass_now"):
            with self.assertRaises(JsonRpcException) as refused:
                self.call_kw("sms.composer", method, [[composer_id]])
            self.assertIn("PrivacyReasonRequired", str(refused.exception))
        self.assertFalse(self.texted())
