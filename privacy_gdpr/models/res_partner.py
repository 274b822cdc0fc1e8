from odoo import Command, _, api, fields, models, tools
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression

from odoo.addons.phone_validation.tools import phone_validation

from .privacy_consent_request import OPEN_STATES, PREFERENCES_SCOPE


class ResPartner(models.Model):
    _inherit = "res.partner"

    privacy_consent_ids = fields.One2many(
        "privacy.partner.consent",
        "partner_id",
        string="Consents",
        domain=[("type_id.active", "=", True)],
    )
    privacy_consent_history_ids = fields.One2many(
        "privacy.consent.history", "partner_id", string="Consent history"
    )
    privacy_contact_log_ids = fields.One2many(
        "privacy.contact.log", "partner_id", string="Contacts without consent"
    )
    privacy_phone_e164 = fields.Char(
        string="Phone (E.164)",
        compute="_compute_privacy_numbers_e164",
        store=True,
        index="btree_not_null",
        help="The phone number normalised to E.164, to find the partner by number.",
    )
    privacy_mobile_e164 = fields.Char(
        string="Mobile (E.164)",
        compute="_compute_privacy_numbers_e164",
        store=True,
        index="btree_not_null",
        help="The mobile number normalised to E.164, to find the partner by number.",
    )
    # The telephony API finds partners by e-mail: index mail's normalised address.
    email_normalized = fields.Char(index="btree_not_null")
    privacy_request_date = fields.Datetime(
        string="Consent request sent on",
        readonly=True,
        copy=False,
        help="When the last consent request was sent to this contact.",
    )
    privacy_answer_date = fields.Datetime(
        string="Consent answer received on",
        readonly=True,
        copy=False,
        help="When this contact last answered a consent request.",
    )
    privacy_consent_editable = fields.Boolean(
        string="Can record consents", compute="_compute_privacy_consent_editable"
    )
    privacy_request_ids = fields.One2many(
        "privacy.consent.request", "partner_id", string="Consent requests"
    )
    privacy_allow_mass_mailing = fields.Boolean(
        string="May receive newsletters by e-mail",
        compute="_compute_privacy_allowed",
        search="_search_privacy_allow_mass_mailing",
    )
    privacy_allow_sms = fields.Boolean(
        string="May receive SMS",
        compute="_compute_privacy_allowed",
        search="_search_privacy_allow_sms",
    )
    privacy_consent_expired = fields.Boolean(
        string="Consent expired",
        compute="_compute_privacy_consent_expired",
        search="_search_privacy_consent_expired",
    )
    privacy_no_answer = fields.Boolean(
        string="No consent answer",
        compute="_compute_privacy_no_answer",
        search="_search_privacy_no_answer",
    )

    @api.model_create_multi
    def create(self, vals_list):
        partners = super().create(vals_list)
        self.env["privacy.partner.consent"]._create_placeholders(partners=partners)
        return partners

    def write(self, vals):
        # Recording a consent is a privacy user's right, not a contact editor's:
        # the consent lines are written with the consent's own access rights.
        if "privacy_consent_ids" in vals:
            vals = dict(vals)
            self._privacy_write_consents(vals.pop("privacy_consent_ids"))
            if not vals:
                return True
        result = super().write(vals)
        # The telephony API keeps each company's country in Odoo's cache.
        if "country_id" in vals and self.env["res.company"].sudo().search_count(
            [("partner_id", "in", self.ids)], limit=1
        ):
            self.env.registry.clear_cache()
        return result

    def _privacy_write_consents(self, commands):
        Consent = self.env["privacy.partner.consent"]
        for command in commands:
            if command[0] == Command.UPDATE:
                Consent.browse(command[1]).filtered(
                    lambda c: c.partner_id in self
                ).write(command[2])
            elif command[0] == Command.CREATE:
                Consent.create(
                    [dict(command[2], partner_id=partner.id) for partner in self]
                )
            elif command[0] != Command.LINK:
                raise UserError(
                    _(
                        "Consents are evidence: record a new state instead of "
                        "removing them."
                    )
                )

    @api.model
    def _search_display_name(self, operator, value):
        domain = super()._search_display_name(operator, value)
        # An import of consents names partners by e-mail, typed in any case.
        if self.env.context.get("privacy_partner_by_email") and operator == "=":
            email = isinstance(value, str) and tools.email_normalize(value)
            if email:
                domain = expression.OR([domain, [("email_normalized", "=", email)]])
        return domain

    @api.depends("phone", "mobile", "country_id")
    def _compute_privacy_numbers_e164(self):
        for partner in self:
            # Numbers without a country prefix are read in the partner's country,
            # else in the company's.
            country = partner.country_id or self.env.company.country_id
            partner.privacy_phone_e164 = partner._privacy_e164(partner.phone, country)
            partner.privacy_mobile_e164 = partner._privacy_e164(partner.mobile, country)

    @api.model
    def _privacy_e164(self, number, country=None):
        """``number`` in E.164 (+33612345678), or False when it cannot be parsed."""
        country = country or self.env.company.country_id
        return self._privacy_e164_region(number, country.code, country.phone_code)

    @api.model
    def _privacy_e164_region(self, number, country_code, phone_code):
        """:meth:`_privacy_e164` in the country of ISO code ``country_code`` and
        dialing code ``phone_code``, for callers that have them without reading
        the country."""
        if not number:
            return False
        try:
            return phone_validation.phone_format(
                number, country_code, phone_code, force_format="E164"
            )
        except UserError:
            return False

    @api.model
    def _privacy_number_domain(self, numbers):
        """Partners whose phone or mobile is one of ``numbers`` (E.164): on the
        indexed normalised columns, so PostgreSQL never scans the partners."""
        numbers = list(numbers)
        return [
            "|",
            ("privacy_phone_e164", "in", numbers),
            ("privacy_mobile_e164", "in", numbers),
        ]

    @api.depends_context("uid")
    def _compute_privacy_consent_editable(self):
        # Only privacy users record consents; everybody else reads them.
        self.privacy_consent_editable = self.env.user.has_group(
            "privacy_gdpr.group_privacy_user"
        )

    # ------------------------------------------------------------
    # The one check: everything that contacts someone asks here
    # ------------------------------------------------------------

    @api.model
    def _privacy_consent_domain(self, channel, date=None, consent_types=None):
        """Partners allowed on ``channel`` by a valid consent on ``date``.

        A domain that PostgreSQL evaluates as one subquery, whatever the number of
        partners; the same rule as :meth:`_privacy_check`.
        """
        return [
            (
                "privacy_consent_ids",
                "any",
                self.env["privacy.partner.consent"]._valid_domain(
                    channel, date, consent_types
                ),
            )
        ]

    def _privacy_check(self, channel, date=None, consent_types=None):
        """For each partner: is ``channel`` allowed on ``date``, and by which consents.

        :return: ``{partner_id: {"allowed": bool, "consents": consents}}`` where
            ``consents`` are the valid ``privacy.partner.consent`` records
        """
        Consent = self.env["privacy.partner.consent"]
        consents = Consent.search_fetch(
            [("partner_id", "in", self.ids)]
            + Consent._valid_domain(channel, date, consent_types),
            ["partner_id", "type_id", "date_given", "date_expiry"],
        )
        result = {
            partner.id: {"allowed": False, "consents": Consent} for partner in self
        }
        for consent in consents:
            answer = result[consent.partner_id.id]
            answer["allowed"] = True
            answer["consents"] |= consent
        return result

    def _privacy_needing_reason(self, channel):
        """The partners of ``self`` that may be contacted on ``channel`` only with
        a contact reason: those without a valid consent, when the check of that
        channel is switched on for the current company.
        """
        if not self.env.company._privacy_check_active(channel):
            return self.browse()
        return self - self._privacy_allowed(channel)

    def _privacy_allowed(self, channel, date=None, consent_types=None):
        """The partners of ``self`` allowed on ``channel``, in one query."""
        if not self:
            return self
        return self.search(
            [("id", "in", self.ids)]
            + self._privacy_consent_domain(channel, date, consent_types)
        )

    def _privacy_record_contact(self, channel, reason, **log_values):
        """Contact ``self`` on ``channel``: those without a valid consent (see
        :meth:`_privacy_needing_reason`) need ``reason``, a
        ``privacy.contact.reason``, and are logged with it.

        The one place where e-mails, SMS and calls check a reason and log.

        :param log_values: see ``privacy.contact.log._log_contacts``
        :return: the ``privacy.contact.log`` rows written
        :raise PrivacyReasonRequired: some need a reason and ``reason`` is empty
        :raise UserError: ``reason`` is archived
        """
        needing = self._privacy_needing_reason(channel)
        if needing:
            reason._check_usable_for(needing.mapped("display_name"), channel)
        return self.env["privacy.contact.log"]._log_contacts(
            needing, channel, reason, **log_values
        )

    def _privacy_contacted_partners(self, create=False):
        """The person contacted when calling or texting a contact: itself (see
        ``mail.thread``)."""
        self.ensure_one()
        return self

    def _privacy_withdraw(self, channel, method, note, consent_types=None):
        """Withdraw, as the person asked, the consents of ``self`` that are valid
        for ``channel`` (among ``consent_types`` when given).

        Each withdrawn consent gets its history row, saying how the withdrawal
        arrived (``method``) and why (``note``).

        :return: the withdrawn ``privacy.partner.consent`` records
        """
        Consent = self.env["privacy.partner.consent"]
        if not self:
            return Consent
        consents = Consent.search(
            [("partner_id", "in", self.ids)]
            + Consent._valid_domain(channel, consent_types=consent_types)
        )
        consents.write({"state": "withdrawn", "method": method, "note": note})
        return consents

    # ------------------------------------------------------------
    # Search filters
    # ------------------------------------------------------------

    def _compute_privacy_allowed(self):
        allowed_mass_mailing = self._privacy_allowed("mass_mailing")
        allowed_sms = self._privacy_allowed("sms")
        for partner in self:
            partner.privacy_allow_mass_mailing = partner in allowed_mass_mailing
            partner.privacy_allow_sms = partner in allowed_sms

    def _search_privacy_allow_mass_mailing(self, operator, value):
        return self._search_privacy_filter(
            self._privacy_consent_domain("mass_mailing"), operator, value
        )

    def _search_privacy_allow_sms(self, operator, value):
        return self._search_privacy_filter(
            self._privacy_consent_domain("sms"), operator, value
        )

    @api.model
    def _expired_consent_domain(self):
        today = fields.Date.context_today(self)
        return [
            (
                "privacy_consent_ids",
                "any",
                [
                    "|",
                    ("state", "=", "expired"),
                    "&",
                    ("state", "=", "given"),
                    ("date_expiry", "<=", today),
                ],
            )
        ]

    def _compute_privacy_consent_expired(self):
        expired = self.search([("id", "in", self.ids)] + self._expired_consent_domain())
        for partner in self:
            partner.privacy_consent_expired = partner in expired

    def _search_privacy_consent_expired(self, operator, value):
        return self._search_privacy_filter(
            self._expired_consent_domain(), operator, value
        )

    @api.model
    def _no_answer_domain(self):
        return [("privacy_consent_ids", "not any", [("state", "!=", "none")])]

    def _compute_privacy_no_answer(self):
        unanswered = self.search([("id", "in", self.ids)] + self._no_answer_domain())
        for partner in self:
            partner.privacy_no_answer = partner in unanswered

    def _search_privacy_no_answer(self, operator, value):
        return self._search_privacy_filter(self._no_answer_domain(), operator, value)

    @api.model
    def _search_privacy_filter(self, domain, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(f"Unsupported search: {operator} {value!r}")
        if (operator == "=") == value:
            return domain
        return [expression.NOT_OPERATOR, *expression.normalize_domain(domain)]

    # ------------------------------------------------------------
    # Consent requests
    # ------------------------------------------------------------

    def action_privacy_send_consent_request(self):
        """The "Send consent request" button of the contact form."""
        skipped = self._privacy_request_skip_reasons()
        if skipped:
            partner = self.browse(next(iter(skipped)))
            raise UserError(
                _(
                    "No consent request can be sent to %(partner)s: %(reason)s.",
                    partner=partner.display_name,
                    reason=skipped[partner.id],
                )
            )
        self._privacy_send_consent_requests()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": _(
                    "Consent request sent to %(emails)s.",
                    emails=", ".join(self.mapped("email")),
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _privacy_request_skip_reasons(self):
        """``{partner_id: reason}`` for the partners no request can be sent to."""
        reasons = {}
        for partner in self:
            if not partner.email:
                reasons[partner.id] = _("no e-mail address")
            elif not partner.email_normalized:
                reasons[partner.id] = _("invalid e-mail address")
            elif partner.is_blacklisted:
                reasons[partner.id] = _("e-mail address in the blacklist")
        return reasons

    def _privacy_send_consent_requests(self, origin="request"):
        """E-mail each partner a consent request with a new signed link.

        Earlier links of these partners stop working. A request sent again by
        hand (``origin`` "request" to a partner who already received one) also
        resets the partner's answers to "no answer", the history keeping them;
        a renewal (``origin`` "renewal") leaves the answers valid until they
        expire.

        :return: the requests created
        """
        if not self.env.su and not self.env.user._is_internal():
            raise AccessError(_("Only employees can send consent requests."))
        if not self:
            return self.env["privacy.consent.request"]
        if origin == "request":
            self.filtered("privacy_request_date")._privacy_reset_consents()
        requests = self.env["privacy.consent.request"]._create_for_partners(
            self, origin
        )
        self.sudo().write({"privacy_request_date": fields.Datetime.now()})
        template = (
            "privacy_gdpr.mail_template_consent_renewal"
            if origin == "renewal"
            else "privacy_gdpr.mail_template_consent_request"
        )
        for consent_request in requests:
            consent_request._post_on_partner(template)
        return requests

    def _privacy_reset_consents(self):
        """Set every answer of these partners back to "no answer"."""
        consents = (
            self.env["privacy.partner.consent"]
            .sudo()
            .search([("partner_id", "in", self.ids), ("state", "!=", "none")])
        )
        consents.with_context(
            privacy_history_values={
                "note": _("Reset: a new consent request was sent"),
            }
        ).write(
            {
                "state": "none",
                "method": False,
                "date_given": False,
                "proof_date": False,
                "proof_ip": False,
                "proof_user_agent": False,
                "proof_text": False,
            }
        )

    def _privacy_consent_request(self):
        """The request whose link the partner may use now (as superuser)."""
        self.ensure_one()
        return (
            self.env["privacy.consent.request"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", self.id),
                    ("state", "in", OPEN_STATES),
                    ("origin", "!=", "preferences"),
                ],
                limit=1,
            )
        )

    def _privacy_consent_request_url(self):
        """The link of the current consent request, for the e-mail template."""
        consent_request = self._privacy_consent_request()
        return consent_request._get_url() if consent_request else ""

    def _privacy_consent_confirm_request(self):
        """The request whose double opt-in confirmation is awaited."""
        self.ensure_one()
        return (
            self.env["privacy.consent.request"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", self.id),
                    ("state", "in", OPEN_STATES),
                    ("confirm_type_ids", "!=", False),
                    ("date_confirmed", "=", False),
                ],
                order="confirm_date_expiry desc, id desc",
                limit=1,
            )
        )

    def _privacy_consent_confirm_url(self):
        """The double opt-in confirmation link, for the e-mail template."""
        consent_request = self._privacy_consent_confirm_request()
        return consent_request._get_confirm_url() if consent_request else ""

    def _privacy_preferences_url(self, company=None):
        """The partner's long-lived link to the preference page.

        For the footer of marketing e-mails: the person changes or withdraws
        consents there at any time. The link never expires and is signed with
        the database secret (HMAC-SHA256), so it cannot be guessed or forged;
        it stops working when the partner is deleted. The answers are recorded
        for ``company`` (default: the partner's, else the current one).
        """
        self.ensure_one()
        company = company or self.company_id or self.env.company
        token = self.env["privacy.consent.request"]._sign(
            PREFERENCES_SCOPE, [self.id, company.id]
        )
        return f"{self.get_base_url()}/privacy/preferences/{token}"

    @api.model
    def _privacy_from_preferences_token(self, token):
        """The partner and company (as superuser) of a preference link, or two
        empty recordsets when the link is forged or the partner deleted."""
        values = self.env["privacy.consent.request"]._verify(PREFERENCES_SCOPE, token)
        Company = self.env["res.company"].sudo()
        if (
            not values
            or len(values) != 2
            or not all(isinstance(value, int) for value in values)
        ):
            return self.browse(), Company
        partner = self.sudo().browse(values[0]).exists()
        company = Company.browse(values[1]).exists()
        if not partner or not company:
            return self.browse(), Company
        return partner, company
