import phonenumbers

from odoo.exceptions import UserError
from odoo.tests import get_db_name, tagged

from odoo.addons.phone_validation.tools import phone_validation
from odoo.addons.privacy_gdpr.exceptions import PrivacyApiError
from odoo.addons.privacy_gdpr.models.privacy_telephony import (
    MAX_BATCH,
    MAX_ID,
    _formats_keep_digits,
)

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
# Every way of writing the numbers of the partners, and numbers that are read
# in other ways: the regions whose formats Odoo patches (Brazil, Mexico), an
# extension, too short or too long, letters, an unknown country prefix.
WIDE_LIST = (
    FR_FORMATS
    + IT_MOBILE_FORMATS
    + IT_MOBILE_NATIONAL
    + [
        "+39 06 6982 1234",
        "02 40 11 22 33",
        "+33 2 40 11 22 33",
        "0033240112233",
        "+55 11 1234-5678",
        "+55 11 91234-5678",
        "+52 1 55 1234 5678",
        "+52 55 1234 5678",
        "+1 650 253 0000",
        "+44 20 7946 0958",
        "+33 6 47 21 83 59 ext. 12",
        "06 47 21 83 5",
        "06 47 21 83 59 1",
        "+33 6 47 21 83 59 1",
        "O6 47 21 83 59",
        "06 47 21 83 AB",
        "+999 123 456",
        "0039 347 555 1212 3",
        True,
        FR_FORMATS[4],
    ]
)


def written_ways(number):
    """``number`` (a phonenumbers' PhoneNumber) written in the usual ways and
    in wrong ones."""
    nsn = phonenumbers.national_significant_number(number)
    code = number.country_code
    return [
        phonenumbers.format_number(number, number_format)
        for number_format in (
            phonenumbers.PhoneNumberFormat.E164,
            phonenumbers.PhoneNumberFormat.INTERNATIONAL,
            phonenumbers.PhoneNumberFormat.NATIONAL,
            phonenumbers.PhoneNumberFormat.RFC3966,
        )
    ] + [
        f"00{code}{nsn}",
        f"{code}{nsn}",
        f"+{code} (0){nsn}",
        f"00{code}0{nsn}",
        nsn,
        "0" + nsn,
        nsn[:-1],
        f"+{code}{nsn}5",
        f"+{code}{nsn} ext. 12",
        f"+{code}{nsn[:-2]}AB",
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
            ("phones", "phone", WIDE_LIST, {}),
            ("phones", "phone", WIDE_LIST, {"country": "IT"}),
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

    def test_query_count_is_constant_with_reasons(self):
        """The objections and reasons of the partners needing a reason are read
        once for the whole list."""
        Partner = self.env["res.partner"]
        partners = Partner.create(
            [
                {"name": f"Prospect {i}", "mobile": f"06 50 00 00 {i:02d}"}
                for i in range(40)
            ]
        )
        self.record(partners[0], self.type_call, state="refused")
        numbers = [f"06 50 00 00 {i:02d}" for i in range(len(partners))]
        unknown = [f"02 99 {i // 100:02d} {i % 100:02d} 00" for i in range(MAX_BATCH)]

        def count_queries(numbers):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            answer = self.service.check_contact(channel="call", phones=numbers)
            self.assertEqual(len(answer["results"]), len(numbers))
            return self.env.cr.sql_log_count - before, answer["results"]

        count_queries(numbers[:3])  # warm the caches of the registry
        few, results = count_queries(numbers[:3] + unknown[:7])
        self.assertEqual(results[0]["partners"][0]["objections"][0]["state"], "refused")
        self.assertIn("CONTRACT", results[1]["reasons"])
        many, results = count_queries(numbers + unknown[: MAX_BATCH - len(numbers)])
        self.assertEqual(many, few)
        self.assertEqual(
            [r["partners"][0]["id"] for r in results[: len(partners)]], partners.ids
        )
        self.assertTrue(all(r["reason_required"] for r in results))

    def test_numbers_read_as_phone_format(self):
        """The check reads numbers exactly as Odoo's phone_format does (the
        partners' stored numbers are read with it): the examples of every
        region of phonenumbers written in many ways, read in several
        countries."""
        Telephony = self.env["privacy.telephony"]

        def phone_format(number, country_code, phone_code):
            try:
                return phone_validation.phone_format(
                    number, country_code, phone_code, force_format="E164"
                )
            except UserError:
                return False

        texts = {text for text in WIDE_LIST if isinstance(text, str)}
        for region in phonenumbers.SUPPORTED_REGIONS:
            for kind in (
                phonenumbers.PhoneNumberType.FIXED_LINE,
                phonenumbers.PhoneNumberType.MOBILE,
            ):
                number = phonenumbers.example_number_for_type(region, kind)
                if number:
                    texts.update(written_ways(number))
        read, differing = 0, []
        for country_code, phone_code in (
            ("FR", 33),
            ("IT", 39),
            ("BR", 55),
            ("MX", 52),
            ("US", 1),
            (False, False),
        ):
            for text in sorted(texts):
                expected = phone_format(text, country_code, phone_code)
                got = Telephony._e164_region(text, country_code, phone_code)
                if got != expected:
                    differing.append((text, country_code, got, expected))
                read += bool(expected)
        self.assertEqual(differing, [])
        self.assertGreater(read, 10000)
        # Both ways were taken: one parse, and phone_format for the regions
        # whose international formats Odoo patches.
        self.assertTrue(_formats_keep_digits(33))
        self.assertFalse(_formats_keep_digits(55))

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
