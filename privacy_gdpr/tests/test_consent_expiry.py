from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .consent_request_common import PrivacyRequestCase


@tagged("post_install", "-at_install")
class TestConsentExpiry(PrivacyRequestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Consent = cls.env["privacy.partner.consent"]

    def test_cron_is_daily(self):
        cron = self.env.ref("privacy_gdpr.ir_cron_privacy_consent_expiry")
        self.assertEqual((cron.interval_number, cron.interval_type), (1, "days"))
        self.assertTrue(cron.active)
        cron.method_direct_trigger()  # runs without error on any data

    def test_expires_on_the_exact_day(self):
        # Newsletter valid 30 days: given 29 days ago expires tomorrow, given
        # 30 days ago expires today.
        last_day = self.give(self.partner, self.type_newsletter, days_ago=29)
        expiring = self.give(self.partner_2, self.type_newsletter, days_ago=30)
        forever = self.give(self.partner, self.type_sms, days_ago=3000)
        self.assertEqual(expiring.date_expiry, self.today)

        # (Other consents of the database may expire too: look at ours.)
        ours = (last_day | expiring | forever).ids
        expired = self.Consent._expire_consents(self.today - timedelta(days=1))
        self.assertFalse(set(expired) & set(ours))
        self.assertEqual(expiring.state, "given")

        expired = self.Consent._expire_consents(self.today)
        self.assertEqual(set(expired) & set(ours), {expiring.id})
        self.assertEqual(expiring.state, "expired")
        self.assertEqual(last_day.state, "given")
        self.assertEqual(forever.state, "given")
        history = expiring.history_ids[0]
        self.assertEqual((history.old_state, history.new_state), ("given", "expired"))
        self.assertEqual(history.partner_id, self.partner_2)
        self.assertEqual(history.date_given, expiring.date_given)
        self.assertEqual(history.note, "Expired on its expiry date")
        self.assertEqual(
            (history.source, history.type_id, history.method, history.company_id),
            ("expiry", self.type_newsletter, expiring.method, expiring.company_id),
        )
        self.assertFalse(history.user_id, "nobody recorded the expiry")
        self.assertFalse(
            self.partner_2._privacy_check("mass_mailing")[self.partner_2.id]["allowed"]
        )
        # Idempotent: a second run the same day changes nothing.
        self.assertEqual(self.Consent._expire_consents(self.today), [])
        self.assertEqual(len(expiring.history_ids), 2)

        expired = self.Consent._expire_consents(self.today + timedelta(days=1))
        self.assertEqual(set(expired) & set(ours), {last_day.id})

    def test_expiry_is_one_statement(self):
        partners = self.env["res.partner"].create(
            [{"name": f"Expiring {n}", "email": f"e{n}@example.com"} for n in range(30)]
        )
        consents = self.Consent
        for partner in partners:
            consents |= self.give(partner, self.type_call, days_ago=10)
        self.Consent._expire_consents(self.today - timedelta(days=1))  # others
        self.env.flush_all()
        with self.assertQueryCount(1):
            expired = self.Consent._expire_consents(self.today)
        self.assertLessEqual(set(consents.ids), set(expired))
        self.assertEqual(set(consents.mapped("state")), {"expired"})
        self.assertEqual(
            self.env["privacy.consent.history"].search_count(
                [("partner_id", "in", partners.ids), ("new_state", "=", "expired")]
            ),
            30,
        )

    def test_requests_expire(self):
        self.send_request(self.partner)
        self.send_request(self.partner_2)
        late, on_time = (
            self.partner.privacy_request_ids,
            self.partner_2.privacy_request_ids,
        )
        late.sudo().date_expiry = fields.Datetime.now() - timedelta(minutes=1)
        self.env["privacy.consent.request"]._expire_requests()
        self.assertEqual(late.state, "expired")
        self.assertEqual(on_time.state, "sent")

    # ------------------------------------------------------------
    # Renewal
    # ------------------------------------------------------------

    def renewal_messages(self, partner):
        return self.request_messages(partner).filtered(
            lambda m: "will expire soon" in (m.subject or "")
        )

    def enable_renewal(self, days):
        self.env.company.write(
            {"privacy_renewal_enabled": True, "privacy_renewal_days": days}
        )

    def test_renewal_sent_once_at_the_right_day(self):
        self.enable_renewal(5)
        call = self.give(self.partner, self.type_call)  # valid 10 days
        notice_day = call.date_expiry - timedelta(days=5)

        self.Consent._send_renewal_requests(notice_day - timedelta(days=1))
        self.assertFalse(self.renewal_messages(self.partner))

        self.Consent._send_renewal_requests(notice_day)
        self.assertEqual(len(self.renewal_messages(self.partner)), 1)
        self.assertTrue(call.renewal_requested)
        consent_request = self.partner.privacy_request_ids
        self.assertEqual(consent_request.origin, "renewal")
        self.assertIn(
            "/privacy/consent/", self.link_in(self.renewal_messages(self.partner))
        )
        # A renewal keeps the answers valid until they expire.
        self.assertEqual(call.state, "given")

        # Never twice for the same expiry, whatever the day it runs.
        for day in (
            notice_day,
            notice_day + timedelta(days=1),
            call.date_expiry - timedelta(days=1),
        ):
            self.Consent._send_renewal_requests(day)
        self.assertEqual(len(self.renewal_messages(self.partner)), 1)
        self.assertEqual(len(self.partner.privacy_request_ids), 1)

        # Given again: a new expiry date deserves a new renewal.
        call.write(
            {"date_given": self.today - timedelta(days=1), "proof_reference": "REC-2"}
        )
        self.assertFalse(call.renewal_requested)
        self.Consent._send_renewal_requests(call.date_expiry - timedelta(days=5))
        self.assertEqual(len(self.renewal_messages(self.partner)), 2)
        self.assertEqual(consent_request.state, "superseded")

    def test_one_renewal_per_partner(self):
        self.enable_renewal(30)
        newsletter = self.give(self.partner, self.type_newsletter)  # 30 days
        call = self.give(self.partner, self.type_call)  # 10 days
        self.give(self.partner_2, self.type_call)
        self.Consent._send_renewal_requests(self.today)
        self.assertEqual(len(self.renewal_messages(self.partner)), 1)
        self.assertEqual(len(self.renewal_messages(self.partner_2)), 1)
        self.assertTrue(newsletter.renewal_requested and call.renewal_requested)

    def test_renewal_switched_off(self):
        self.assertFalse(self.env.company.privacy_renewal_enabled)
        self.give(self.partner, self.type_call)
        self.assertFalse(self.Consent._send_renewal_requests(self.today))
        self.assertFalse(self.partner.privacy_request_ids)

    def test_renewal_in_batches(self):
        self.enable_renewal(30)
        no_email = self.env["res.partner"].create({"name": "No Mail"})
        for partner in (self.partner, self.partner_2, no_email):
            self.give(partner, self.type_call)
        first = self.Consent._send_renewal_requests(self.today, batch_size=1)
        second = self.Consent._send_renewal_requests(self.today, batch_size=1)
        third = self.Consent._send_renewal_requests(self.today, batch_size=1)
        self.assertEqual(len(first), 1)
        self.assertEqual(len(second), 1)
        self.assertEqual(first | second, self.partner | self.partner_2)
        self.assertFalse(third)
        self.assertFalse(no_email.privacy_request_ids)

    def test_renewal_marking_is_one_statement(self):
        # The queries of a run do not grow with the consents due: one
        # statement marks them, for 3 partners as for 30.
        self.enable_renewal(30)
        # (Consents of the database already due are not ours: renewed.)
        self.Consent.search(
            self.Consent._renewal_domain(self.env.company, self.today)
        ).renewal_requested = True
        partners = self.env["res.partner"].create(
            [{"name": f"Renewed {n}", "email": f"r{n}@example.com"} for n in range(30)]
        )
        for count in (3, 30):
            consents = self.Consent
            for partner in partners[:count]:
                consents |= self.give(partner, self.type_call)
            self.env.flush_all()
            with self.assertQueryCount(1):
                partner_ids, remaining = self.Consent._mark_renewal_batch(
                    self.env.company, self.today, count
                )
            self.assertEqual(set(partner_ids), set(partners[:count].ids))
            self.assertEqual(remaining, 0)
            self.assertTrue(all(consents.mapped("renewal_requested")))
            consents.renewal_requested = False
        # The rest of the set is left to the next runs, counted.
        partner_ids, remaining = self.Consent._mark_renewal_batch(
            self.env.company, self.today, 10
        )
        self.assertEqual((len(partner_ids), remaining), (10, 20))
