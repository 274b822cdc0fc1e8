from odoo import api, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import email_normalize

from .privacy_consent_type import CHANNEL_FIELDS
from .privacy_contact_log import CONTACT_CHANNELS
from .res_company import PRIVACY_CHECKS

# Settings > Privacy: "Calls and telephony check consent" governs the whole API.
TELEPHONY_CHECK = "call"
LOG_CHANNELS = [channel for channel, _label in CONTACT_CHANNELS]
# Beyond any usual way of writing a phone number or an e-mail address.
MAX_LENGTHS = {
    "phone": 64,
    "email": 254,
    "country": 2,
    "reason": 64,
    "call_reference": 128,
    "note": 4000,
}
# Database ids are PostgreSQL integers: beyond, no contact can have the id.
MAX_ID = 2**31 - 1
# A shared switchboard number may match many partners: answer for a bounded set
# (the lookup fetches one more to know whether there are more).
MAX_MATCHES = 50


def _is_utf8(text):
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


class PrivacyApiError(UserError):
    """Bad input to the telephony service, naming the field at fault.

    Over Odoo's external API it is a plain UserError; the HTTP API answers it as
    ``{"error": {"code": code, "field": field, "message": ...}}`` with ``status``.
    """

    def __init__(self, message, field, code="invalid_field", status=400, **details):
        super().__init__(message)
        self.field = field
        self.code = code
        self.status = status
        self.details = details


class PrivacyTelephony(models.AbstractModel):
    """The consent check and the contact log for telephony systems.

    Its two public methods are the telephony API: the HTTP routes of
    controllers/telephony_api.py call them as the API key's user, and they are
    callable as they are over Odoo's external API (JSON-RPC, XML-RPC).
    """

    _name = "privacy.telephony"
    _description = "Privacy: telephony API"

    @api.model
    def check_contact(
        self, channel=None, phone=None, email=None, partner_id=None, country=None
    ):
        """May the partner(s) found by ``phone``, ``email`` or ``partner_id`` (give
        exactly one) be contacted on ``channel``, and by which consents?

        ``country``: ISO code of the region in which to read a number written
        without an international prefix (default: the company's country).
        """
        self._check_api_access()
        self._fetch_company_settings()
        channel = self._read_choice("channel", channel, list(CHANNEL_FIELDS))
        identifiers = {
            name: value
            for name, value in (
                ("phone", phone),
                ("email", email),
                ("partner_id", partner_id),
            )
            if value is not None
        }
        if len(identifiers) > 1:
            raise PrivacyApiError(
                self.env._(
                    "Give only one of phone, email and partner_id, not %(fields)s.",
                    fields=", ".join(identifiers),
                ),
                list(identifiers)[1],
            )
        partners, lookup, matched_by = self._find_partners(
            phone, email, partner_id, country
        )
        return {
            "channel": channel,
            "lookup": lookup,
            **self._check_answer(channel, partners, matched_by),
        }

    @api.model
    def log_contact(
        self,
        reason=None,
        channel=None,
        partner_id=None,
        phone=None,
        email=None,
        note=None,
        call_reference=None,
        country=None,
    ):
        """Record in the contact log that a partner was contacted on ``channel``
        for the contact reason whose code is ``reason``.

        The partner is ``partner_id``, else the one partner found by ``phone`` or
        ``email``; ``phone`` is recorded as the number called.
        """
        self._check_api_access()
        self._fetch_company_settings()
        reason_code = self._read_text("reason", reason, required=True)
        channel = self._read_choice("channel", channel, LOG_CHANNELS)
        note = self._read_text("note", note)
        call_reference = self._read_text("call_reference", call_reference)
        number = self._read_number(phone, country) if phone is not None else None
        reason_record = self.env["privacy.contact.reason"].search(
            [("code", "=", reason_code)], limit=1
        )
        if not reason_record:
            raise PrivacyApiError(
                self.env._(
                    "No active contact reason has the code “%(code)s”.",
                    code=reason_code,
                ),
                "reason",
            )
        if partner_id is not None:
            partners = self._find_partners(None, None, partner_id, None)[0]
        else:
            partners = self._find_partners(phone, email, None, country)[0]
        field = (
            "partner_id" if partner_id is not None else "phone" if phone else "email"
        )
        if not partners:
            raise PrivacyApiError(
                self.env._("No contact matches this %(field)s.", field=field),
                field,
                code="not_found",
                status=404,
            )
        if len(partners) > 1:
            raise PrivacyApiError(
                self.env._(
                    "Several contacts match this %(field)s: give the partner_id of "
                    "the one contacted.",
                    field=field,
                ),
                field,
                code="ambiguous",
                status=409,
                partner_ids=partners.ids,
            )
        reason_required = self._check_active(channel) and not (
            partners._privacy_allowed(channel)
        )
        log = self.env["privacy.contact.log"]._log_contacts(
            partners,
            channel,
            reason_record,
            note=note or False,
            call_reference=call_reference or False,
            phone_number=number or False,
        )
        return {
            "log_id": log.id,
            "partner_id": partners.id,
            "channel": channel,
            "reason": reason_record.code,
            "date": log.date.isoformat(),
            "reason_required": reason_required,
        }

    # ------------------------------------------------------------
    # Access and input
    # ------------------------------------------------------------

    @api.model
    def _check_api_access(self):
        if not self.env.user.has_group("privacy_gdpr.group_privacy_user"):
            raise AccessError(
                self.env._("The telephony API is reserved to Privacy Users.")
            )

    @api.model
    def _read_text(self, field, value, required=False):
        if value is None or value == "":
            if required:
                raise PrivacyApiError(
                    self.env._("The field “%(field)s” is required.", field=field),
                    field,
                    code="missing_field",
                )
            return None
        if not isinstance(value, str):
            raise PrivacyApiError(
                self.env._("The field “%(field)s” must be a string.", field=field),
                field,
            )
        value = value.strip()
        # PostgreSQL stores neither NUL characters nor lone surrogates (not UTF-8).
        if "\x00" in value or not _is_utf8(value):
            raise PrivacyApiError(
                self.env._(
                    "The field “%(field)s” contains characters that are not text.",
                    field=field,
                ),
                field,
            )
        if len(value) > MAX_LENGTHS[field]:
            raise PrivacyApiError(
                self.env._(
                    "The field “%(field)s” is longer than %(max)s characters.",
                    field=field,
                    max=MAX_LENGTHS[field],
                ),
                field,
            )
        if required and not value:
            raise PrivacyApiError(
                self.env._("The field “%(field)s” is required.", field=field),
                field,
                code="missing_field",
            )
        return value

    @api.model
    def _read_choice(self, field, value, choices):
        if value is None or value == "":
            raise PrivacyApiError(
                self.env._("The field “%(field)s” is required.", field=field),
                field,
                code="missing_field",
            )
        if value not in choices:
            raise PrivacyApiError(
                self.env._(
                    "The field “%(field)s” must be one of %(choices)s.",
                    field=field,
                    choices=", ".join(choices),
                ),
                field,
            )
        return value

    @api.model
    def _read_country(self, code):
        code = self._read_text("country", code)
        if not code:
            return self.env.company.partner_id.country_id
        country = self.env["res.country"].search([("code", "=", code.upper())])
        if not country:
            raise PrivacyApiError(
                self.env._(
                    "“%(code)s” is not a country code (ISO 3166, e.g. FR or IT).",
                    code=code,
                ),
                "country",
            )
        return country

    @api.model
    def _read_number(self, phone, country):
        number = self._read_text("phone", phone, required=True)
        e164 = self.env["res.partner"]._privacy_e164(
            number, self._read_country(country)
        )
        if not e164:
            raise PrivacyApiError(
                self.env._(
                    "“%(number)s” cannot be read as a phone number.", number=number
                ),
                "phone",
            )
        return e164

    # ------------------------------------------------------------
    # Lookup and answer
    # ------------------------------------------------------------

    @api.model
    def _find_partners(self, phone, email, partner_id, country):
        """The partners found by one identifier, as the current user sees them.

        :return: ``(partners, lookup, matched_by)``: ``lookup`` is the normalised
            identifier, ``matched_by`` maps partner id -> list of what matched
            (phone, mobile, email, id)
        """
        Partner = self.env["res.partner"]
        fnames = ["complete_name", "gdpr_phone_e164", "gdpr_mobile_e164"]
        if phone is not None:
            number = self._read_number(phone, country)
            partners = Partner.search_fetch(
                Partner._privacy_number_domain([number]), fnames, limit=MAX_MATCHES + 1
            )
            matched_by = {
                partner.id: [
                    what
                    for what, value in (
                        ("phone", partner.gdpr_phone_e164),
                        ("mobile", partner.gdpr_mobile_e164),
                    )
                    if value == number
                ]
                for partner in partners
            }
            return partners, {"phone": number}, matched_by
        if email is not None:
            address = self._read_text("email", email, required=True)
            normalized = email_normalize(address)
            if not normalized:
                raise PrivacyApiError(
                    self.env._("“%(email)s” is not an e-mail address.", email=address),
                    "email",
                )
            partners = Partner.search_fetch(
                [("email_normalized", "=", normalized)], fnames, limit=MAX_MATCHES + 1
            )
            return (
                partners,
                {"email": normalized},
                {pid: ["email"] for pid in partners.ids},
            )
        if partner_id is None:
            raise PrivacyApiError(
                self.env._("Give a phone, an email or a partner_id."),
                "phone",
                code="missing_field",
            )
        if isinstance(partner_id, bool) or not isinstance(partner_id, int):
            raise PrivacyApiError(
                self.env._("The field “partner_id” must be an integer."), "partner_id"
            )
        # A partner the user may not read is reported like one that does not exist.
        partners = (
            Partner.search_fetch([("id", "=", partner_id)], fnames)
            if 0 < partner_id <= MAX_ID
            else Partner
        )
        if not partners:
            raise PrivacyApiError(
                self.env._("No contact has the id %(id)s.", id=partner_id),
                "partner_id",
                code="not_found",
                status=404,
            )
        return partners, {"partner_id": partner_id}, {partner_id: ["id"]}

    @api.model
    def _fetch_company_settings(self):
        """Read what the API needs of the current company, once per call: its
        switches and its country (the partner's: computing the company's address
        would read it all). A company row has a hundred columns: fetching only
        these keeps each request light. Settings of the user's own company, read
        as superuser: no access rule to evaluate on each request."""
        company = self.env.company.sudo()
        # parent_path: Odoo's multi-company rule on partners reads it.
        company.fetch(
            ["privacy_enabled", "partner_id", "parent_path"]
            + [f"privacy_check_{check}" for check in PRIVACY_CHECKS]
        )
        company.partner_id.fetch(["country_id"])
        company.partner_id.country_id.fetch(["code", "phone_code"])

    @api.model
    def _check_active(self, channel):
        """Whether consent is checked on ``channel`` through the telephony API:
        the telephony switch, and the channel's own switch when it has one."""
        company = self.env.company
        return company._privacy_check_active(TELEPHONY_CHECK) and (
            channel not in PRIVACY_CHECKS or company._privacy_check_active(channel)
        )

    @api.model
    def _check_answer(self, channel, partners, matched_by):
        """The one check's answer for ``partners``, as plain data."""
        truncated = len(partners) > MAX_MATCHES
        partners = partners[:MAX_MATCHES]
        active = self._check_active(channel)
        checks = partners._privacy_check(channel)
        # Each partner's consents are their own recordset: read the types at once.
        self.env["privacy.partner.consent"].union(
            *(check["consents"] for check in checks.values())
        ).type_id.fetch(["code", "name"])
        answers = []
        for partner in partners:
            allowed = checks[partner.id]["allowed"] or not active
            answers.append(
                {
                    "id": partner.id,
                    "name": partner.complete_name,
                    "matched_by": matched_by[partner.id],
                    "allowed": allowed,
                    "reason_required": not allowed,
                    "consents": [
                        {
                            "type_code": consent.type_id.code,
                            "type_name": consent.type_id.name,
                            "date_given": consent.date_given.isoformat(),
                            # False, Odoo's "empty", also goes through XML-RPC.
                            "date_expiry": consent.date_expiry
                            and consent.date_expiry.isoformat(),
                        }
                        for consent in checks[partner.id]["consents"]
                    ],
                }
            )
        # Unknown contacts need a reason too; several matches must all allow, and
        # matches left out of the answer cannot vouch for themselves.
        allowed = not active or (
            bool(answers) and not truncated and all(a["allowed"] for a in answers)
        )
        return {
            "check_active": active,
            "allowed": allowed,
            "reason_required": not allowed,
            "partners": answers,
            "truncated": truncated,
        }
