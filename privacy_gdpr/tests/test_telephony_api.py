import json
import xmlrpc.client
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.tests import get_db_name, tagged

from odoo.addons.privacy_gdpr.controllers.telephony_api import MAX_BODY_SIZE

from .telephony_common import (
    CHECK,
    DUPLICATE_NUMBER,
    FR_FORMATS,
    FR_NUMBER,
    IT_MOBILE,
    IT_MOBILE_FORMATS,
    LOG,
    UNKNOWN_NUMBER,
    TelephonyApiCase,
)


@tagged("post_install", "-at_install")
class TestTelephonyApi(TelephonyApiCase):
    """The HTTP endpoints and the external API, end to end."""

    # ------------------------------------------------------------
    # Check
    # ------------------------------------------------------------

    def test_check_french_and_italian_numbers(self):
        self.give(self.fr_partner, self.type_call)
        for number in FR_FORMATS[:5]:
            with self.subTest(number=number):
                response = self.request(CHECK, {"channel": "call", "phone": number})
                self.assertEqual(response.status_code, 200, response.text)
                answer = response.json()
                self.assertEqual(answer["lookup"], {"phone": FR_NUMBER})
                self.assertTrue(answer["allowed"])
                self.assertFalse(answer["reason_required"])
                self.assertEqual(answer["partners"][0]["id"], self.fr_partner.id)
                self.assertEqual(
                    answer["partners"][0]["consents"][0]["type_code"], "T_CALL"
                )
        for number in IT_MOBILE_FORMATS[:3]:
            with self.subTest(number=number):
                answer = self.request(
                    CHECK, {"channel": "call", "phone": number}
                ).json()
                self.assertEqual(answer["lookup"], {"phone": IT_MOBILE})
                self.assertEqual(answer["partners"][0]["id"], self.it_partner.id)
                self.assertFalse(answer["allowed"])
                self.assertTrue(answer["reason_required"])
        answer = self.request(
            CHECK, {"channel": "call", "phone": "347 555 1212", "country": "IT"}
        ).json()
        self.assertEqual(answer["partners"][0]["matched_by"], ["mobile"])

    def test_check_unknown_duplicates_email_and_id(self):
        answer = self.request(CHECK, {"channel": "call", "phone": UNKNOWN_NUMBER})
        self.assertEqual(
            answer.json(),
            {
                "channel": "call",
                "lookup": {"phone": "+33299001122"},
                "check_active": True,
                "allowed": False,
                "reason_required": True,
                "partners": [],
                "truncated": False,
                # Nobody to log a contact of: no reason to offer.
                "reasons": [],
            },
        )
        answer = self.request(CHECK, {"channel": "call", "phone": DUPLICATE_NUMBER})
        self.assertEqual(
            {p["id"] for p in answer.json()["partners"]},
            {self.dup_phone.id, self.dup_mobile.id},
        )
        answer = self.request(
            CHECK, {"channel": "email", "email": "giulia.bianchi@example.it"}
        ).json()
        self.assertEqual(answer["partners"][0]["matched_by"], ["email"])
        answer = self.request(
            CHECK, {"channel": "sms", "partner_id": self.fr_partner.id}
        ).json()
        self.assertEqual(answer["partners"][0]["matched_by"], ["id"])

    def test_switch_off_allows_everything(self):
        self.env.company.privacy_check_call = False
        for payload in (
            {"channel": "call", "phone": FR_NUMBER},
            {"channel": "call", "phone": UNKNOWN_NUMBER},
        ):
            with self.subTest(**payload):
                answer = self.request(CHECK, payload).json()
                self.assertEqual(
                    (
                        answer["check_active"],
                        answer["allowed"],
                        answer["reason_required"],
                    ),
                    (False, True, False),
                )

    # ------------------------------------------------------------
    # Authentication
    # ------------------------------------------------------------

    def test_authentication(self):
        payload = {"channel": "call", "phone": FR_NUMBER}
        for key, headers in (
            (False, {}),
            ("0123456789abcdef0123456789abcdef01234567", {}),
            (self.key_privacy[:-1] + "x", {}),
            (False, {"Authorization": f"Basic {self.key_privacy}"}),
            (False, {"Authorization": "Bearer"}),
        ):
            with self.subTest(key=key, headers=headers):
                response = self.request(CHECK, payload, key=key, headers=headers)
                self.assertError(response, 401, "unauthorized")
                self.assertEqual(response.headers["WWW-Authenticate"], "Bearer")
                self.assertNotIn("Camille", response.text)
                self.assertNotIn(str(self.fr_partner.id), response.text)
        response = self.request(CHECK, payload, key=self.key_employee)
        self.assertError(response, 403, "forbidden")
        self.assertNotIn("Camille", response.text)
        for key in (self.key_privacy, self.key_manager):
            response = self.request(CHECK, payload, key=key)
            self.assertEqual(response.status_code, 200, response.text)
            self.assertEqual(response.json()["partners"][0]["name"], "Camille Martin")

    def test_removed_key_and_archived_user_are_refused_at_once(self):
        payload = {"channel": "call", "phone": FR_NUMBER}
        Apikeys = self.env["res.users.apikeys"]
        key = Apikeys.with_user(self.user_privacy).sudo()._generate(None, "Old", None)
        self.assertEqual(self.request(CHECK, payload, key=key).status_code, 200)
        # Verified once, then remembered by the worker: removal still counts.
        Apikeys.sudo().search([("name", "=", "Old")]).unlink()
        self.assertError(self.request(CHECK, payload, key=key), 401, "unauthorized")
        self.assertEqual(self.request(CHECK, payload).status_code, 200)
        # Expired through Odoo (the key, verified before, is in Odoo's cache).
        self.assertEqual(
            self.request(CHECK, payload, key=self.key_manager).status_code, 200
        )
        Apikeys.sudo().search([("user_id", "=", self.user_manager.id)]).write(
            {"expiration_date": datetime.now() - timedelta(days=1)}
        )
        self.assertError(
            self.request(CHECK, payload, key=self.key_manager), 401, "unauthorized"
        )
        self.user_privacy.active = False
        self.assertError(self.request(CHECK, payload), 401, "unauthorized")

    def test_expiry_reached_while_the_key_is_cached(self):
        Apikeys = self.env["res.users.apikeys"]
        tomorrow = datetime.now() + timedelta(days=1)
        key = (
            Apikeys.with_user(self.user_privacy)
            .sudo()
            ._generate(None, "Short", tomorrow)
        )
        self.assertEqual(Apikeys._privacy_api_user(key)[0], self.user_privacy.id)
        with freeze_time(tomorrow + timedelta(minutes=1)):
            self.assertIsNone(Apikeys._privacy_api_user(key))
        self.assertIsNone(Apikeys._privacy_api_user(key[:-1] + "x"))

    def test_requests_run_as_the_key_user(self):
        other = self.env["res.company"].create({"name": "Other company"})
        hidden = self.env["res.partner"].create(
            {"name": "Hidden", "phone": UNKNOWN_NUMBER, "company_id": other.id}
        )
        answer = self.request(CHECK, {"channel": "call", "phone": UNKNOWN_NUMBER})
        self.assertEqual(answer.json()["partners"], [])
        response = self.request(CHECK, {"channel": "call", "partner_id": hidden.id})
        self.assertError(response, 404, "not_found", "partner_id")
        # A user of both companies sees both, as in Odoo without a company chosen.
        self.user_privacy.company_ids |= other
        answer = self.request(CHECK, {"channel": "call", "phone": UNKNOWN_NUMBER})
        self.assertEqual([p["id"] for p in answer.json()["partners"]], [hidden.id])
        response = self.request(
            LOG,
            {"reason": "CONTRACT", "channel": "call", "partner_id": self.fr_partner.id},
        )
        log = self.env["privacy.contact.log"].browse(response.json()["log_id"])
        self.assertEqual(log.user_id, self.user_privacy)
        self.assertEqual(log.company_id, self.env.company)

    # ------------------------------------------------------------
    # Errors
    # ------------------------------------------------------------

    def test_protocol_errors(self):
        before = self.log_count()
        payload = {"reason": "CONTRACT", "channel": "call", "phone": FR_NUMBER}
        for method in ("GET", "PUT", "DELETE", "PATCH"):
            with self.subTest(method=method):
                response = self.request(LOG, payload, method=method)
                self.assertError(response, 405, "method_not_allowed")
                self.assertEqual(response.headers["Allow"], "POST")
        for content_type in (
            "text/plain",
            "application/x-www-form-urlencoded",
            "application/xml",
        ):
            with self.subTest(content_type=content_type):
                response = self.request(
                    LOG, payload, headers={"Content-Type": content_type}
                )
                self.assertError(response, 415, "unsupported_media_type")
        for body in ("{", "not json", "", '{"channel": "call",}'):
            with self.subTest(body=body):
                response = self.request(LOG, data=body or b"")
                self.assertError(response, 400, "invalid_json")
        for body in ("[]", '"call"', "42", "null"):
            with self.subTest(body=body):
                self.assertError(self.request(LOG, data=body), 400, "invalid_json")
        big = dict(payload, note="x" * MAX_BODY_SIZE)
        self.assertError(self.request(LOG, big), 413, "payload_too_large")
        # A body without Content-Length is bounded as well.
        chunks = (
            part.encode() for part in ["{", '"note": "', "x" * MAX_BODY_SIZE, '"}']
        )
        self.assertError(self.request(LOG, data=chunks), 413, "payload_too_large")
        self.assertEqual(self.log_count(), before)

    def test_field_errors(self):
        self.give(self.fr_partner, self.type_call)
        before = self.log_count()
        cases = [
            (CHECK, {"phone": FR_NUMBER}, 400, "missing_field", "channel"),
            (
                CHECK,
                {"channel": "fax", "phone": FR_NUMBER},
                400,
                "invalid_field",
                "channel",
            ),
            (CHECK, {"channel": "call"}, 400, "missing_field", "phone"),
            (CHECK, {"channel": "call", "phone": "n/a"}, 400, "invalid_field", "phone"),
            (
                CHECK,
                {"channel": "call", "phone": 33647218359},
                400,
                "invalid_field",
                "phone",
            ),
            (
                CHECK,
                {"channel": "call", "number": FR_NUMBER},
                400,
                "unknown_field",
                "number",
            ),
            (CHECK, {"channel": "call", "email": "x@"}, 400, "invalid_field", "email"),
            (
                CHECK,
                {"channel": "call", "partner_id": "7"},
                400,
                "invalid_field",
                "partner_id",
            ),
            (
                CHECK,
                {"channel": "call", "partner_id": 987654321},
                404,
                "not_found",
                "partner_id",
            ),
            (
                CHECK,
                {"channel": "call", "phone": FR_NUMBER, "country": "France"},
                400,
                "invalid_field",
                "country",
            ),
            (
                LOG,
                {"channel": "call", "phone": FR_NUMBER},
                400,
                "missing_field",
                "reason",
            ),
            (
                LOG,
                {"reason": "NOPE", "channel": "call", "phone": FR_NUMBER},
                400,
                "invalid_field",
                "reason",
            ),
            (
                LOG,
                {"reason": "CONTRACT", "channel": "post", "phone": FR_NUMBER},
                400,
                "invalid_field",
                "channel",
            ),
            (
                LOG,
                {"reason": "CONTRACT", "channel": "call", "phone": "12"},
                400,
                "invalid_field",
                "phone",
            ),
            (
                LOG,
                {"reason": "CONTRACT", "channel": "call", "phone": UNKNOWN_NUMBER},
                404,
                "not_found",
                "phone",
            ),
            (
                LOG,
                {"reason": "CONTRACT", "channel": "call", "phone": DUPLICATE_NUMBER},
                409,
                "ambiguous",
                "phone",
            ),
            (
                LOG,
                {"reason": "CONTRACT", "channel": "call", "phone": FR_NUMBER, "x": 1},
                400,
                "unknown_field",
                "x",
            ),
        ]
        for path, payload, status, code, field in cases:
            with self.subTest(path=path, **{k: str(v) for k, v in payload.items()}):
                error = self.assertError(
                    self.request(path, payload), status, code, field
                )
                if code == "ambiguous":
                    self.assertEqual(
                        set(error["partner_ids"]),
                        {self.dup_phone.id, self.dup_mobile.id},
                    )
                if code == "not_found":
                    self.assertNotIn("partners", error)
        self.assertEqual(self.log_count(), before)

    # ------------------------------------------------------------
    # Log
    # ------------------------------------------------------------

    def test_log(self):
        before = self.log_count()
        response = self.request(
            LOG,
            {
                "reason": "CONTRACT",
                "channel": "call",
                "phone": "+39 347 555 1212",
                "note": "Order 42: delivery date",
                "call_reference": "voispeed-1234",
            },
            key=self.key_manager,
        )
        self.assertEqual(response.status_code, 200, response.text)
        answer = response.json()
        self.assertEqual(self.log_count(), before + 1)
        log = self.env["privacy.contact.log"].browse(answer["log_id"])
        self.assertRecordValues(
            log,
            [
                {
                    "partner_id": self.it_partner.id,
                    "channel": "call",
                    "reason_id": self.reason.id,
                    "note": "Order 42: delivery date",
                    "call_reference": "voispeed-1234",
                    "phone_number": IT_MOBILE,
                    "user_id": self.user_manager.id,
                }
            ],
        )
        self.assertEqual(
            {k: answer[k] for k in ("partner_id", "channel", "reason")},
            {"partner_id": self.it_partner.id, "channel": "call", "reason": "CONTRACT"},
        )
        self.assertTrue(answer["reason_required"])
        # Among duplicates, the integration names the partner it called.
        response = self.request(
            LOG,
            {
                "reason": "CONTRACT",
                "channel": "call",
                "phone": DUPLICATE_NUMBER,
                "partner_id": self.dup_phone.id,
            },
        )
        self.assertEqual(response.json()["partner_id"], self.dup_phone.id)
        self.assertEqual(self.log_count(), before + 2)

    # ------------------------------------------------------------
    # External API: the same service over JSON-RPC and XML-RPC
    # ------------------------------------------------------------

    def jsonrpc(self, login, secret, method, kwargs):
        db = get_db_name()
        uid = self.jsonrpc_call("common", "login", [db, login, secret])
        return self.jsonrpc_raw(
            "object",
            "execute_kw",
            [db, uid, secret, "privacy.telephony", method, [], kwargs],
        )

    def jsonrpc_call(self, service, method, args):
        response = self.jsonrpc_raw(service, method, args)
        self.assertNotIn("error", response, response)
        return response["result"]

    def jsonrpc_raw(self, service, method, args):
        self.env.flush_all()
        response = self.url_open(
            "/jsonrpc",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "id": 1,
                    "params": {"service": service, "method": method, "args": args},
                }
            ),
            headers={"Content-Type": "application/json"},
        )
        self.env.invalidate_all()
        return response.json()

    def test_external_api(self):
        self.give(self.fr_partner, self.type_call)
        self.give(self.fr_partner, self.type_post)  # never expires: False
        # Login and password, then an API key in place of the password.
        for secret in ("privacy_user", self.key_privacy):
            with self.subTest(secret=secret[:4]):
                response = self.jsonrpc(
                    "privacy_user",
                    secret,
                    "check_contact",
                    {"channel": "call", "phone": "06 47 21 83 59"},
                )
                answer = response["result"]
                self.assertTrue(answer["allowed"])
                self.assertEqual(answer["partners"][0]["id"], self.fr_partner.id)
        response = self.jsonrpc(
            "privacy_user",
            "privacy_user",
            "log_contact",
            {"reason": "CONTRACT", "channel": "call", "phone": "+39 347 555 1212"},
        )
        log = self.env["privacy.contact.log"].browse(response["result"]["log_id"])
        self.assertEqual(
            (log.partner_id, log.user_id), (self.it_partner, self.user_privacy)
        )
        # Errors are Odoo's: a UserError naming the problem, an AccessError.
        response = self.jsonrpc(
            "privacy_user",
            "privacy_user",
            "check_contact",
            {"channel": "call", "phone": "n/a"},
        )
        self.assertIn(
            "cannot be read as a phone number", response["error"]["data"]["message"]
        )
        response = self.jsonrpc(
            "privacy_employee",
            "privacy_employee",
            "check_contact",
            {"channel": "call", "phone": FR_NUMBER},
        )
        self.assertEqual(
            response["error"]["data"]["name"], "odoo.exceptions.AccessError"
        )
        # XML-RPC marshals the answer too (no None in it).
        uid = self.xmlrpc_common.login(get_db_name(), "privacy_user", "privacy_user")
        answer = self.xmlrpc_object.execute_kw(
            get_db_name(),
            uid,
            "privacy_user",
            "privacy.telephony",
            "check_contact",
            [],
            {"channel": "post", "phone": FR_NUMBER},
        )
        self.assertEqual(answer["partners"][0]["id"], self.fr_partner.id)
        self.assertIs(answer["partners"][0]["consents"][0]["date_expiry"], False)
        with self.assertRaises(xmlrpc.client.Fault):
            self.xmlrpc_object.execute_kw(
                get_db_name(),
                uid,
                "privacy_user",
                "privacy.telephony",
                "check_contact",
                [],
                {"channel": "fax", "phone": FR_NUMBER},
            )
