from odoo.tests import get_db_name, tagged

from odoo.addons.privacy_gdpr.exceptions import PrivacyApiError
from odoo.addons.privacy_gdpr.models.privacy_telephony import MAX_BATCH, MAX_ID

from .telephony_common import (
    CHECK,
    DUPLICATE_NUMBER,
    FR_FORMATS,
    IT_MOBILE_FORMATS,
    IT_MOBILE_NATIONAL,
    LOG,
    UNKNOWN_NUMBER,
    TelephonyApiCase,
    TelephonyCase,
)

# A call list as dialers have them: the same number written several ways
# (national, +E.164, with spaces), twice the same, a foreign one without its
# prefix, unknown, shared by two partners, and entries that are not numbers.
CALL_LIST = [
    FR_FORMATS[0],
    FR_FORMATS[6],
    FR_FORMATS[4],
    IT_MOBILE_FORMATS[0],
    IT_MOBILE_NATIONAL[0],
    UNKNOWN_NUMBER,
    DUPLICATE_NUMBER,
    DUPLICATE_NUMBER,
    "06 12",
    "n/a",
    "",
    612345678,
    FR_FORMATS[0],
]


class TelephonyBatchMixin:
    """Consents of every kind among the partners of TelephonyCase."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.give(cls.fr_partner, cls.type_call)
        cls.give(cls.dup_phone, cls.type_call)
        cls.record(cls.dup_mobile, cls.type_call, state="refused")
        cls.give(cls.it_partner, cls.type_call, days_ago=10)
        cls.record(cls.it_partner, cls.type_call, state="withdrawn")


@tagged("post_install", "-at_install")
class TestTelephonyBatchService(TelephonyBatchMixin, TelephonyCase):
    """privacy.telephony's batch check and log, as called over RPC."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.service = cls.env["privacy.telephony"].with_user(cls.user_privacy)

    def single(self, **kwargs):
        """The single check's answer, or the error it refuses with."""
        try:
            return self.service.check_contact(**kwargs)
        except PrivacyApiError as error:
            return {"error": error.error_data()}

    def test_batch_answers_equal_single_checks(self):
        unknown_id = self.env["res.partner"].search([], order="id desc", limit=1).id + 1
        batches = [
            ("phones", "phone", CALL_LIST, {}),
            (
                "phones",
                "phone",
                IT_MOBILE_NATIONAL + IT_MOBILE_FORMATS,
                {"country": "IT"},
            ),
            (
                "emails",
                "email",
                ["giulia.bianchi@example.it", "Nobody@Example.com", "not an address"],
                {},
            ),
            (
                "partner_ids",
                "partner_id",
                [self.dup_mobile.id, unknown_id, MAX_ID + 1, "1", self.fr_partner.id],
                {},
            ),
        ]
        for field, single_field, values, extra in batches:
            with self.subTest(field=field):
                answer = self.service.check_contact(
                    channel="call", **{field: values}, **extra
                )
                expected = [
                    self.single(channel="call", **{single_field: value}, **extra)
                    for value in values
                ]
                self.assertEqual(answer, {"channel": "call", "results": expected})
        results = self.service.check_contact(channel="call", phones=CALL_LIST)[
            "results"
        ]
        # What the single checks answer, to make sure that the batch was put to
        # the test: consent, refusal and withdrawal, not found, invalid.
        self.assertEqual(
            [r.get("allowed") for r in results],
            [True] * 3 + [False, None] + [False] * 3 + [None] * 4 + [True],
        )
        self.assertEqual(
            [p["id"] for p in results[6]["partners"]],
            [self.dup_phone.id, self.dup_mobile.id],
        )
        self.assertEqual(results[5]["partners"], [])
        self.assertEqual(
            [r["error"]["code"] for r in results[8:12]],
            ["invalid_field", "invalid_field", "missing_field", "invalid_field"],
        )

    def test_query_count_is_constant(self):
        def count_queries(numbers):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            answer = self.service.check_contact(channel="call", phones=numbers)
            self.assertEqual(len(answer["results"]), len(numbers))
            return self.env.cr.sql_log_count - before

        known = [FR_FORMATS[0], IT_MOBILE_FORMATS[0], DUPLICATE_NUMBER]
        count_queries(known)  # warm the caches of the registry
        # Unknown numbers, each its own: 0 6 00 00 00 00, 0 6 00 00 00 01...
        unknown = [
            f"06 {i // 10000:02d} {i // 100 % 100:02d} {i % 100:02d} 00"
            for i in range(MAX_BATCH)
        ]
        few = count_queries(known + unknown[:7])
        self.assertEqual(count_queries(known + unknown[: MAX_BATCH - 3]), few)

    def test_batch_limits_and_exclusive_fields(self):
        with self.assertRaises(PrivacyApiError) as context:
            self.service.check_contact(
                channel="call", phones=[UNKNOWN_NUMBER] * (MAX_BATCH + 1)
            )
        error = context.exception
        self.assertEqual(
            (error.code, error.status, error.field), ("batch_too_large", 413, "phones")
        )
        for kwargs, field in (
            ({"phones": UNKNOWN_NUMBER}, "phones"),
            ({"phone": UNKNOWN_NUMBER, "phones": [UNKNOWN_NUMBER]}, "phones"),
            ({"emails": [], "partner_ids": []}, "partner_ids"),
            ({"phones": [UNKNOWN_NUMBER], "country": "XX"}, "country"),
        ):
            with (
                self.subTest(kwargs=kwargs),
                self.assertRaises(PrivacyApiError) as context,
            ):
                self.service.check_contact(channel="call", **kwargs)
            self.assertEqual(context.exception.field, field)
        self.assertEqual(
            self.service.check_contact(channel="call", phones=[]),
            {"channel": "call", "results": []},
        )

    def test_log_batch_is_all_or_nothing(self):
        logs = self.env["privacy.contact.log"].sudo()
        before = logs.search_count([])
        entries = [
            {"reason": "CONTRACT", "channel": "call", "phone": FR_FORMATS[0]},
            {"reason": "CONTRACT", "channel": "call", "partner_id": self.dup_mobile.id},
            {"reason": "CONTRACT", "channel": "call", "phone": DUPLICATE_NUMBER},
        ]
        with self.assertRaises(PrivacyApiError) as context:
            self.service.log_contact(entries=entries)
        self.assertEqual(context.exception.details["index"], 2)
        self.assertEqual(context.exception.code, "ambiguous")
        self.assertEqual(logs.search_count([]), before)
        answer = self.service.log_contact(entries=entries[:2])
        self.assertEqual(
            [r["partner_id"] for r in answer["results"]],
            [self.fr_partner.id, self.dup_mobile.id],
        )
        self.assertEqual(
            [r["reason_required"] for r in answer["results"]], [False, True]
        )
        self.assertEqual(logs.search_count([]), before + 2)
        for bad in ([{"entries": entries}], ["CONTRACT"]):
            with self.subTest(bad=bad), self.assertRaises(PrivacyApiError) as context:
                self.service.log_contact(entries=bad)
            self.assertEqual(context.exception.field, "entries")
        with self.assertRaises(PrivacyApiError) as context:
            self.service.log_contact(entries=entries, reason="CONTRACT")
        self.assertEqual(context.exception.field, "reason")
        self.assertEqual(logs.search_count([]), before + 2)


@tagged("post_install", "-at_install")
class TestTelephonyBatchApi(TelephonyBatchMixin, TelephonyApiCase):
    """The batch check and log over HTTP and Odoo's external API."""

    def single(self, **payload):
        response = self.request(CHECK, payload)
        self.assertIn(response.status_code, (200, 400, 404), response.text)
        return response.json()

    def test_batch_answers_equal_single_checks(self):
        response = self.request(CHECK, {"channel": "call", "phones": CALL_LIST})
        self.assertEqual(response.status_code, 200, response.text)
        results = response.json()["results"]
        self.assertEqual(len(results), len(CALL_LIST))
        for number, result in zip(CALL_LIST, results, strict=True):
            with self.subTest(number=number):
                self.assertEqual(result, self.single(channel="call", phone=number))
        self.assertTrue(results[0]["allowed"])
        self.assertEqual(results[8]["error"]["field"], "phone")

    def test_batch_of_the_largest_size(self):
        # The longest numbers: the body of a full batch is within the limit.
        numbers = [UNKNOWN_NUMBER.ljust(64, " ")] * MAX_BATCH
        response = self.request(CHECK, {"channel": "call", "phones": numbers})
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(len(response.json()["results"]), MAX_BATCH)
        self.assertFalse(response.json()["results"][-1]["allowed"])
        response = self.request(
            CHECK, {"channel": "call", "phones": [UNKNOWN_NUMBER] * (MAX_BATCH + 1)}
        )
        self.assertError(response, 413, "batch_too_large", "phones")

    def test_log_batch_is_all_or_nothing(self):
        before = self.log_count()
        entries = [
            {"reason": "CONTRACT", "channel": "call", "phone": FR_FORMATS[0]},
            {"reason": "CONTRACT", "channel": "call", "phone": "n/a"},
        ]
        error = self.assertError(
            self.request(LOG, {"entries": entries}), 400, "invalid_field", "phone"
        )
        self.assertEqual(error["index"], 1)
        self.assertEqual(self.log_count(), before)
        response = self.request(LOG, {"entries": entries[:1] * 2})
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(len(response.json()["results"]), 2)
        self.assertEqual(self.log_count(), before + 2)

    def test_external_api(self):
        uid = self.xmlrpc_common.login(get_db_name(), "privacy_user", "privacy_user")
        answer = self.xmlrpc_object.execute_kw(
            get_db_name(),
            uid,
            "privacy_user",
            "privacy.telephony",
            "check_contact",
            [],
            {"channel": "call", "phones": CALL_LIST},
        )
        self.assertEqual(
            answer["results"],
            [self.single(channel="call", phone=n) for n in CALL_LIST],
        )
