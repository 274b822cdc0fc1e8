from odoo.tests import tagged

from ..channels import CHANNELS
from .common import PrivacyCase


@tagged("post_install", "-at_install")
class TestConsentReports(PrivacyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.give(cls.partner, cls.type_newsletter, days_ago=40)  # expired
        cls.give(cls.partner, cls.type_sms)
        cls.give(cls.partner_2, cls.type_sms, days_ago=3)
        cls.give(cls.partner_2, cls.type_call, days_ago=2)
        cls.consent(cls.partner_2, cls.type_email).write({"state": "refused"})

    def test_analysis_views_load_and_group(self):
        for model, action in (
            ("privacy.partner.consent", "privacy_partner_consent_analysis_action"),
            ("privacy.consent.history", "privacy_consent_history_analysis_action"),
        ):
            with self.subTest(model=model):
                action = self.env.ref(f"privacy_gdpr.{action}")
                views = (
                    self.env[model]
                    .with_user(self.user_privacy)
                    .get_views(
                        [(view.view_id.id, view.view_mode) for view in action.view_ids]
                        + [(False, "search")]
                    )
                )
                self.assertEqual(set(views["views"]), {"pivot", "graph", "search"})
        Consent = self.env["privacy.partner.consent"].with_user(self.user_privacy)
        domain = [("partner_id", "in", (self.partner | self.partner_2).ids)]
        groups = Consent.read_group(
            domain, ["__count"], ["type_id", "state"], lazy=False
        )
        counts = {
            (group["type_id"][0], group["state"]): group["__count"] for group in groups
        }
        self.assertEqual(counts[self.type_sms.id, "given"], 2)
        self.assertEqual(counts[self.type_email.id, "refused"], 1)
        by_month = Consent.web_read_group(
            domain + [("state", "=", "given")], ["__count"], ["date_given:month"]
        )
        self.assertEqual(
            sum(group["date_given_count"] for group in by_month["groups"]), 4
        )
        History = self.env["privacy.consent.history"].with_user(self.user_privacy)
        changes = History.read_group(
            [("partner_id", "in", (self.partner | self.partner_2).ids)],
            ["__count"],
            ["date:month", "new_state"],
            lazy=False,
        )
        self.assertEqual(sum(group["__count"] for group in changes), 5)

    def test_reachable_share_is_the_one_check(self):
        Report = self.env["privacy.reachability.report"].with_user(self.user_privacy)
        lines = Report._compute_lines()
        self.assertEqual(lines.mapped("channel"), [channel for channel, _ in CHANNELS])
        partners = self.env["res.partner"].with_user(self.user_privacy).search([])
        for line in lines:
            with self.subTest(channel=line.channel):
                allowed = partners._privacy_allowed(line.channel)
                self.assertEqual(line.allowed_count, len(allowed))
                self.assertEqual(line.partner_count, len(partners))
                # A percentage with one decimal.
                self.assertAlmostEqual(
                    line.share, 100.0 * len(allowed) / len(partners), delta=0.05
                )
                action = line.action_open_partners()
                self.assertEqual(
                    self.env["res.partner"].search(action["domain"]), allowed
                )
        by_channel = {line.channel: line for line in lines}
        # The expired newsletter consent does not count; both gave SMS.
        reached = partners._privacy_allowed("sms")
        self.assertIn(self.partner, reached)
        self.assertIn(self.partner_2, reached)
        self.assertNotIn(self.partner, partners._privacy_allowed("mass_mailing"))
        self.assertGreaterEqual(by_channel["sms"].allowed_count, 2)

    def test_reporting_menu_opens_the_dashboard(self):
        server_action = self.env.ref(
            "privacy_gdpr.privacy_reachability_report_server_action"
        )
        self.assertEqual(
            self.env.ref("privacy_gdpr.menu_privacy_reporting").action, server_action
        )
        action = server_action.with_user(self.user_privacy).run()
        self.assertEqual(action["res_model"], "privacy.reachability.report")
        lines = self.env["privacy.reachability.report"].search(action["domain"])
        self.assertEqual(len(lines), len(CHANNELS))
        views = lines.with_user(self.user_privacy).get_views([(False, "list")])
        self.assertIn("list", views["views"])
