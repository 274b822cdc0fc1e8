import base64
from datetime import datetime, timedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import freeze_time, tagged

from odoo.addons.privacy_gdpr.models.privacy_opposition_register_entry import (
    IMPORT_DATE_PARAM,
)

from .telephony_common import IT_LANDLINE, IT_MOBILE, TelephonyCase


class OppositionRegisterCase(TelephonyCase):
    """The Italian partner's numbers, and the register's import as a Privacy
    Manager."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Entry = cls.env["privacy.opposition.register.entry"]
        cls.env["ir.config_parameter"].sudo().set_param(IMPORT_DATE_PARAM, False)

    def import_wizard(self, text, user=None):
        return (
            self.env["privacy.opposition.import"]
            .with_user(user or self.user_manager)
            .create({"file": base64.b64encode(text.encode()), "filename": "rpo.csv"})
        )

    def import_register(self, text, user=None):
        return self.import_wizard(text, user).action_import()

    def registered(self):
        return {entry.e164: entry.date_registered for entry in self.Entry.search([])}

    def register_days_ago(self, number, days):
        day = self.today - timedelta(days=days)
        self.import_register(f"{number};{day.isoformat()}")
        return day


@tagged("post_install", "-at_install")
class TestOppositionRegisterImport(OppositionRegisterCase):
    """The register's answer imported in one statement, all or nothing."""

    def test_import_normalises_and_stores_the_day(self):
        result = self.import_register(
            "numero;data\n"
            "347 555 1212;2026-10-01\n"
            "\n"
            "+39 06 6982 1234;01/09/2026\n"
            "0039 333 444 5566;2025-12-31\n"
        )
        self.assertEqual(
            self.registered(),
            {
                IT_MOBILE: datetime(2026, 10, 1).date(),
                IT_LANDLINE: datetime(2026, 9, 1).date(),
                "+393334445566": datetime(2025, 12, 31).date(),
            },
        )
        self.assertIn("3 numbers added, 0 updated", result["params"]["message"])
        self.assertTrue(self.Entry._last_import_date())
        self.assertFalse(self.Entry._is_stale())

    def test_one_statement_whatever_the_number_of_lines(self):
        def statements(count, first):
            lines = "\n".join(
                f"+39 347 {first + n:07d};2026-10-01" for n in range(count)
            )
            # Each import at its own time, so that each records a new date.
            with freeze_time(datetime(2026, 11, 2) + timedelta(hours=count)):
                wizard = self.import_wizard(lines)
                self.env.flush_all()
                before = self.env.cr.sql_log_count
                wizard.action_import()
                return self.env.cr.sql_log_count - before

        statements(1, 3000000)  # the caches of a first import
        few = statements(3, 1000000)
        many = statements(300, 2000000)
        self.assertEqual(few, many)
        self.assertEqual(len(self.registered()), 304)

    def test_malformed_file_imports_nothing(self):
        for bad_line, error in (
            ("+33 6 47 21 83 59;2026-10-01", "Line 3: .*Italian number"),
            ("347 555 1213;1st October", "Line 3: .*past day"),
            ("347 555 1213", "Line 3: .*Italian number"),
            ("347 555 1213;2026-10-01;x", "Line 3: .*Italian number"),
            (f"347 555 1213;{self.today + timedelta(days=1)}", "Line 3: .*past day"),
        ):
            with self.subTest(line=bad_line):
                with self.assertRaisesRegex(UserError, error):
                    self.import_register(
                        "347 555 1212;2026-10-01\n"
                        "06 6982 1234;2026-10-02\n"
                        f"{bad_line}\n"
                    )
                self.assertFalse(self.Entry.search([]))
                self.assertFalse(self.Entry._last_import_date())
        with self.assertRaisesRegex(UserError, "lists no number"):
            self.import_register("numero;data\n")

    def test_reimport_updates_dates(self):
        self.import_register("347 555 1212;2026-10-01\n06 6982 1234;2026-10-02")
        result = self.import_register(
            "+393475551212;2026-11-15\n+39 333 444 5566;2026-11-16"
        )
        self.assertIn("1 numbers added, 1 updated", result["params"]["message"])
        self.assertEqual(
            self.registered(),
            {
                IT_MOBILE: datetime(2026, 11, 15).date(),
                IT_LANDLINE: datetime(2026, 10, 2).date(),
                "+393334445566": datetime(2026, 11, 16).date(),
            },
        )

    def test_managers_import_users_read(self):
        self.import_register("347 555 1212;2026-10-01")
        self.assertEqual(
            self.Entry.with_user(self.user_privacy).search([]).e164, IT_MOBILE
        )
        for user in (self.user_privacy, self.user_employee):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.import_register("347 555 1213;2026-10-01", user=user)
        with self.assertRaises(AccessError):
            self.Entry.with_user(self.user_employee).search([])
        with self.assertRaises(AccessError):
            self.Entry.with_user(self.user_privacy).search([]).unlink()
        self.assertEqual(len(self.registered()), 1)


@tagged("post_install", "-at_install")
class TestOppositionRegisterCalls(OppositionRegisterCase):
    """Consents to calls given before a number's registration no longer count,
    in the one check and in the telephony API."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.service = cls.env["privacy.telephony"].with_user(cls.user_privacy)

    def api_allows(self, phone):
        return self.service.check_contact(channel="call", phone=phone)["allowed"]

    def test_consent_given_before_registration_no_longer_counts(self):
        self.give(self.it_partner, self.type_call, days_ago=9)
        self.give(self.it_partner, self.type_sms, days_ago=9)
        self.assertTrue(self.it_partner._privacy_allowed("call"))
        self.assertTrue(self.api_allows(IT_LANDLINE))
        # The mobile is registered: every number of the person is refused.
        self.register_days_ago(IT_MOBILE, 5)
        self.assertFalse(self.it_partner._privacy_allowed("call"))
        self.assertFalse(
            self.it_partner._privacy_check("call")[self.it_partner.id]["allowed"]
        )
        self.assertIn(self.it_partner, self.it_partner._privacy_needing_reason("call"))
        for phone in (IT_MOBILE, IT_LANDLINE):
            with self.subTest(phone=phone):
                self.assertFalse(self.api_allows(phone))
        # Only calls: an SMS consent is not withdrawn by the register.
        self.assertTrue(self.it_partner._privacy_allowed("sms"))
        self.assertTrue(
            self.service.check_contact(channel="sms", phone=IT_MOBILE)["allowed"]
        )

    def test_consent_given_after_registration_counts(self):
        self.register_days_ago(IT_MOBILE, 20)
        self.give(self.it_partner, self.type_call, days_ago=3)
        self.assertTrue(self.it_partner._privacy_allowed("call"))
        self.assertTrue(self.api_allows(IT_MOBILE))
        # A later registration (re-imported with its new day) withdraws it.
        self.register_days_ago(IT_MOBILE, 1)
        self.assertFalse(self.it_partner._privacy_allowed("call"))
        self.assertFalse(self.api_allows(IT_MOBILE))

    def test_other_partners_keep_their_consents(self):
        self.give(self.it_partner, self.type_call, days_ago=9)
        self.give(self.fr_partner, self.type_call, days_ago=9)
        self.register_days_ago("333 444 5566", 5)
        partners = self.it_partner | self.fr_partner
        self.assertEqual(partners._privacy_allowed("call"), partners)

    def test_query_count_does_not_grow_with_partners(self):
        Partner = self.env["res.partner"]
        self.import_register(
            "\n".join(f"+39 347 {n:07d};2026-10-01" for n in range(1000000, 1000040))
        )

        def queries(count):
            partners = Partner.create(
                [
                    {"name": f"Cliente {n}", "mobile": f"+39 347 {1000000 + n:07d}"}
                    for n in range(count)
                ]
            )
            for partner in partners:
                self.give(partner, self.type_call, days_ago=400)
            self.env.flush_all()
            before = self.env.cr.sql_log_count
            allowed = partners._privacy_allowed("call")
            check = partners._privacy_check("call")
            self.assertFalse(allowed)
            self.assertFalse(any(answer["allowed"] for answer in check.values()))
            return self.env.cr.sql_log_count - before

        self.assertEqual(queries(2), queries(30))


@tagged("post_install", "-at_install")
class TestOppositionRegisterWarning(OppositionRegisterCase):
    """The call dialog warns when the register's answer is missing or stale."""

    def warning(self, partner, number=False):
        return self.dialog(partner, number).privacy_register_warning

    def dialog(self, partner, number=False):
        Wizard = self.env["privacy.contact.reason.wizard"].with_user(self.user_privacy)
        action = Wizard.privacy_contact_check(
            "call", partner._name, partner.id, phone_number=number
        )
        return Wizard.browse(action["res_id"])

    def test_warning_when_the_import_is_old(self):
        imported = datetime(2026, 11, 2, 10, 0)
        with freeze_time(imported):
            self.import_register("333 444 5566;2026-10-01")
        for days, warned in ((10, False), (15, False), (16, True), (40, True)):
            with self.subTest(days=days), freeze_time(imported + timedelta(days=days)):
                warning = self.dialog(self.it_partner).privacy_register_warning
                if warned:
                    self.assertRegex(warning, r"last imported on .*more than 15 days")
                else:
                    self.assertFalse(warning)
        with freeze_time(imported + timedelta(days=16)):
            # French numbers are not in the Italian register.
            self.assertFalse(self.dialog(self.fr_partner).privacy_register_warning)
            self.assertFalse(
                self.dialog(
                    self.it_partner, "+33 6 47 21 83 59"
                ).privacy_register_warning
            )
            self.assertTrue(
                self.dialog(
                    self.fr_partner, "+39 347 555 1212"
                ).privacy_register_warning
            )

    def test_warning_when_never_imported(self):
        self.assertRegex(
            self.dialog(self.it_partner, "347 555 1212").privacy_register_warning,
            "never imported",
        )
        self.assertFalse(self.dialog(self.fr_partner).privacy_register_warning)
