from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression


class ResPartner(models.Model):
    _inherit = "res.partner"

    gdpr_consent_ids = fields.One2many(
        "privacy.partner.consent",
        "partner_id",
        string="Consents",
        domain=[("type_id.active", "=", True)],
    )
    gdpr_consent_history_ids = fields.One2many(
        "privacy.consent.history", "partner_id", string="Consent history"
    )
    gdpr_contact_log_ids = fields.One2many(
        "privacy.contact.log", "partner_id", string="Contacts without consent"
    )
    gdpr_phone_e164 = fields.Char(
        string="Phone (E.164)",
        compute="_compute_gdpr_numbers_e164",
        store=True,
        index="btree_not_null",
        help="The phone number normalised to E.164, to find the partner by number.",
    )
    gdpr_mobile_e164 = fields.Char(
        string="Mobile (E.164)",
        compute="_compute_gdpr_numbers_e164",
        store=True,
        index="btree_not_null",
        help="The mobile number normalised to E.164, to find the partner by number.",
    )
    gdpr_request_date = fields.Datetime(
        string="Consent request sent on",
        readonly=True,
        copy=False,
        help="When the last consent request was sent to this contact.",
    )
    gdpr_answer_date = fields.Datetime(
        string="Consent answer received on",
        readonly=True,
        copy=False,
        help="When this contact last answered a consent request.",
    )
    gdpr_consent_editable = fields.Boolean(compute="_compute_gdpr_consent_editable")
    gdpr_allow_mass_mailing = fields.Boolean(
        string="May receive newsletters by e-mail",
        compute="_compute_gdpr_allowed",
        search="_search_gdpr_allow_mass_mailing",
    )
    gdpr_allow_sms = fields.Boolean(
        string="May receive SMS",
        compute="_compute_gdpr_allowed",
        search="_search_gdpr_allow_sms",
    )
    gdpr_consent_expired = fields.Boolean(
        string="Consent expired",
        compute="_compute_gdpr_consent_expired",
        search="_search_gdpr_consent_expired",
    )
    gdpr_no_answer = fields.Boolean(
        string="No consent answer",
        compute="_compute_gdpr_no_answer",
        search="_search_gdpr_no_answer",
    )

    @api.model_create_multi
    def create(self, vals_list):
        partners = super().create(vals_list)
        self.env["privacy.partner.consent"]._create_placeholders(partners=partners)
        return partners

    def write(self, vals):
        # Recording a consent is a privacy user's right, not a contact editor's:
        # the consent lines are written with the consent's own access rights.
        if "gdpr_consent_ids" in vals:
            vals = dict(vals)
            self._gdpr_write_consents(vals.pop("gdpr_consent_ids"))
            if not vals:
                return True
        return super().write(vals)

    def _gdpr_write_consents(self, commands):
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

    @api.depends("phone", "mobile", "country_id")
    def _compute_gdpr_numbers_e164(self):
        for partner in self:
            # Numbers without a country prefix are read in the partner's country,
            # else in the company's.
            country = partner.country_id or self.env.company.country_id
            partner.gdpr_phone_e164 = partner._privacy_e164(partner.phone, country)
            partner.gdpr_mobile_e164 = partner._privacy_e164(partner.mobile, country)

    @api.model
    def _privacy_e164(self, number, country=None):
        """``number`` in E.164 (+33612345678), or False when it cannot be parsed."""
        if not number:
            return False
        return self._phone_format(
            number=number,
            country=country or self.env.company.country_id,
            force_format="E164",
            raise_exception=False,
        )

    @api.depends_context("uid")
    def _compute_gdpr_consent_editable(self):
        # Only privacy users record consents; everybody else reads them.
        self.gdpr_consent_editable = self.env.user.has_group(
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
                "gdpr_consent_ids",
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
            ["partner_id"],
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

    @api.model
    def _privacy_number_domain(self, numbers):
        """Partners whose phone or mobile is one of ``numbers`` (E.164), found
        through the indexed normalised numbers."""
        numbers = list(numbers)
        return [
            "|",
            ("gdpr_phone_e164", "in", numbers),
            ("gdpr_mobile_e164", "in", numbers),
        ]

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

    def _compute_gdpr_allowed(self):
        allowed_mass_mailing = self._privacy_allowed("mass_mailing")
        allowed_sms = self._privacy_allowed("sms")
        for partner in self:
            partner.gdpr_allow_mass_mailing = partner in allowed_mass_mailing
            partner.gdpr_allow_sms = partner in allowed_sms

    def _search_gdpr_allow_mass_mailing(self, operator, value):
        return self._search_privacy_filter(
            self._privacy_consent_domain("mass_mailing"), operator, value
        )

    def _search_gdpr_allow_sms(self, operator, value):
        return self._search_privacy_filter(
            self._privacy_consent_domain("sms"), operator, value
        )

    @api.model
    def _expired_consent_domain(self):
        today = fields.Date.context_today(self)
        return [
            (
                "gdpr_consent_ids",
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

    def _compute_gdpr_consent_expired(self):
        expired = self.search([("id", "in", self.ids)] + self._expired_consent_domain())
        for partner in self:
            partner.gdpr_consent_expired = partner in expired

    def _search_gdpr_consent_expired(self, operator, value):
        return self._search_privacy_filter(
            self._expired_consent_domain(), operator, value
        )

    @api.model
    def _no_answer_domain(self):
        return [("gdpr_consent_ids", "not any", [("state", "!=", "none")])]

    def _compute_gdpr_no_answer(self):
        unanswered = self.search([("id", "in", self.ids)] + self._no_answer_domain())
        for partner in self:
            partner.gdpr_no_answer = partner in unanswered

    def _search_gdpr_no_answer(self, operator, value):
        return self._search_privacy_filter(self._no_answer_domain(), operator, value)

    @api.model
    def _search_privacy_filter(self, domain, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(f"Unsupported search: {operator} {value!r}")
        if (operator == "=") == value:
            return domain
        return [expression.NOT_OPERATOR, *expression.normalize_domain(domain)]
