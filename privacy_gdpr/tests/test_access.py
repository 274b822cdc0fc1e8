import json
import logging
from urllib.parse import urlparse

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .access_common import USER_KINDS, AccessCase
from .telephony_common import CHECK, LOG, TelephonyApiCase

_logger = logging.getLogger(__name__)

OPERATIONS = ("read", "write", "create", "unlink")
R, RC, RWC, RWCU = (
    {"read"},
    {"read", "create"},
    {"read", "write", "create"},
    set(OPERATIONS),
)
INTERNAL_READ = {"employee": R, "privacy": R, "manager": R, "settings_admin": R}
# Who may do what, by the ORM: record -> {user kind: operations allowed}; a
# kind left out may do nothing. "main" records belong to the main company,
# "shared" ones to no company.
ORM_MATRIX = {
    "type_main": {**INTERNAL_READ, "manager": RWCU},
    "type_shared": {**INTERNAL_READ, "manager": RWCU, "other_company": RWCU},
    "reason": {**INTERNAL_READ, "manager": RWCU, "other_company": RWCU},
    "consent_main": {**INTERNAL_READ, "privacy": RWC, "manager": RWCU},
    "consent_shared": {
        **INTERNAL_READ,
        "privacy": RWC,
        "manager": RWCU,
        "other_company": RWCU,
    },
    "history_main": INTERNAL_READ,
    "history_shared": {**INTERNAL_READ, "other_company": R},
    "log_main": INTERNAL_READ,
    "request_main": INTERNAL_READ,
    # An export holds personal data: its requester and the Privacy Managers of
    # its companies see it; a file is never modified, but by managers.
    "export_privacy": {"privacy": RC, "manager": RWCU},
    "export_manager": {"manager": RWCU},
    "export_file": {"privacy": R, "manager": RWCU},
    "export_wizard": {"privacy": RWCU},
    "settings": {"settings_admin": RWC},
    # The Italian register is national: shared by the companies.
    "register_entry": {"privacy": R, "manager": RWCU, "other_company": RWCU},
    "register_import": {"manager": RWCU},
}


@tagged("post_install", "-at_install")
class TestAccess(AccessCase):
    """The access matrix by the ORM: each cell (record, user kind, operation)
    is asserted allowed or refused."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Export = cls.env["privacy.consent.export"]
        domain = [("id", "=", cls.partner.id)]
        export_privacy = Export.with_user(cls.user_privacy)._request(domain, "csv")[0]
        export_manager = Export.with_user(cls.user_manager)._request(domain, "csv")[0]
        cls.records = {
            "type_main": cls.type_main,
            "type_shared": cls.type_email,
            "reason": cls.reason,
            "consent_main": cls.consent_main,
            "consent_shared": cls.consent_shared,
            "history_main": cls.consent_main.history_ids,
            "history_shared": cls.consent_shared.history_ids,
            "log_main": cls.log_main,
            "request_main": cls.request_main,
            "export_privacy": export_privacy.sudo(False),
            "export_manager": export_manager.sudo(False),
            "export_file": export_privacy.attachment_id.sudo(False),
            "export_wizard": cls.env["privacy.consent.export.wizard"]
            .with_user(cls.user_privacy)
            .create({}),
            "settings": cls.env["res.config.settings"],
            "register_entry": cls.env["privacy.opposition.register.entry"].create(
                {"e164": "+393475551212", "date_registered": "2026-10-01"}
            ),
            "register_import": cls.env["privacy.opposition.import"]
            .with_user(cls.user_manager)
            .create({"file": b"MzQ3IDU1NSAxMjEyOzIwMjYtMTAtMDE="}),
        }

    def allowed(self, user, records, operation):
        records = records.with_user(user)
        try:
            records.check_access(operation)
            if records._name == "ir.attachment":
                # A file's own check: the rights on the record it belongs to.
                records.check(operation)
        except AccessError:
            return False
        return True

    def test_orm_matrix(self):
        for name, rights in ORM_MATRIX.items():
            records = self.records[name]
            self.assertTrue(records or name == "settings", name)
            for kind in USER_KINDS:
                for operation in OPERATIONS:
                    expected = operation in rights.get(kind, set())
                    with self.subTest(record=name, user=kind, operation=operation):
                        self.assertEqual(
                            self.allowed(self.users[kind], records, operation),
                            expected,
                        )
        _logger.info(
            "access matrix (ORM): %s cells",
            len(ORM_MATRIX) * len(USER_KINDS) * len(OPERATIONS),
        )

    def test_privacy_settings_are_for_administrators(self):
        # Privacy Managers configure types and reasons; the switches of Settings
        # > Privacy are the company's, changed by administrators.
        for kind in USER_KINDS:
            user = self.users[kind]
            with self.subTest(user=kind):
                if kind == "settings_admin":
                    settings = (
                        self.env["res.config.settings"].with_user(user).create({})
                    )
                    settings.privacy_check_sms = False
                    settings.execute()
                    self.assertFalse(self.main_company.privacy_check_sms)
                    continue
                with self.assertRaises(AccessError):
                    self.main_company.with_user(user).privacy_check_sms = False
                with self.assertRaises(AccessError):
                    self.env["res.config.settings"].with_user(user).create(
                        {"privacy_check_sms": False}
                    )

    def test_employee_reads_consents_but_cannot_record_them(self):
        line = self.consent(self.partner_2, self.type_sms).with_user(self.user_employee)
        self.assertEqual(line.state, "none")
        with self.assertRaises(AccessError):
            line.write({"state": "refused"})
        with self.assertRaises(AccessError):
            self.partner_2.with_user(self.user_employee).write(
                {"privacy_consent_ids": [(1, line.id, {"state": "refused"})]}
            )
        self.assertEqual(line.sudo().state, "none")

    def test_exports_cannot_be_requested_for_someone_else(self):
        # The export runs with its requester's rights: a Privacy User may not
        # name another requester, nor other companies, nor a finished file.
        Export = self.env["privacy.consent.export"].with_user(self.user_privacy)
        for values in (
            {"user_id": self.user_manager.id},
            {"company_ids": [(6, 0, self.company_b.ids)]},
            {"state": "done", "attachment_id": self.records["export_file"].id},
        ):
            with self.subTest(values=values), self.assertRaises(AccessError):
                Export.create({"name": "Forged", "partner_domain": "[]", **values})
        export = Export.create({"name": "Mine", "partner_domain": "[]"})
        self.assertEqual(export.user_id, self.user_privacy)
        self.assertEqual(export.company_ids, self.main_company)

    def test_second_company_sees_only_its_own_and_shared_consents(self):
        user_b = self.user_other_company
        b_type = self.env["privacy.consent.type"].create(
            {
                "name": "B only",
                "code": "B_ONLY",
                "allow_email": True,
                "company_id": self.company_b.id,
            }
        )
        b_consent = self.give(self.partner_2, b_type)
        Consent = self.env["privacy.partner.consent"].with_user(user_b)
        seen = Consent.search([("partner_id", "=", self.partner_2.id)])
        self.assertIn(b_consent, seen)
        self.assertNotIn(self.consent_main, seen)
        self.assertIn(self.consent(self.partner_2, self.type_sms), seen)  # shared type
        # A consent recorded in the main company does not let company B contact.
        answer = self.partner_2.with_user(user_b)._privacy_check("email")[
            self.partner_2.id
        ]
        self.assertEqual(answer["consents"], b_consent)
        self.assertTrue(answer["allowed"])


# The telephony API with the API key of each kind of user: status of /check on
# a shared contact and on a contact of the main company only, and of /log.
API_MATRIX = {
    "public": (401, 401, 401),
    "portal": (403, 403, 403),
    "employee": (403, 403, 403),
    "privacy": (200, 200, 200),
    "manager": (200, 200, 200),
    "other_company": (200, 404, 200),
    "settings_admin": (403, 403, 403),
}


# The web client's RPC (search_read of one record) as each kind of user:
# "seen", "hidden" by a record rule, "denied" by the access rights.
def rpc_expected(record, kind):
    if kind in ("public", "portal"):
        return "denied"
    if record.startswith("export"):
        return {"privacy": "seen", "manager": "seen", "other_company": "hidden"}.get(
            kind, "denied"
        )
    if kind == "other_company" and record != "reason":
        return "hidden"
    return "seen"


@tagged("post_install", "-at_install")
class TestAccessHttp(TelephonyApiCase, AccessCase):
    """The access matrix over HTTP: the public pages, the telephony API with
    an API key of each kind of user, the web client's RPC and the download of
    an export, for each kind of user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.keys = {
            kind: cls.api_key(user, name=f"Key of {kind}")
            for kind, user in cls.users.items()
        }
        cls.partner_main = cls.env["res.partner"].create(
            {"name": "Main company contact", "company_id": cls.main_company.id}
        )
        cls.export_privacy = (
            cls.env["privacy.consent.export"]
            .with_user(cls.user_privacy)
            ._request([("id", "=", cls.partner.id)], "csv")[0]
        )
        cls.type_newsletter.double_optin = True
        consent_request = cls.env["privacy.consent.request"]._create_for_partners(
            cls.partner_2, "request"
        )
        consent_request._send_confirmation(cls.type_newsletter)
        cls.rpc_records = {
            "type_main": cls.type_main,
            "reason": cls.reason,
            "consent_main": cls.consent_main,
            "history_main": cls.consent_main.history_ids,
            "log_main": cls.log_main,
            "request_main": cls.request_main,
            "export_privacy": cls.export_privacy,
        }
        cls.links = {
            "consent": cls.request_main._get_url(),
            "preferences": cls.partner._privacy_preferences_url(),
            "confirm": consent_request._get_confirm_url(),
        }

    log_payload = {"reason": "CONTRACT", "channel": "call"}

    def setUp(self):
        super().setUp()
        # Odoo logs each refused RPC as a warning: expected here, by the dozen.
        http_logger = logging.getLogger("odoo.http")
        self.addCleanup(http_logger.setLevel, http_logger.level)
        http_logger.setLevel(logging.ERROR)

    def login(self, kind):
        if kind == "public":
            self.authenticate(None, None)
        else:
            login = self.users[kind].login
            self.authenticate(login, login)

    def rpc(self, record):
        model = record._name
        response = self.url_open(
            f"/web/dataset/call_kw/{model}/search_read",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "id": 1,
                    "params": {
                        "model": model,
                        "method": "search_read",
                        "args": [[("id", "=", record.id)], ["display_name"]],
                        "kwargs": {},
                    },
                }
            ),
            headers={"Content-Type": "application/json"},
        ).json()
        if "error" in response:
            return "denied"
        return "seen" if response["result"] else "hidden"

    def test_telephony_api_keys(self):
        cells = 0
        for kind, (shared, main_only, log) in API_MATRIX.items():
            requests = (
                (CHECK, {"channel": "call", "partner_id": self.fr_partner.id}, shared),
                (
                    CHECK,
                    {"channel": "call", "partner_id": self.partner_main.id},
                    main_only,
                ),
                (LOG, dict(self.log_payload, partner_id=self.fr_partner.id), log),
            )
            for path, payload, status in requests:
                with self.subTest(user=kind, path=path, payload=payload):
                    before = self.log_count()
                    response = self.request(path, payload, key=self.keys[kind])
                    self.assertEqual(response.status_code, status, response.text)
                    added = path == LOG and status == 200
                    self.assertEqual(self.log_count(), before + added)
                    cells += 1
            # A browser session is no API key, whoever is logged in.
            self.login(kind)
            for path, payload, _status in requests:
                with self.subTest(user=kind, path=path, session=True):
                    self.assertError(
                        self.request(path, payload, key=False), 401, "unauthorized"
                    )
                    cells += 1
        _logger.info("access matrix (telephony API): %s cells", cells)

    def test_routes_and_rpc(self):
        cells = 0
        for kind in USER_KINDS:
            self.login(kind)
            for route, url in self.links.items():
                path = urlparse(url).path
                with self.subTest(user=kind, route=route):
                    # The links work for the person, not for someone signed in
                    # as someone else (none of these users is the person)...
                    self.assertEqual(
                        self.url_open(path).status_code,
                        200 if kind == "public" else 403,
                    )
                    # ...and only record with the CSRF token of the page.
                    with self.assertLogs("odoo.http", "WARNING"):
                        response = self.url_open(f"{path}/submit", data={"x": "1"})
                    self.assertEqual(response.status_code, 400)
                    cells += 2
            for name, record in self.rpc_records.items():
                with self.subTest(user=kind, record=name):
                    self.assertEqual(self.rpc(record), rpc_expected(name, kind))
                    cells += 1
            attachment = self.export_privacy.attachment_id
            with self.subTest(user=kind, download=True):
                response = self.url_open(f"/web/content/{attachment.id}?download=true")
                if kind in ("privacy", "manager"):
                    self.assertEqual(response.status_code, 200)
                    self.assertIn(
                        self.partner.name, response.content.decode("utf-8-sig")
                    )
                else:
                    self.assertIn(response.status_code, (403, 404))
                    self.assertNotIn(self.partner.name.encode(), response.content)
                cells += 1
        _logger.info("access matrix (routes, RPC, download): %s cells", cells)
