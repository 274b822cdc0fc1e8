import json

from odoo.tests import HttpCase

from odoo.addons.privacy_gdpr.controllers.telephony_api import API_PREFIX

from .common import PrivacyCase

CHECK = f"{API_PREFIX}/check"
LOG = f"{API_PREFIX}/log"

FR_NUMBER = "+33647218359"
FR_FORMATS = [
    "06 47 21 83 59",
    "0647218359",
    "06.47.21.83.59",
    "06-47-21-83-59",
    "+33 6 47 21 83 59",
    "+33 (0)6 47 21 83 59",
    "+33647218359",
    "0033 6 47 21 83 59",
    "0033647218359",
    " +33-6-47-21-83-59 ",
]
IT_MOBILE = "+393475551212"
IT_MOBILE_FORMATS = [
    "+39 347 555 1212",
    "+393475551212",
    "0039 347 555 1212",
    "0039-347-555-1212",
    "+39.347.555.1212",
]
# Written without prefix: readable only with Italy as the region.
IT_MOBILE_NATIONAL = ["347 555 1212", "347.555.1212", "347-5551212"]
IT_LANDLINE = "+390669821234"
DUPLICATE_NUMBER = "+33240112233"
UNKNOWN_NUMBER = "+33 2 99 00 11 22"


class TelephonyCase(PrivacyCase):
    """Partners with French and Italian numbers, two sharing one number."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fr = cls.env.ref("base.fr")
        cls.it = cls.env.ref("base.it")
        cls.env.company.country_id = cls.fr
        cls.reason = cls.env.ref("privacy_gdpr.contact_reason_contract")
        Partner = cls.env["res.partner"]
        cls.fr_partner = Partner.create(
            {
                "name": "Camille Martin",
                "phone": "06 47 21 83 59",
                "country_id": cls.fr.id,
            }
        )
        cls.it_partner = Partner.create(
            {
                "name": "Giulia Bianchi",
                "phone": "06 6982 1234",
                "mobile": "347 555 1212",
                "country_id": cls.it.id,
                "email": "Giulia.Bianchi@Example.it",
            }
        )
        cls.dup_phone = Partner.create(
            {"name": "Accueil Nantes", "phone": "02 40 11 22 33"}
        )
        cls.dup_mobile = Partner.create(
            {"name": "Louis Nantes", "mobile": "+33 2 40 11 22 33"}
        )


class TelephonyApiCase(HttpCase, TelephonyCase):
    """The telephony API over HTTP, with an API key of a Privacy User, a Privacy
    Manager and an internal user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.key_privacy, cls.key_manager, cls.key_employee = (
            cls.api_key(user)
            for user in (cls.user_privacy, cls.user_manager, cls.user_employee)
        )

    @classmethod
    def api_key(cls, user, name="PBX"):
        return (
            cls.env["res.users.apikeys"]
            .with_user(user)
            .sudo()
            ._generate(None, name, None)
        )

    def request(self, path, payload=None, key=None, method="POST", **kwargs):
        """Send ``payload`` as JSON, authenticated by ``key`` (default: the
        Privacy User's); ``data`` and ``headers`` override the defaults."""
        headers = {"Content-Type": "application/json"}
        if key is not False:
            headers["Authorization"] = f"Bearer {key or self.key_privacy}"
        headers.update(kwargs.pop("headers", {}))
        data = kwargs.pop("data", None)
        if data is None and payload is not None:
            data = json.dumps(payload)
        self.env.flush_all()
        response = self.opener.request(
            method,
            self.base_url() + path,
            data=data,
            headers=headers,
            timeout=30,
            allow_redirects=False,
        )
        self.env.invalidate_all()
        return response

    def assertError(self, response, status, code, field=None):
        self.assertEqual(response.status_code, status, response.text)
        self.assertEqual(
            response.headers["Content-Type"], "application/json; charset=utf-8"
        )
        error = response.json()["error"]
        self.assertEqual(error["code"], code, error)
        self.assertEqual(error.get("field"), field, error)
        self.assertTrue(error["message"])
        return error

    def log_count(self):
        return self.env["privacy.contact.log"].sudo().search_count([])
