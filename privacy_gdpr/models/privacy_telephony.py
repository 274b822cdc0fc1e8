import collections
import functools
import inspect
import re

import phonenumbers

from odoo import api, models, tools
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, email_normalize

from odoo.addons.phone_validation.tools import phone_validation

from ..channels import CHANNEL_FIELDS, LOGGED_CHANNELS, SWITCHED_CHANNELS
from ..exceptions import PrivacyApiError, PrivacyReasonRefused

# Settings > Privacy: "Calls and telephony check consent" governs the whole API.
TELEPHONY_CHECK = "call"
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
# A dialer's call list is checked in batches of at most this many.
MAX_BATCH = 1000
# The list that replaces each single identifier in a batch.
BATCH_FIELDS = {"phones": "phone", "emails": "email", "partner_ids": "partner_id"}


@functools.cache
def _operation_fields(method):
    """The parameters of the public method ``method``, but ``self``."""
    return list(inspect.signature(method).parameters)[1:]


def _is_utf8(text):
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


# What phonenumbers' international formats may write between the groups of
# digits of a number, and a group of digits of their patterns.
FORMAT_SEPARATORS = re.compile(r"[ .-]")
DIGIT_GROUP = re.compile(r"\(\\d(?:\{\d+(?:,\d*)?\})?\)")


def _metadata(country_code):
    """phonenumbers' metadata of the country calling code ``country_code``
    (of its main region), as Odoo patches it."""
    return phonenumbers.PhoneMetadata.metadata_for_region_or_calling_code(
        country_code, phonenumbers.region_code_for_country_code(country_code)
    )


@functools.cache
def _formats_keep_digits(country_code):
    """Whether the international format of every number of ``country_code``
    writes its digits as they are, in groups. Odoo's patches of the metadata
    add formats that add or drop a digit (Brazil, Mexico); the metadata does
    not change once loaded."""
    metadata = _metadata(country_code)
    if metadata is None:
        return False
    for number_format in metadata.intl_number_format or metadata.number_format:
        groups = re.compile(number_format.pattern).groups
        if DIGIT_GROUP.sub("", number_format.pattern) or FORMAT_SEPARATORS.sub(
            "", number_format.format
        ) != "".join(f"\\{group}" for group in range(1, groups + 1)):
            return False
    return True


def _reads_back_alike(number):
    """Whether parsing the international format of the parsed ``number``
    again gives the same number, as it must for phone_parse's second parse to
    be skipped: its format writes its digits as they are (no extension, which
    some regions write in words), and no national prefix can be taken off its
    national number (the only change a parse makes to the digits after the
    country code)."""
    if number.extension or not _formats_keep_digits(number.country_code):
        return False
    prefix = _metadata(number.country_code).national_prefix_for_parsing
    return not (
        prefix and re.match(prefix, phonenumbers.national_significant_number(number))
    )


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
        self,
        channel=None,
        phone=None,
        email=None,
        partner_id=None,
        country=None,
        phones=None,
        emails=None,
        partner_ids=None,
    ):
        """May the partner(s) found by ``phone``, ``email`` or ``partner_id`` (give
        exactly one) be contacted on ``channel``, and by which consents?

        ``country``: ISO code of the region in which to read a number written
        without an international prefix (default: the company's country).

        A call list is checked at once by giving instead a list of up to
        MAX_BATCH ``phones``, ``emails`` or ``partner_ids``: the answer's
        ``results`` has, in the same order, for each one what its single check
        answers, or ``{"error": ...}`` where the single check is refused (a
        number that cannot be read, an unknown partner id).
        """
        self._check_api_access()
        channel = self._read_choice("channel", channel, list(CHANNEL_FIELDS))
        identifiers = {
            name: value
            for name, value in (
                ("phone", phone),
                ("email", email),
                ("partner_id", partner_id),
                ("phones", phones),
                ("emails", emails),
                ("partner_ids", partner_ids),
            )
            if value is not None
        }
        if len(identifiers) > 1:
            raise PrivacyApiError(
                self.env._(
                    "Give only one of phone, email, partner_id, phones, emails and "
                    "partner_ids, not %(fields)s.",
                    fields=", ".join(identifiers),
                ),
                list(identifiers)[1],
            )
        field = next(iter(identifiers), None)
        if field not in BATCH_FIELDS:
            lookup = self._lookup(phone, email, partner_id, country)
            [answer] = self._check_lookups(channel, lookup[0], [lookup])
            if isinstance(answer, PrivacyApiError):
                raise answer
            return answer
        kind = BATCH_FIELDS[field]
        # A wrong country is the request's error, not each number's.
        region = self._read_country(country)
        lookups = []
        # A call list may repeat a number: each is read once. By type too, as
        # True equals 1 but is not a partner id.
        read = {}
        for value in self._read_batch(field, identifiers[field]):
            key = (type(value), value) if isinstance(value, (str, int)) else None
            lookup = read.get(key) if key else None
            if lookup is None:
                try:
                    lookup = self._lookup(**{kind: value}, region=region)
                except PrivacyApiError as error:
                    lookup = error
                if key:
                    read[key] = lookup
            lookups.append(lookup)
        answers = self._check_lookups(channel, kind, lookups)
        return {
            "channel": channel,
            "results": [
                {"error": answer.error_data()}
                if isinstance(answer, PrivacyApiError)
                else answer
                for answer in answers
            ],
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
        entries=None,
    ):
        """Record in the contact log that a partner was contacted on ``channel``
        for the contact reason whose code is ``reason``.

        The partner is ``partner_id``, else the one partner found by ``phone`` or
        ``email``; ``phone`` is recorded as the number called.

        Several contacts are logged at once by giving instead ``entries``, a
        list of up to MAX_BATCH objects of these fields: all or nothing, the
        first entry refused refuses the batch (the error's ``index`` says which).
        """
        self._check_api_access()
        if entries is not None:
            fields = {
                "reason": reason,
                "channel": channel,
                "partner_id": partner_id,
                "phone": phone,
                "email": email,
                "note": note,
                "call_reference": call_reference,
                "country": country,
            }
            given = [name for name, value in fields.items() if value is not None]
            if given:
                raise PrivacyApiError(
                    self.env._(
                        "Give the fields of each contact in entries, not %(fields)s.",
                        fields=", ".join(given),
                    ),
                    given[0],
                )
            return {"results": self._log_entries(entries)}
        reason_code = self._read_text("reason", reason, required=True)
        channel = self._read_choice(
            "channel", channel, [code for code, _label in LOGGED_CHANNELS]
        )
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
            partners = self._find_partners(None, None, partner_id, None)
        else:
            partners = self._find_partners(phone, email, None, country)
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
        if reason_required:
            self._check_reason(reason_record, partners, channel)
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

    @api.model
    def _check_reason(self, reason, partner, channel):
        """Refuse to log a contact of ``partner`` for ``reason`` when the reason
        may not be used for them (they objected, the reason is not for this
        channel...): a conflict with the person's state, HTTP 409."""
        try:
            reason._check_usable_for(partner, channel)
        except PrivacyReasonRefused as error:
            details = self._reason_details(partner, channel)[partner.id]
            raise PrivacyApiError(
                error.args[0],
                "reason",
                code="reason_refused",
                status=409,
                **details,
            ) from error

    @api.model
    def _reason_details(self, partners, channel):
        """``{partner id: {"objections": [...], "reasons": [codes]}}``: what
        each of ``partners`` refused or withdrew for ``channel`` (type, state,
        day), and the codes of the contact reasons that may be used for them on
        it (none on the channels that are not logged)."""
        details = {
            partner.id: {"objections": [], "reasons": []} for partner in partners
        }
        objections = self.env["privacy.partner.consent"]._objections(partners, channel)
        for consent in objections:
            details[consent.partner_id.id]["objections"].append(
                {
                    "type_code": consent.type_id.code,
                    "type_name": consent.type_id.name,
                    "state": consent.state,
                    "date": consent._objection_day().isoformat(),
                }
            )
        if channel in dict(LOGGED_CHANNELS):
            reasons = self.env["privacy.contact.reason"]._active_reasons()
            refusals = reasons._refusals(partners, channel, objections)
            for reason, refused in refusals.items():
                for partner in partners - self.env["res.partner"].union(*refused):
                    details[partner.id]["reasons"].append(reason.code)
        return details

    @api.model
    def _log_entries(self, entries):
        """:meth:`log_contact` for each of ``entries``, in order."""
        results = []
        for index, entry in enumerate(self._read_batch("entries", entries)):
            try:
                if not isinstance(entry, dict) or "entries" in entry:
                    raise PrivacyApiError(
                        self.env._(
                            "Each entry must be an object of the fields of one contact."
                        ),
                        "entries",
                    )
                results.append(self._call("log_contact", entry))
            except PrivacyApiError as error:
                error.details["index"] = index
                raise
        return results

    # ------------------------------------------------------------
    # Access and input
    # ------------------------------------------------------------

    @api.model
    def _call(self, operation, payload):
        """``operation(**payload)`` for the HTTP API, refusing the fields that
        the operation does not take."""
        fields = _operation_fields(getattr(type(self), operation))
        for field in payload:
            if field not in fields:
                raise PrivacyApiError(
                    self.env._(
                        "Unknown field “%(field)s”; the fields are: %(fields)s.",
                        field=field,
                        fields=", ".join(fields),
                    ),
                    field,
                    code="unknown_field",
                )
        return getattr(self, operation)(**payload)

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
    def _read_batch(self, field, values):
        """The list ``values`` of the batch ``field``, at most MAX_BATCH long."""
        if not isinstance(values, list):
            raise PrivacyApiError(
                self.env._("The field “%(field)s” must be a list.", field=field),
                field,
            )
        if len(values) > MAX_BATCH:
            raise PrivacyApiError(
                self.env._(
                    "The field “%(field)s” is limited to %(max)s items.",
                    field=field,
                    max=MAX_BATCH,
                ),
                field,
                code="batch_too_large",
                status=413,
            )
        return values

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
        """``(ISO code, dialing code)`` of the country ``code``, default the
        company's: both from Odoo's caches, no query at each request."""
        code = self._read_text("country", code)
        if not code:
            return self._company_settings(self.env.company.id)["country"]
        phone_code = self.env["res.country"]._phone_code_for(code.upper())
        if not phone_code:
            raise PrivacyApiError(
                self.env._(
                    "“%(code)s” is not a country code (ISO 3166, e.g. FR or IT).",
                    code=code,
                ),
                "country",
            )
        return code.upper(), phone_code

    @api.model
    def _e164(self, number, country=None):
        """``number`` in E.164 (+33612345678), read in ``country`` (default the
        company's) when it has no international prefix; False when it cannot be
        parsed. The partners' stored numbers are computed with it."""
        country = country or self.env.company.country_id
        return self._e164_region(number, country.code, country.phone_code)

    @api.model
    def _e164_region(self, number, country_code, phone_code):
        """:meth:`_e164` in the country of ISO code ``country_code`` and
        dialing code ``phone_code``, for callers that have them without reading
        the country.

        Exactly what Odoo's ``phone_validation.phone_format(number, country_code,
        phone_code, force_format="E164")`` answers, in half the time: its
        ``phone_parse`` parses the number, then parses its international format
        again (for Odoo's patches of the metadata that change the digits
        written), then checks the result. The second parse is skipped when it
        would read the number of the first (:func:`_reads_back_alike`), and the
        same checks are made on it; any other number, or one that is not
        possible (phone_parse tries it again in other ways), goes through
        phone_format itself.
        """
        if not number:
            return False
        try:
            parsed = phonenumbers.parse(
                number, country_code or None, keep_raw_input=True
            )
        except phonenumbers.NumberParseException:
            return False
        if _reads_back_alike(parsed) and phonenumbers.is_possible_number(parsed):
            return phonenumbers.is_valid_number(parsed) and phonenumbers.format_number(
                parsed, phonenumbers.PhoneNumberFormat.E164
            )
        try:
            return phone_validation.phone_format(
                number, country_code, phone_code, force_format="E164"
            )
        except UserError:
            return False

    @api.model
    def _read_number(self, phone, country, region=None):
        number = self._read_text("phone", phone, required=True)
        e164 = self._e164_region(number, *(region or self._read_country(country)))
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
    def _lookup(
        self, phone=None, email=None, partner_id=None, country=None, region=None
    ):
        """What to find the partners by: one identifier, normalised.

        ``region``: the ``(ISO code, dialing code)`` of ``country``, when the
        caller has read it already (a batch reads it once).

        :return: ``(kind, value, matched_by)``: ``kind`` is phone, email or
            partner_id, ``value`` the E.164 number, normalised address or id;
            ``matched_by((phone, mobile))`` lists what matched (phone, mobile,
            email, id) for a partner of these E.164 numbers
        """
        if phone is not None:
            number = self._read_number(phone, country, region)
            return (
                "phone",
                number,
                lambda numbers: [
                    what
                    for what, value in zip(("phone", "mobile"), numbers)
                    if value == number
                ],
            )
        if email is not None:
            address = self._read_text("email", email, required=True)
            normalized = email_normalize(address)
            if not normalized:
                raise PrivacyApiError(
                    self.env._("“%(email)s” is not an e-mail address.", email=address),
                    "email",
                )
            return "email", normalized, lambda numbers: ["email"]
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
        if not 0 < partner_id <= MAX_ID:
            # Beyond PostgreSQL's integers no contact can have it.
            raise self._partner_not_found(partner_id)
        return "partner_id", partner_id, lambda numbers: ["id"]

    @api.model
    def _lookup_domain(self, kind, value):
        """The partners whose ``kind`` (see :meth:`_lookup`) is ``value``: on
        indexed columns."""
        if kind == "phone":
            return self.env["res.partner"]._privacy_number_domain([value])
        if kind == "email":
            return [("email_normalized", "=", value)]
        return [("id", "=", value)]

    @api.model
    def _partner_not_found(self, partner_id):
        # A partner the user may not read is reported like one that does not exist.
        return PrivacyApiError(
            self.env._("No contact has the id %(id)s.", id=partner_id),
            "partner_id",
            code="not_found",
            status=404,
        )

    @api.model
    def _find_partners(self, phone, email, partner_id, country):
        """The partners found by one identifier, as the current user sees them
        (at most one more than MAX_MATCHES)."""
        kind, value, _matched_by = self._lookup(phone, email, partner_id, country)
        partners = self.env["res.partner"].search(
            self._lookup_domain(kind, value), limit=MAX_MATCHES + 1
        )
        if partner_id is not None and not partners:
            raise self._partner_not_found(partner_id)
        return partners

    @api.model
    def _check_lookups(self, channel, kind, lookups):
        """The answers of the check on ``channel`` for ``lookups`` (of
        :meth:`_lookup`, all of ``kind``; a PrivacyApiError stands for one that
        was refused and is given back as it is): one query for all.

        :return: for each lookup, in order, the check's answer or the
            PrivacyApiError that refuses it
        """
        values = list(
            dict.fromkeys(
                lookup[1] for lookup in lookups if not isinstance(lookup, Exception)
            )
        )
        rows = collections.defaultdict(list)
        for value, *row in self._check_rows(kind, values, channel) if values else ():
            rows[value].append(row)
        active = self._check_active(channel)
        answers = []
        for lookup in lookups:
            if isinstance(lookup, Exception):
                answers.append(lookup)
                continue
            _kind, value, matched_by = lookup
            if kind == "partner_id" and not rows[value]:
                answers.append(self._partner_not_found(value))
                continue
            answers.append(
                {
                    "channel": channel,
                    "lookup": {kind: value},
                    **self._check_answer(rows[value], matched_by, active),
                }
            )
        self._add_reason_details(
            channel, [answer for answer in answers if isinstance(answer, dict)]
        )
        return answers

    @api.model
    def _check_rows(self, kind, values, channel):
        """The partners whose ``kind`` is one of ``values`` (see :meth:`_lookup`)
        as the current user sees them (for each value, at most one more than
        MAX_MATCHES, in their usual order), each with its consents that allow
        ``channel`` by the one check: one query for all.

        :return: rows ``(value, partner id, name, phone, mobile, consent id, type
            code, type name, date given, date expiry)``, the consent's columns
            NULL for a partner without a valid consent; for each value, in the
            partners' order, then the consents'
        """
        today = self.env.company._privacy_today()
        code, params, slot = self._check_query(kind, channel, today)
        params = list(params)
        params[slot] = list(values)
        # The cached query no longer says which fields to flush.
        self.env.flush_all()
        self.env.cr.execute(code, params)
        return self.env.cr.fetchall()

    @api.model
    @tools.ormcache(
        "self.env.uid",
        "self.env.su",
        "self.env.lang",
        "tuple(self.env.companies.ids)",
        "self.env.context.get('active_test', True)",
        "kind",
        "channel",
        "today",
    )
    def _check_query(self, kind, channel, today):
        """The query of :meth:`_check_rows`, compiled once by the ORM and kept in
        Odoo's cache: ``(code, params, slot)``, ``slot`` being the index of the
        param that takes the list of looked-up values.

        The partners are looked up for each value of the list (LATERAL), by the
        ORM's query for one value, in which the value becomes a reference to
        the list's element: one query answers for a single value as for a call
        list, on the same indexes.

        Both halves are the ORM's own queries, with the record rules: the
        partners of :meth:`_lookup_domain`, and the consents of
        ``res.partner._privacy_check`` (``privacy.partner.consent._valid_domain``)
        for those partners. Compiling them (domains, record rules, the companies'
        hierarchy) costs more than running them; what they depend on is the key
        of the cache: the user (groups and rules), its companies, the language of
        the type names, whether archived partners count, the channel and the day;
        Odoo clears the cache in every worker when groups, rules or access rights
        change. Everything else (partners, consents, consent types and their
        flags) is read by the query at each call.
        """
        # A value that the ORM puts in the params, where it is found afterwards.
        placeholder = -1 if kind == "partner_id" else "\x00privacy.telephony\x00"
        Partner = self.env["res.partner"]
        partners = Partner._search(
            self._lookup_domain(kind, placeholder),
            limit=MAX_MATCHES + 1,
            order=Partner._order,
        )
        Consent = self.env["privacy.partner.consent"]
        # One partner's consents, in the consents' order (partner, then type).
        consents = Consent._search(
            Consent._valid_domain(channel, today), order="type_id"
        )
        consents.add_where(
            SQL("%s = p.id", SQL.identifier(consents.table, "partner_id"))
        )
        Type = self.env["privacy.consent.type"]
        types = consents.left_join(
            consents.table, "type_id", Type._table, "id", "type_id"
        )
        partner_columns = [
            Partner._field_to_sql(partners.table, fname, partners)
            for fname in (
                "id",
                "complete_name",
                "privacy_phone_e164",
                "privacy_mobile_e164",
            )
        ]
        consent_columns = [
            model._field_to_sql(alias, fname, consents)
            for model, alias, fname in (
                (Consent, consents.table, "id"),
                (Type, types, "code"),
                (Type, types, "name"),
                (Consent, consents.table, "date_given"),
                (Consent, consents.table, "date_expiry"),
            )
        ]
        # Each half numbers its rows in its own order, kept by the outer query;
        # the partners' half is run for each value, the consents' half for each
        # partner found (LATERAL).
        rank = "ROW_NUMBER() OVER (ORDER BY %s)"
        partners_sql = partners.select(*partner_columns, SQL(rank, partners.order))
        # The looked-up value, in whichever form the ORM gave it (the list of
        # an IN, the value or its text), becomes the list's element.
        forms = (placeholder, str(placeholder), (placeholder,))
        params = [
            SQL("(v.value)") if param in forms else param
            for param in partners_sql.params
        ]
        if params == list(partners_sql.params):
            raise ValueError(f"The lookup by {kind} was not compiled as expected.")
        # Only the ORM's own code goes in: its params are passed as params.
        partners_sql = SQL(partners_sql.code, *params)  # pylint: disable=sql-injection
        values = object()
        sql = SQL(
            """
            SELECT v.value, p.id, p.name, p.phone, p.mobile,
                   c.id, c.code, c.name, c.given, c.expiry
              FROM unnest(%(values)s::%(type)s[]) WITH ORDINALITY AS v(value, rank)
             CROSS JOIN LATERAL (%(partners)s)
                        AS p(id, name, phone, mobile, rank)
              LEFT JOIN LATERAL (%(consents)s)
                        AS c(id, code, name, given, expiry, rank) ON TRUE
             ORDER BY v.rank, p.rank, c.rank
            """,
            values=values,
            type=SQL("integer" if kind == "partner_id" else "varchar"),
            partners=partners_sql,
            consents=consents.select(*consent_columns, SQL(rank, consents.order)),
        )
        return sql.code, sql.params, sql.params.index(values)

    @api.model
    @tools.ormcache("company_id")
    def _company_settings(self, company_id):
        """What the API needs of a company: the checks switched on (by the
        foundation's rule) and the country in which numbers are read, as ``(ISO
        code, dialing code)``.

        Kept in Odoo's cache, like the user's companies that Odoo reads at each
        request: the cache is cleared in every worker when a company's switches
        or country change (res.company and res.partner).
        """
        company = self.env["res.company"].browse(company_id).sudo()
        country = company.partner_id.country_id
        return {
            "checks": frozenset(
                check
                for check in SWITCHED_CHANNELS
                if company._privacy_check_active(check)
            ),
            "country": (country.code, country.phone_code),
        }

    @api.model
    def _check_active(self, channel):
        """Whether consent is checked on ``channel`` through the telephony API:
        the telephony switch, and the channel's own switch when it has one."""
        checks = self._company_settings(self.env.company.id)["checks"]
        return TELEPHONY_CHECK in checks and (
            channel not in SWITCHED_CHANNELS or channel in checks
        )

    @api.model
    def _check_answer(self, rows, matched_by, active):
        """The one check's answer for the partners of ``rows`` (see
        :meth:`_check_rows`), as plain data, but the objections and reasons
        (:meth:`_add_reason_details`); ``active``: whether consent is checked
        on the channel (:meth:`_check_active`)."""
        answers = {}
        for pid, name, *numbers, consent_id, code, type_name, given, expiry in rows:
            if pid not in answers:
                answers[pid] = {
                    "id": pid,
                    "name": name,
                    "matched_by": matched_by(numbers),
                    "allowed": not active,
                    "reason_required": active,
                    "consents": [],
                }
            if consent_id:
                answers[pid]["allowed"] = True
                answers[pid]["reason_required"] = False
                answers[pid]["consents"].append(
                    {
                        "type_code": code,
                        "type_name": type_name,
                        "date_given": given.isoformat(),
                        # False, Odoo's "empty", also goes through XML-RPC.
                        "date_expiry": expiry.isoformat() if expiry else False,
                    }
                )
        answers = list(answers.values())
        truncated = len(answers) > MAX_MATCHES
        answers = answers[:MAX_MATCHES]
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
            "reasons": [],
        }

    @api.model
    def _add_reason_details(self, channel, answers):
        """Complete the check's ``answers`` (of :meth:`_check_answer`): each
        partner needing a reason gets its objections and the reasons that may be
        used for it (:meth:`_reason_details`), the others none; each answer's
        ``reasons`` are those that may be used for all of its partners needing
        one (none when none does).

        Read once for the partners of all the answers (a call list's), since
        each partner's details are its own: as many queries for one answer as
        for a thousand.
        """
        needing = self.env["res.partner"].browse(
            {
                partner["id"]: None
                for answer in answers
                for partner in answer["partners"]
                if partner["reason_required"]
            }
        )
        details = self._reason_details(needing, channel) if needing else {}
        for answer in answers:
            partners = answer["partners"]
            for partner in partners:
                partner.update(
                    details.get(partner["id"]) or {"objections": [], "reasons": []}
                )
            own = [details[p["id"]] for p in partners if p["reason_required"]]
            if own:
                common = set.intersection(*(set(d["reasons"]) for d in own))
                answer["reasons"] = [c for c in own[0]["reasons"] if c in common]
