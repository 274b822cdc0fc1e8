from datetime import date

from odoo.exceptions import ValidationError
from odoo.tests import freeze_time, new_test_user, tagged

from ..events import PrivacyEvent
from .common import PrivacyCase

GIVEN = date(2026, 11, 22)
EXPIRY = date(2026, 12, 2)  # the call consent is valid 10 days


@tagged("post_install", "-at_install")
class TestReferenceDay(PrivacyCase):
    """ "Today" is the company's day, whoever asks and whatever their time zone."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = [
            new_test_user(
                cls.env,
                login=f"privacy_{name}",
                groups="base.group_user,privacy_gdpr.group_privacy_user",
                tz=tz,
            )
            for name, tz in (("new_york", "America/New_York"), ("tokyo", "Asia/Tokyo"))
        ]

    def setUp(self):
        super().setUp()
        with freeze_time("2026-11-25 12:00:00"):
            self.call = self.consent(self.partner, self.type_call)
            self.call.write({"state": "given", "method": "email", "date_given": GIVEN})
        self.assertEqual(self.call.date_expiry, EXPIRY)

    def allowed(self, user):
        partner = self.partner.with_user(user).with_context(tz=user.tz)
        return partner._privacy_check("call")[self.partner.id]["allowed"]

    def telephony(self, user):
        answer = (
            self.env["privacy.telephony"]
            .with_user(user)
            .with_context(tz=user.tz)
            .check_contact(channel="call", partner_id=self.partner.id)
        )
        return answer["allowed"]

    def exported_state(self, user):
        Export = (
            self.env["privacy.consent.export"].with_user(user).with_context(tz=user.tz)
        )
        (row,) = Export._export_rows([("id", "=", self.partner.id)], self.type_call)
        return row[6]

    def assert_one_day(self, moment, company_tz, expired):
        self.env.company.partner_id.tz = company_tz
        with freeze_time(moment):
            day = self.env.company._privacy_today()
            for user in self.users:
                with self.subTest(moment=moment, tz=company_tz, user=user.tz):
                    self.assertEqual(self.allowed(user), not expired)
                    self.assertEqual(self.telephony(user), not expired)
                    self.assertEqual(
                        self.exported_state(user), "Expired" if expired else "Given"
                    )
                    self.assertEqual(
                        self.call.with_user(user).with_context(tz=user.tz).is_expired,
                        expired,
                    )
            # A consent cannot be given after the company's day.
            email = self.consent(self.partner, self.type_email)
            with self.assertRaises(ValidationError):
                email.write(
                    {
                        "state": "given",
                        "method": "email",
                        "date_given": date.fromordinal(day.toordinal() + 1),
                    }
                )
            # The page records the company's day.
            consent_request = self.env["privacy.consent.request"]._create_for_partners(
                self.partner, "request"
            )
            content = consent_request._page_content(self.partner, self.env.company)
            consent_request._record_answers(
                content, {self.type_sms.id: "given"}, PrivacyEvent("page")
            )
            self.assertEqual(self.consent(self.partner, self.type_sms).date_given, day)
            # The scheduled action expires on the company's day.
            self.env["privacy.partner.consent"]._cron_expire_and_renew()
            self.assertEqual(self.call.state, "expired" if expired else "given")
        return day

    def test_paris_before_and_after_midnight_utc(self):
        # 23:30 UTC is already 00:30 in Paris, the day of the expiry: refused
        # for the New York user too (18:30 there, the day before).
        self.assertEqual(
            self.assert_one_day("2026-12-01 23:30:00", "Europe/Paris", True), EXPIRY
        )

    def test_paris_after_midnight_utc(self):
        self.assertEqual(
            self.assert_one_day("2026-12-02 00:30:00", "Europe/Paris", True), EXPIRY
        )

    def test_los_angeles_mirror(self):
        # 00:30 UTC on the 2nd is still the 1st in Los Angeles: valid for the
        # Tokyo user too (09:30 on the 2nd there).
        day = self.assert_one_day("2026-12-02 00:30:00", "America/Los_Angeles", False)
        self.assertEqual(day, date(2026, 12, 1))

    def test_los_angeles_after_its_midnight(self):
        self.assertEqual(
            self.assert_one_day("2026-12-02 08:30:00", "America/Los_Angeles", True),
            EXPIRY,
        )

    def test_no_time_zone_is_utc(self):
        self.env.company.partner_id.tz = False
        with freeze_time("2026-12-01 23:30:00"):
            self.assertEqual(self.env.company._privacy_today(), date(2026, 12, 1))
