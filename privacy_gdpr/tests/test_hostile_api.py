import json

from odoo.tests import tagged

from odoo.addons.privacy_gdpr.controllers.telephony_api import MAX_BODY_SIZE

from .hostile_common import (
    HOSTILE_SETTINGS,
    JSON_VALUES,
    NASTY_TEXT,
    HostileInputMixin,
    example,
    given,
    settings,
    st,
)
from .telephony_common import (
    CHECK,
    DUPLICATE_NUMBER,
    FR_NUMBER,
    LOG,
    UNKNOWN_NUMBER,
    TelephonyApiCase,
)

PHONES = st.one_of(
    st.sampled_from(
        [FR_NUMBER, "06 47 21 83 59", DUPLICATE_NUMBER, UNKNOWN_NUMBER, "+", "0" * 65]
    ),
    st.from_regex(r"\A[+0-9 ().\-]{0,40}\Z"),
)
# Values near the valid ones, so that deep code is reached, and anything else.
FIELDS = {
    "channel": st.sampled_from(
        ["call", "sms", "email", "mass_mailing", "post", "Call"]
    ),
    "phone": PHONES,
    "email": st.one_of(st.emails(), st.sampled_from(["giulia.bianchi@example.it"])),
    "partner_id": st.integers(min_value=-(2**70), max_value=2**70),
    "country": st.sampled_from(["FR", "it", "XX", "", "FRA"]),
    "reason": st.sampled_from(["CONTRACT", "contract", "NOPE"]),
    "note": st.text(max_size=4100),
    "call_reference": st.text(max_size=200),
}
CHECK_FIELDS = ("channel", "phone", "email", "partner_id", "country")


def payloads(names):
    """Objects of the fields ``names``, near valid or not at all; now and then
    with a field that the operation does not take."""
    known = st.fixed_dictionaries(
        {},
        optional={
            name: st.one_of(FIELDS[name], FIELDS[name], NASTY_TEXT, JSON_VALUES)
            for name in names
        },
    )
    return st.one_of(
        known,
        known,
        known,
        st.builds(
            lambda payload, name, value: {**payload, name: value},
            known,
            st.one_of(st.sampled_from(["number", "__class__", "self"]), st.text()),
            JSON_VALUES,
        ),
    )


JSON_CASES = st.one_of(
    st.tuples(st.just(CHECK), payloads(CHECK_FIELDS)),
    st.tuples(st.just(LOG), payloads(FIELDS)),
)
# Valid requests, to be spoiled by mutations: deep code is reached more often
# than from random fields. A mutation sets a field to a value, or removes it.
VALID_PAYLOADS = {
    CHECK: [
        {"channel": "call", "phone": FR_NUMBER},
        {"channel": "sms", "phone": "347 555 1212", "country": "IT"},
        {"channel": "email", "email": "giulia.bianchi@example.it"},
    ],
    LOG: [
        {
            "reason": "CONTRACT",
            "channel": "call",
            "phone": FR_NUMBER,
            "note": "Delivery date",
            "call_reference": "pbx-1",
        },
        {
            "reason": "CONTRACT",
            "channel": "email",
            "email": "giulia.bianchi@example.it",
        },
        {"reason": "CONTRACT", "channel": "sms", "phone": DUPLICATE_NUMBER},
    ],
}
REMOVE = object()
MUTATIONS = st.lists(
    st.tuples(
        st.sampled_from([*FIELDS, "number"]),
        st.one_of(st.just(REMOVE), NASTY_TEXT, JSON_VALUES),
    ),
    min_size=1,
    max_size=3,
)
NOT_JSON_TYPES = [
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "application/xml",
    "application/jsonp",
    "",
]
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# What werkzeug answers to a form it cannot decode (RequestEntityTooLarge for
# bytes that are not UTF-8, BadRequest for a broken multipart).
FORM_REFUSALS = (400, 413)
# 4xx answers of the API; 200 only when the request was valid.
API_STATUSES = {200, 400, 401, 403, 404, 405, 409, 413, 415}


@tagged("post_install", "-at_install")
class TestHostileApi(HostileInputMixin, TelephonyApiCase):
    """Property-based: hostile keys, JSON and bodies sent to the telephony API
    get a JSON 4xx naming the problem, never a 500, never a change."""

    def assertApiError(self, response, statuses):
        self.assertIn(response.status_code, statuses, response.text[:500])
        if response.status_code in FORM_REFUSALS and not response.headers[
            "Content-Type"
        ].startswith("application/json"):
            return
        self.assertEqual(
            response.headers["Content-Type"], "application/json; charset=utf-8"
        )
        self.assertTrue(response.json()["error"]["message"])

    def send(self, path, **kwargs):
        return self.count_response(self.request(path, **kwargs))

    # ------------------------------------------------------------
    # Keys
    # ------------------------------------------------------------

    @given(
        path=st.sampled_from([CHECK, LOG]),
        authorization=st.one_of(
            st.text(st.characters(min_codepoint=32, max_codepoint=255), max_size=80),
            st.builds(
                "{} {}".format,
                st.sampled_from(["Bearer", "bearer", "BEARER", "Basic", "Token"]),
                st.text(
                    st.characters(min_codepoint=33, max_codepoint=0x2FFF), max_size=80
                ),
            ),
            st.builds(
                "Bearer {}".format,
                st.text("0123456789abcdef", min_size=40, max_size=40),
            ),
        ),
    )
    @HOSTILE_SETTINGS
    def test_forged_keys(self, path, authorization):
        payload = {"reason": "CONTRACT", "channel": "call", "phone": FR_NUMBER}
        with self.assertUnchanged():
            # Sent as UTF-8 bytes: a header may carry any byte but a line break.
            response = self.send(
                path,
                payload=payload,
                key=False,
                headers={"Authorization": authorization.strip().encode()},
            )
        self.assertApiError(response, {401})
        self.assertEqual(response.headers["WWW-Authenticate"], "Bearer")
        self.assertNotIn("Camille", response.text)

    @given(mutation=st.sampled_from(["flip", "truncate", "extend", "case", "space"]))
    @HOSTILE_SETTINGS
    def test_altered_keys(self, mutation):
        key = self.key_privacy
        altered = {
            "flip": key[:-1] + ("0" if key[-1] != "0" else "1"),
            "truncate": key[:-1],
            "extend": key + "0",
            "case": key.upper() if key.upper() != key else key.lower(),
            "space": f"{key[:20]} {key[20:]}",
        }[mutation]
        with self.assertUnchanged():
            response = self.send(LOG, payload={"reason": "CONTRACT"}, key=altered)
        self.assertApiError(response, {401})

    # ------------------------------------------------------------
    # JSON
    # ------------------------------------------------------------

    @given(case=JSON_CASES)
    @example(case=(CHECK, {"channel": "call", "country": "F\x00"}))
    @example(case=(CHECK, {"channel": "call", "email": "a\x00@example.com"}))
    @example(case=(LOG, {"reason": "\ud800", "channel": "call"}))
    @example(case=(LOG, {"reason": "CONTRACT", "channel": "call", "note": "\x00"}))
    @example(case=(CHECK, {"channel": "call", "partner_id": 2**70}))
    @settings(HOSTILE_SETTINGS, max_examples=300)
    def test_hostile_json(self, case):
        self.assertJsonCase(*case)

    def assertJsonCase(self, path, payload):
        """A JSON error and no change; or, for a valid request, its answer and
        (log) its one log line."""
        # A valid log request adds its log line, and nothing else.
        with self.assertUnchanged(
            allowed=("privacy_contact_log",) if path == LOG else ()
        ):
            log_count = self.log_count()
            response = self.send(path, payload=payload)
            self.assertIn(response.status_code, API_STATUSES, response.text[:500])
            if response.status_code == 200:
                self.figures["accepted"] += 1
                self.assertIn("allowed" if path == CHECK else "log_id", response.json())
                self.assertEqual(self.log_count(), log_count + (path == LOG))
            else:
                self.assertApiError(response, API_STATUSES)
                self.assertEqual(self.log_count(), log_count)

    @given(
        path=st.sampled_from([CHECK, LOG]),
        index=st.integers(0, 2),
        mutations=MUTATIONS,
    )
    @settings(HOSTILE_SETTINGS, max_examples=300)
    def test_spoiled_requests(self, path, index, mutations):
        payload = dict(VALID_PAYLOADS[path][index])
        for name, value in mutations:
            if value is REMOVE:
                payload.pop(name, None)
            else:
                payload[name] = value
        self.assertJsonCase(path, payload)

    # ------------------------------------------------------------
    # Bodies
    # ------------------------------------------------------------

    @given(
        path=st.sampled_from([CHECK, LOG]),
        method=st.sampled_from(["POST"] * 5 + ["GET", "PUT", "DELETE", "PATCH"]),
        content_type=st.sampled_from(["application/json", *NOT_JSON_TYPES]),
        body=st.one_of(
            st.binary(max_size=2000),
            st.text(max_size=2000).map(str.encode),
            JSON_VALUES.map(lambda value: json.dumps(value).encode()),
            st.integers(MAX_BODY_SIZE - 2, 4 * MAX_BODY_SIZE).map(
                lambda size: b'{"note": "' + b"x" * size + b'"}'
            ),
        ),
    )
    @example(
        path=CHECK, method="POST", content_type="application/json", body=b"[" * 16000
    )
    @example(
        path=LOG, method="POST", content_type="application/json", body=b'{"a":' * 3000
    )
    @example(path=LOG, method="POST", content_type="application/json", body=b"\xff\xfe")
    @HOSTILE_SETTINGS
    def test_hostile_bodies(self, path, method, content_type, body):
        with self.assertUnchanged():
            response = self.send(
                path, method=method, data=body, headers={"Content-Type": content_type}
            )
        expected = set()
        if content_type.startswith(FORM_TYPES):
            # Odoo reads a form before any route runs: werkzeug refuses an
            # undecodable one itself, as an HTML page.
            expected = set(FORM_REFUSALS)
        if method != "POST":
            expected |= {405}
        elif content_type != "application/json":
            expected |= {415}
        elif len(body) > MAX_BODY_SIZE:
            expected = {413}
        else:
            # Invalid JSON; or valid JSON the fields of which are wrong.
            expected = {400, 404, 409} if body.startswith(b"{") else {400}
        self.assertApiError(response, expected)

    def tearDown(self):
        self.log_figures(self._testMethodName)
        super().tearDown()
