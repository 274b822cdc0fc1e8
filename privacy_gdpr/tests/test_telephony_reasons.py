from odoo.tests import tagged

from odoo.addons.privacy_gdpr.exceptions import PrivacyApiError

from .telephony_common import (
    FR_NUMBER,
    IT_MOBILE,
    LOG,
    TelephonyApiCase,
    TelephonyCase,
)

# The shipped reasons that override an objection, and those that do not.
OVERRIDING = {"CUSTOMER_REQUEST", "CONTRACT", "LEGAL_OBLIGATION", "VITAL_INTERESTS"}
MARKETING = {"EXISTING_CUSTOMER", "B2B_PROSPECT", "CONSENT_ELSEWHERE"}


class TelephonyReasonCase(TelephonyCase):
    """The French partner withdrew calls; a company in Italy."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.record(cls.fr_partner, cls.type_call, state="withdrawn")
        cls.it_company = cls.env["res.partner"].create(
            {
                "name": "Bianchi Srl",
                "is_company": True,
                "country_id": cls.it.id,
                "email": "info@bianchi.example.it",
            }
        )


@tagged("post_install", "-at_install")
class TestTelephonyReasons(TelephonyReasonCase):
    """privacy.telephony: objections and the reasons usable, in the check; the
    log refuses the others."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.service = cls.env["privacy.telephony"].with_user(cls.user_privacy)

    def test_check_says_who_objected_and_offers_only_overriding_reasons(self):
        answer = self.service.check_contact(channel="call", phone=FR_NUMBER)
        self.assertFalse(answer["allowed"])
        (partner,) = answer["partners"]
        self.assertFalse(partner["allowed"])
        self.assertEqual(
            partner["objections"],
            [
                {
                    "type_code": "T_CALL",
                    "type_name": "Calls",
                    "state": "withdrawn",
                    "date": self.today.isoformat(),
                }
            ],
        )
        self.assertEqual(set(partner["reasons"]), OVERRIDING)
        self.assertEqual(answer["reasons"], partner["reasons"])
        # The objection is to calls: an e-mail may still rest on another reason.
        answer = self.service.check_contact(channel="sms", phone=FR_NUMBER)
        self.assertEqual(answer["partners"][0]["objections"], [])
        self.assertIn("CONSENT_ELSEWHERE", answer["reasons"])

    def test_check_offers_reasons_per_channel_and_country(self):
        for channel, offered in (("call", True), ("email", False)):
            with self.subTest(channel=channel):
                answer = self.service.check_contact(
                    channel=channel, partner_id=self.it_company.id
                )
                self.assertEqual("B2B_PROSPECT" in answer["reasons"], offered)
                self.assertEqual(
                    "VITAL_INTERESTS" in answer["reasons"], channel == "call"
                )
        self.env["privacy.contact.reason"].create(
            {
                "name": "Recall",
                "code": "RECALL_IT",
                "legal_basis": "legal_obligation",
                "country_ids": [(6, 0, self.it.ids)],
            }
        )
        answer = self.service.check_contact(channel="call", phone=IT_MOBILE)
        self.assertIn("RECALL_IT", answer["reasons"])
        answer = self.service.check_contact(channel="call", phone=FR_NUMBER)
        self.assertNotIn("RECALL_IT", answer["reasons"])

    def test_consent_needs_no_reason(self):
        self.give(self.it_partner, self.type_call)
        answer = self.service.check_contact(channel="call", phone=IT_MOBILE)
        self.assertTrue(answer["allowed"])
        self.assertEqual(answer["reasons"], [])
        self.assertEqual(answer["partners"][0]["reasons"], [])

    def test_check_needing_a_reason_costs_a_few_queries(self):
        """Whatever the reasons and their rules, a person without a valid
        consent is answered in a few queries: the lookup, the objections (and
        their types), the reasons and their countries, the people (and the
        record rules' companies), the opposition register, and the recent
        customers when an addon of documents says who they are. A query per
        reason or per rule would make more."""
        Reason = self.env["privacy.contact.reason"]
        since = Reason._customer_since()
        customers = 1 if Reason._recent_customer_domains(since) else 0

        def count_queries(phone):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            answer = self.service.check_contact(channel="call", phone=phone)
            return self.env.cr.sql_log_count - before, answer

        count_queries(FR_NUMBER)  # warm the caches of the registry
        objected, answer = count_queries(FR_NUMBER)
        self.assertEqual(answer["partners"][0]["objections"][0]["state"], "withdrawn")
        self.assertEqual(set(answer["reasons"]), OVERRIDING)
        self.assertEqual(objected, 8 + customers)
        queries, answer = count_queries(IT_MOBILE)
        self.assertEqual(answer["partners"][0]["objections"], [])
        self.assertEqual(queries, 7 + customers)
        # More reasons, of every rule, cost no more queries.
        Reason.create(
            [
                {
                    "name": f"Reason {condition} {index}",
                    "code": f"R_{condition.upper()}_{index}",
                    "legal_basis": "legal_obligation",
                    "condition": condition,
                    "country_ids": [(6, 0, self.it.ids)] if index else [],
                }
                for condition in ("none", "recent_customer", "business")
                for index in range(3)
            ]
        )
        self.env.flush_all()
        self.assertEqual(count_queries(IT_MOBILE)[0], queries)

    def test_log_refuses_a_reason_the_objection_excludes(self):
        Log = self.env["privacy.contact.log"].sudo()
        before = Log.search_count([])
        for code in MARKETING:
            with self.subTest(reason=code):
                with self.assertRaises(PrivacyApiError) as context:
                    self.service.log_contact(
                        reason=code, channel="call", phone=FR_NUMBER
                    )
                error = context.exception
                self.assertEqual(
                    (error.field, error.code, error.status),
                    ("reason", "reason_refused", 409),
                )
                self.assertEqual(error.details["objections"][0]["state"], "withdrawn")
                self.assertEqual(set(error.details["reasons"]), OVERRIDING)
        self.assertEqual(Log.search_count([]), before)
        answer = self.service.log_contact(
            reason="CUSTOMER_REQUEST", channel="call", phone=FR_NUMBER
        )
        self.assertTrue(answer["reason_required"])
        self.assertEqual(Log.search_count([]), before + 1)


@tagged("post_install", "-at_install")
class TestTelephonyApiReasons(TelephonyApiCase, TelephonyReasonCase):
    """The same over HTTP: the check's JSON and the log's 409."""

    def test_log_answers_409_with_the_objection(self):
        before = self.log_count()
        response = self.request(
            LOG, {"reason": "CONSENT_ELSEWHERE", "channel": "call", "phone": FR_NUMBER}
        )
        error = self.assertError(response, 409, "reason_refused", "reason")
        self.assertIn("Camille Martin", error["message"])
        self.assertEqual(
            error["objections"],
            [
                {
                    "type_code": "T_CALL",
                    "type_name": "Calls",
                    "state": "withdrawn",
                    "date": self.today.isoformat(),
                }
            ],
        )
        self.assertEqual(set(error["reasons"]), OVERRIDING)
        self.assertEqual(self.log_count(), before)
        response = self.request(
            LOG,
            {
                "reason": "B2B_PROSPECT",
                "channel": "email",
                "email": "info@bianchi.example.it",
            },
        )
        error = self.assertError(response, 409, "reason_refused", "reason")
        self.assertIn("Italy", error["message"])
        response = self.request(
            LOG,
            {
                "reason": "B2B_PROSPECT",
                "channel": "call",
                "partner_id": self.it_company.id,
            },
        )
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(self.log_count(), before + 1)
