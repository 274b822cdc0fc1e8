from contextlib import contextmanager
from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.privacy_gdpr.exceptions import PrivacyApiError
from odoo.addons.privacy_gdpr.models.privacy_telephony import MAX_MATCHES

from .telephony_common import (
    DUPLICATE_NUMBER,
    FR_FORMATS,
    FR_NUMBER,
    IT_LANDLINE,
    IT_MOBILE,
    IT_MOBILE_FORMATS,
    IT_MOBILE_NATIONAL,
    UNKNOWN_NUMBER,
    TelephonyCase,
)


@tagged("post_install", "-at_install")
class TestTelephonyService(TelephonyCase):
    """privacy.telephony: the check and the log that the API and RPC call."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.service = cls.env["privacy.telephony"].with_user(cls.user_privacy)

    def check(self, **kwargs):
        return self.service.check_contact(**kwargs)

    @contextmanager
    def assertApiError(self, field, code="invalid_field", status=400):
        """Expects a PrivacyApiError about ``field``; rolls back like assertRaises."""
        with self.assertRaises(PrivacyApiError) as context:
            yield context
        error = context.exception
        self.assertEqual(
            (error.field, error.code, error.status),
            (field, code, status),
            error.args[0],
        )

    def log_count(self):
        return self.env["privacy.contact.log"].sudo().search_count([])

    # ------------------------------------------------------------
    # Lookup
    # ------------------------------------------------------------

    def test_french_number_formats(self):
        for number in FR_FORMATS:
            with self.subTest(number=number):
                answer = self.check(channel="call", phone=number)
                self.assertEqual(answer["lookup"], {"phone": FR_NUMBER})
                self.assertEqual(
                    [(p["id"], p["matched_by"]) for p in answer["partners"]],
                    [(self.fr_partner.id, ["phone"])],
                )

    def test_italian_number_formats(self):
        for number in IT_MOBILE_FORMATS:
            with self.subTest(number=number):
                answer = self.check(channel="call", phone=number)
                self.assertEqual(answer["lookup"], {"phone": IT_MOBILE})
                self.assertEqual(
                    [(p["id"], p["matched_by"]) for p in answer["partners"]],
                    [(self.it_partner.id, ["mobile"])],
                )
        for number in IT_MOBILE_NATIONAL:
            with self.subTest(number=number, country="IT"):
                answer = self.check(channel="call", phone=number, country="it")
                self.assertEqual(answer["lookup"], {"phone": IT_MOBILE})
        # Read in France by default, the Rome number is a French mobile's twin.
        answer = self.check(channel="call", phone="06 6982 1234", country="IT")
        self.assertEqual(answer["partners"][0]["id"], self.it_partner.id)
        self.assertEqual(answer["lookup"], {"phone": IT_LANDLINE})
        # The company's country is the default region.
        self.env.company.country_id = self.it
        answer = self.check(channel="call", phone="347 555 1212")
        self.assertEqual(answer["partners"][0]["id"], self.it_partner.id)
        answer = self.check(channel="call", phone="+33 6 47 21 83 59")
        self.assertEqual(answer["partners"][0]["id"], self.fr_partner.id)

    def test_unknown_number(self):
        self.give(self.fr_partner, self.type_call)
        answer = self.check(channel="call", phone=UNKNOWN_NUMBER)
        self.assertEqual(answer["partners"], [])
        self.assertTrue(answer["check_active"])
        self.assertFalse(answer["allowed"])
        self.assertTrue(answer["reason_required"])

    def test_duplicates_answer_for_each_and_all_must_allow(self):
        answer = self.check(channel="call", phone="02.40.11.22.33")
        self.assertEqual(answer["lookup"], {"phone": DUPLICATE_NUMBER})
        matches = {p["id"]: p["matched_by"] for p in answer["partners"]}
        self.assertEqual(
            matches, {self.dup_phone.id: ["phone"], self.dup_mobile.id: ["mobile"]}
        )
        self.assertFalse(answer["allowed"])
        self.give(self.dup_phone, self.type_call)
        answer = self.check(channel="call", phone=DUPLICATE_NUMBER)
        by_id = {p["id"]: p for p in answer["partners"]}
        self.assertTrue(by_id[self.dup_phone.id]["allowed"])
        self.assertFalse(by_id[self.dup_phone.id]["reason_required"])
        self.assertFalse(by_id[self.dup_mobile.id]["allowed"])
        self.assertTrue(by_id[self.dup_mobile.id]["reason_required"])
        self.assertFalse(answer["allowed"])
        self.assertTrue(answer["reason_required"])
        self.give(self.dup_mobile, self.type_call)
        answer = self.check(channel="call", phone=DUPLICATE_NUMBER)
        self.assertTrue(answer["allowed"])
        self.assertFalse(answer["reason_required"])

    def test_many_duplicates_are_bounded_and_never_allowed_blindly(self):
        partners = self.env["res.partner"].create(
            [{"name": f"Standard {i}", "phone": UNKNOWN_NUMBER} for i in range(60)]
        )
        self.env["privacy.partner.consent"].create(
            [
                {
                    "partner_id": partner.id,
                    "type_id": self.type_call.id,
                    "state": "given",
                    "method": "email",
                    "date_given": self.today,
                }
                for partner in partners
            ]
        )
        answer = self.check(channel="call", phone=UNKNOWN_NUMBER)
        self.assertEqual(len(answer["partners"]), MAX_MATCHES)
        self.assertTrue(answer["truncated"])
        self.assertTrue(all(p["allowed"] for p in answer["partners"]))
        self.assertFalse(answer["allowed"])

    def test_email_and_partner_id_lookup(self):
        answer = self.check(channel="email", email=" giulia.bianchi@EXAMPLE.it ")
        self.assertEqual(answer["lookup"], {"email": "giulia.bianchi@example.it"})
        self.assertEqual(
            [(p["id"], p["matched_by"]) for p in answer["partners"]],
            [(self.it_partner.id, ["email"])],
        )
        answer = self.check(channel="post", partner_id=self.it_partner.id)
        self.assertEqual(answer["lookup"], {"partner_id": self.it_partner.id})
        self.assertEqual(
            [(p["id"], p["name"], p["matched_by"]) for p in answer["partners"]],
            [(self.it_partner.id, "Giulia Bianchi", ["id"])],
        )
        answer = self.check(channel="email", email="nobody@example.it")
        self.assertEqual(answer["partners"], [])
        self.assertTrue(answer["reason_required"])

    def test_partner_of_another_company_is_not_found(self):
        other = self.env["res.company"].create({"name": "Other company"})
        hidden = self.env["res.partner"].create(
            {"name": "Hidden", "phone": UNKNOWN_NUMBER, "company_id": other.id}
        )
        self.assertFalse(self.check(channel="call", phone=UNKNOWN_NUMBER)["partners"])
        with self.assertApiError("partner_id", "not_found", 404):
            self.check(channel="call", partner_id=hidden.id)

    # ------------------------------------------------------------
    # The answer
    # ------------------------------------------------------------

    def test_consents_that_count(self):
        self.give(self.fr_partner, self.type_sms)
        answer = self.check(channel="call", phone=FR_NUMBER)
        self.assertFalse(answer["allowed"])
        self.assertEqual(answer["partners"][0]["consents"], [])
        self.give(self.fr_partner, self.type_call, days_ago=3)
        self.give(self.fr_partner, self.type_post)
        answer = self.check(channel="call", phone=FR_NUMBER)
        self.assertTrue(answer["allowed"])
        self.assertFalse(answer["reason_required"])
        given = self.today - timedelta(days=3)
        self.assertEqual(
            answer["partners"][0]["consents"],
            [
                {
                    "type_code": "T_CALL",
                    "type_name": "Calls",
                    "date_given": given.isoformat(),
                    "date_expiry": (given + timedelta(days=10)).isoformat(),
                }
            ],
        )
        answer = self.check(channel="post", phone=FR_NUMBER)
        self.assertEqual(answer["partners"][0]["consents"][0]["type_code"], "T_POST")
        self.assertFalse(answer["partners"][0]["consents"][0]["date_expiry"])
        # Expired: given 10 days ago, valid 10 days.
        self.give(self.fr_partner, self.type_call, days_ago=10)
        answer = self.check(channel="call", phone=FR_NUMBER)
        self.assertFalse(answer["allowed"])
        self.assertEqual(answer["partners"][0]["consents"], [])

    def test_rules_and_types_changed_count_at_once(self):
        """The check's query is compiled once, but what it depends on still
        counts at the next call: record rules, the consent types' flags."""
        self.give(self.fr_partner, self.type_call)
        answer = self.check(channel="call", phone=FR_NUMBER)
        self.assertEqual(answer["partners"][0]["id"], self.fr_partner.id)
        self.assertTrue(answer["allowed"])
        self.type_call.allow_call = False
        self.assertFalse(self.check(channel="call", phone=FR_NUMBER)["allowed"])
        self.type_call.allow_call = True
        self.assertTrue(self.check(channel="call", phone=FR_NUMBER)["allowed"])
        self.env["ir.rule"].create(
            {
                "name": "Privacy users do not see Camille",
                "model_id": self.env.ref("base.model_res_partner").id,
                "domain_force": f"[('id', '!=', {self.fr_partner.id})]",
                "groups": [Command.link(self.env.ref("base.group_user").id)],
            }
        )
        self.assertFalse(self.check(channel="call", phone=FR_NUMBER)["partners"])
        with self.assertApiError("partner_id", "not_found", 404):
            self.check(channel="call", partner_id=self.fr_partner.id)

    def test_switches(self):
        company = self.env.company
        answer = self.check(channel="call", phone=FR_NUMBER)
        self.assertEqual(
            (answer["check_active"], answer["allowed"], answer["reason_required"]),
            (True, False, True),
        )
        company.privacy_check_call = False
        for kwargs in (
            {"channel": "call", "phone": FR_NUMBER},
            {"channel": "call", "phone": UNKNOWN_NUMBER},
            {"channel": "email", "email": "giulia.bianchi@example.it"},
        ):
            with self.subTest(**kwargs):
                answer = self.check(**kwargs)
                self.assertEqual(
                    (
                        answer["check_active"],
                        answer["allowed"],
                        answer["reason_required"],
                    ),
                    (False, True, False),
                )
                self.assertTrue(all(p["allowed"] for p in answer["partners"]))
        # The channel's own switch counts too.
        company.privacy_check_call = True
        company.privacy_check_sms = False
        self.assertFalse(self.check(channel="sms", phone=FR_NUMBER)["check_active"])
        self.assertTrue(self.check(channel="post", phone=FR_NUMBER)["check_active"])
        company.privacy_enabled = False
        self.assertFalse(self.check(channel="post", phone=FR_NUMBER)["check_active"])

    # ------------------------------------------------------------
    # Bad input and access
    # ------------------------------------------------------------

    def test_bad_input_names_the_field(self):
        cases = [
            ({"channel": None, "phone": FR_NUMBER}, "channel", "missing_field"),
            ({"channel": "fax", "phone": FR_NUMBER}, "channel", "invalid_field"),
            ({"channel": ["call"], "phone": FR_NUMBER}, "channel", "invalid_field"),
            ({"channel": "call"}, "phone", "missing_field"),
            ({"channel": "call", "phone": ""}, "phone", "missing_field"),
            ({"channel": "call", "phone": "not a number"}, "phone", "invalid_field"),
            ({"channel": "call", "phone": "06 47 21 83 5"}, "phone", "invalid_field"),
            ({"channel": "call", "phone": 647218359}, "phone", "invalid_field"),
            ({"channel": "call", "phone": "0" * 65}, "phone", "invalid_field"),
            (
                {"channel": "call", "phone": FR_NUMBER, "email": "a@example.fr"},
                "email",
                "invalid_field",
            ),
            ({"channel": "email", "email": "not-an-email"}, "email", "invalid_field"),
            ({"channel": "call", "partner_id": "12"}, "partner_id", "invalid_field"),
            ({"channel": "call", "partner_id": True}, "partner_id", "invalid_field"),
            (
                {"channel": "call", "phone": FR_NUMBER, "country": "XX"},
                "country",
                "invalid_field",
            ),
        ]
        for kwargs, field, code in cases:
            with self.subTest(**{k: str(v) for k, v in kwargs.items()}):
                with self.assertApiError(field, code):
                    self.check(**kwargs)
        with self.assertApiError("partner_id", "not_found", 404):
            self.check(channel="call", partner_id=987654321)

    def test_reserved_to_privacy_users(self):
        for user in (self.user_employee, self.user_portal):
            with self.subTest(user=user.login):
                service = self.env["privacy.telephony"].with_user(user)
                with self.assertRaises(AccessError):
                    service.check_contact(channel="call", phone=FR_NUMBER)
                with self.assertRaises(AccessError):
                    service.log_contact(
                        reason="CONTRACT", channel="call", phone=FR_NUMBER
                    )
        manager = self.env["privacy.telephony"].with_user(self.user_manager)
        self.assertTrue(manager.check_contact(channel="call", phone=FR_NUMBER))

    # ------------------------------------------------------------
    # Log
    # ------------------------------------------------------------

    def test_log_by_phone(self):
        answer = self.service.log_contact(
            reason="CONTRACT",
            channel="call",
            phone="0039 347 555 1212",
            note="Delivery date",
            call_reference="pbx-4711",
        )
        log = self.env["privacy.contact.log"].browse(answer["log_id"])
        self.assertRecordValues(
            log,
            [
                {
                    "partner_id": self.it_partner.id,
                    "channel": "call",
                    "reason_id": self.reason.id,
                    "legal_basis": "contract",
                    "note": "Delivery date",
                    "call_reference": "pbx-4711",
                    "phone_number": IT_MOBILE,
                    "user_id": self.user_privacy.id,
                    "company_id": self.env.company.id,
                }
            ],
        )
        self.assertEqual(answer["partner_id"], self.it_partner.id)
        self.assertTrue(answer["reason_required"])
        self.assertEqual(answer["reason"], "CONTRACT")

    def test_log_by_partner_id_and_email(self):
        self.give(self.fr_partner, self.type_call)
        answer = self.service.log_contact(
            reason="CUSTOMER_REQUEST",
            channel="call",
            partner_id=self.fr_partner.id,
            phone="06 47 21 83 59",
        )
        self.assertFalse(answer["reason_required"])
        log = self.env["privacy.contact.log"].browse(answer["log_id"])
        self.assertEqual(log.partner_id, self.fr_partner)
        self.assertEqual(log.phone_number, FR_NUMBER)
        self.assertFalse(log.note)
        answer = self.service.log_contact(
            reason="CONTRACT", channel="email", email="giulia.bianchi@example.it"
        )
        log = self.env["privacy.contact.log"].browse(answer["log_id"])
        self.assertEqual((log.partner_id, log.channel), (self.it_partner, "email"))

    def test_log_refuses_bad_input_and_writes_nothing(self):
        before = self.log_count()
        cases = [
            ({"reason": None, "channel": "call"}, "reason", "missing_field", 400),
            ({"reason": "NOPE", "channel": "call"}, "reason", "invalid_field", 400),
            ({"reason": 12, "channel": "call"}, "reason", "invalid_field", 400),
            ({"channel": "post"}, "channel", "invalid_field", 400),
            ({"channel": "mass_mailing"}, "channel", "invalid_field", 400),
            ({"channel": "call", "phone": "abc"}, "phone", "invalid_field", 400),
            ({"channel": "call", "phone": None}, "phone", "missing_field", 400),
            ({"channel": "call", "note": 3}, "note", "invalid_field", 400),
            ({"channel": "call", "note": "x" * 4001}, "note", "invalid_field", 400),
            (
                {"channel": "call", "call_reference": ["a"]},
                "call_reference",
                "invalid_field",
                400,
            ),
            ({"channel": "call", "phone": UNKNOWN_NUMBER}, "phone", "not_found", 404),
            (
                {"channel": "call", "phone": DUPLICATE_NUMBER},
                "phone",
                "ambiguous",
                409,
            ),
            (
                {"channel": "call", "partner_id": 987654321},
                "partner_id",
                "not_found",
                404,
            ),
        ]
        for kwargs, field, code, status in cases:
            kwargs = {"reason": "CONTRACT", "phone": FR_NUMBER, **kwargs}
            if kwargs["phone"] is None or "partner_id" in kwargs:
                kwargs.pop("phone")
            with self.subTest(**{k: str(v) for k, v in kwargs.items()}):
                with self.assertApiError(field, code, status) as context:
                    self.service.log_contact(**kwargs)
                if code == "ambiguous":
                    self.assertEqual(
                        set(context.exception.details["partner_ids"]),
                        {self.dup_phone.id, self.dup_mobile.id},
                    )
        self.assertEqual(self.log_count(), before)
        # The partner chosen among duplicates is logged.
        self.service.log_contact(
            reason="CONTRACT",
            channel="call",
            phone=DUPLICATE_NUMBER,
            partner_id=self.dup_mobile.id,
        )
        self.assertEqual(self.log_count(), before + 1)
        self.assertEqual(len(self.dup_mobile.privacy_contact_log_ids), 1)

    # ------------------------------------------------------------
    # Performance: indexed lookup, constant number of queries
    # ------------------------------------------------------------

    def test_lookup_uses_the_indexed_numbers(self):
        Partner = self.env["res.partner"].with_user(self.user_privacy)
        query = Partner._search(Partner._privacy_number_domain([FR_NUMBER]))
        sql = query.select()
        code = " ".join(sql.code.split())
        self.assertIn('"res_partner"."privacy_phone_e164" IN %s', code)
        self.assertIn('"res_partner"."privacy_mobile_e164" IN %s', code)
        self.assertNotIn("like", code.lower())
        # Both columns have their btree index (partial: numbers only).
        self.env.cr.execute(
            """
            SELECT indexdef FROM pg_indexes
             WHERE tablename = 'res_partner' AND indexname = ANY(%s)
            """,
            [
                [
                    "res_partner__privacy_phone_e164_index",
                    "res_partner__privacy_mobile_e164_index",
                ]
            ],
        )
        definitions = sorted(row[0] for row in self.env.cr.fetchall())
        self.assertEqual(len(definitions), 2)
        self.assertIn("USING btree (privacy_mobile_e164)", definitions[0])
        self.assertIn("USING btree (privacy_phone_e164)", definitions[1])

    def test_query_count_does_not_grow_with_matches(self):
        def count_queries():
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            answer = self.check(channel="call", phone=DUPLICATE_NUMBER)
            return self.env.cr.sql_log_count - before, len(answer["partners"])

        self.give(self.dup_phone, self.type_call)
        count_queries()  # warm the caches of the registry
        queries, matches = count_queries()
        self.assertEqual(matches, 2)
        more = self.env["res.partner"].create(
            [{"name": f"Nantes {i}", "phone": DUPLICATE_NUMBER} for i in range(20)]
        )
        for partner in more:
            self.give(partner, self.type_call)
            self.give(partner, self.type_sms)
        self.env.flush_all()
        queries_more, matches_more = count_queries()
        self.assertEqual(matches_more, 22)
        self.assertEqual(queries_more, queries)
