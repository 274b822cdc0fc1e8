from odoo import api, fields, models, tools
from odoo.exceptions import AccessError
from odoo.osv import expression

from .privacy_consent_request import PERSONAL_LINK


class ResPartner(models.Model):
    """A contact's consents and how to reach it. The rules live in the
    addon's own models: the one check in ``privacy.partner.consent``, consent
    requests in ``privacy.consent.request``, the contact log in
    ``privacy.contact.log``."""

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
    privacy_request_ids = fields.One2many(
        "privacy.consent.request", "partner_id", string="Consent requests"
    )
    privacy_subject_request_count = fields.Integer(
        string="Data subject requests",
        compute="_compute_privacy_subject_request_count",
        groups="privacy_gdpr.group_privacy_user",
    )
    # Stored and indexed, so that a partner is found by number without a scan.
    privacy_phone_e164 = fields.Char(
        string="Phone (E.164)",
        compute="_compute_privacy_numbers_e164",
        store=True,
        index="btree_not_null",
    )
    privacy_mobile_e164 = fields.Char(
        string="Mobile (E.164)",
        compute="_compute_privacy_numbers_e164",
        store=True,
        index="btree_not_null",
    )
    # The telephony API finds partners by e-mail: index mail's normalised address.
    email_normalized = fields.Char(index="btree_not_null")
    privacy_request_date = fields.Datetime(
        string="Consent request sent on", readonly=True, copy=False
    )
    privacy_answer_date = fields.Datetime(
        string="Consent answer received on", readonly=True, copy=False
    )
    privacy_anonymised_date = fields.Datetime(
        string="Anonymised on", readonly=True, copy=False, index="btree_not_null"
    )
    privacy_consent_editable = fields.Boolean(
        string="Can record consents", compute="_compute_privacy_consent_editable"
    )
    # Search filters of the contact list, by the one check's rule.
    privacy_allow_mass_mailing = fields.Boolean(
        string="May receive newsletters by e-mail",
        compute="_compute_privacy_filters",
        search="_search_privacy_allow_mass_mailing",
    )
    privacy_allow_sms = fields.Boolean(
        string="May receive SMS",
        compute="_compute_privacy_filters",
        search="_search_privacy_allow_sms",
    )
    privacy_consent_expired = fields.Boolean(
        string="Consent expired",
        compute="_compute_privacy_filters",
        search="_search_privacy_consent_expired",
    )
    privacy_no_answer = fields.Boolean(
        string="No consent answer",
        compute="_compute_privacy_filters",
        search="_search_privacy_no_answer",
    )

    @api.model_create_multi
    def create(self, vals_list):
        partners = super().create(vals_list)
        # With consent management off everywhere, creating a contact costs
        # nothing more: its lines come when it is switched on (res.company).
        if self.env["res.company"]._privacy_enabled_anywhere():
            self.env["privacy.partner.consent"]._create_placeholders(partners=partners)
            # An address or number of an erased person: its objection stands.
            self.env["privacy.suppression"]._apply_to(partners)
        return partners

    def write(self, vals):
        if "privacy_consent_ids" in vals:
            # Recording a consent is a privacy user's right, not a contact
            # editor's: the lines are written with the consent's own rights.
            vals = dict(vals)
            self.env["privacy.partner.consent"]._write_from_partners(
                self, vals.pop("privacy_consent_ids")
            )
            if not vals:
                return True
        result = super().write(vals)
        if {"email", "phone", "mobile"} & vals.keys():
            self.env["privacy.suppression"]._apply_to(self)
        # Odoo's cache keeps each company's country (the telephony API) and
        # time zone (its reference day).
        if {"country_id", "tz"} & vals.keys() and self.env[
            "res.company"
        ].sudo().search_count([("partner_id", "in", self.ids)], limit=1):
            self.env.registry.clear_cache()
        return result

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
        Telephony = self.env["privacy.telephony"]
        for partner in self:
            # Numbers without a country prefix are read in the partner's
            # country, else in the company's.
            country = partner.country_id or self.env.company.country_id
            partner.privacy_phone_e164 = Telephony._e164(partner.phone, country)
            partner.privacy_mobile_e164 = Telephony._e164(partner.mobile, country)

    @api.depends_context("uid")
    def _compute_privacy_consent_editable(self):
        self.privacy_consent_editable = self.env.user.has_group(
            "privacy_gdpr.group_privacy_user"
        )

    @api.model
    def _privacy_number_domain(self, numbers):
        """Partners whose phone or mobile is one of ``numbers`` (E.164)."""
        numbers = list(numbers)
        return [
            "|",
            ("privacy_phone_e164", "in", numbers),
            ("privacy_mobile_e164", "in", numbers),
        ]

    # ------------------------------------------------------------
    # The one check (see privacy.partner.consent)
    # ------------------------------------------------------------

    @api.model
    def _privacy_consent_domain(self, channel, date=None, consent_types=None):
        return self.env["privacy.partner.consent"]._partner_domain(
            channel, date, consent_types
        )

    def _privacy_check(self, channel, date=None, consent_types=None):
        return self.env["privacy.partner.consent"]._check_partners(
            self, channel, date, consent_types
        )

    def _privacy_allowed(self, channel, date=None, consent_types=None):
        return self.env["privacy.partner.consent"]._allowed_partners(
            self, channel, date, consent_types
        )

    def _privacy_needing_reason(self, channel):
        """Those of ``self`` that need a contact reason on ``channel``: without a
        valid consent, when the channel's check is on for the current company."""
        if not self.env.company._privacy_check_active(channel):
            return self.browse()
        return self - self._privacy_allowed(channel)

    def _privacy_record_contact(self, channel, reason, **log_values):
        return self.env["privacy.contact.log"]._record_contact(
            self, channel, reason, **log_values
        )

    def _privacy_withdraw(self, channel, event, consent_types=None):
        return self.env["privacy.partner.consent"]._withdraw_partners(
            self, channel, event, consent_types
        )

    def _privacy_contacted_partners(self, create=False):
        """The person contacted when calling or texting a contact: itself (see
        ``mail.thread``)."""
        self.ensure_one()
        return self

    def _compute_privacy_filters(self):
        for fname, domain in self._privacy_filter_domains().items():
            matching = self.search([("id", "in", self.ids)] + domain)
            for partner in self:
                partner[fname] = partner in matching

    def _privacy_filter_domains(self):
        Consent = self.env["privacy.partner.consent"]
        return {
            "privacy_allow_mass_mailing": Consent._partner_domain("mass_mailing"),
            "privacy_allow_sms": Consent._partner_domain("sms"),
            "privacy_consent_expired": Consent._expired_partner_domain(),
            "privacy_no_answer": Consent._unanswered_partner_domain(),
        }

    def _search_privacy_allow_mass_mailing(self, operator, value):
        return self._search_privacy_filter(
            "privacy_allow_mass_mailing", operator, value
        )

    def _search_privacy_allow_sms(self, operator, value):
        return self._search_privacy_filter("privacy_allow_sms", operator, value)

    def _search_privacy_consent_expired(self, operator, value):
        return self._search_privacy_filter("privacy_consent_expired", operator, value)

    def _search_privacy_no_answer(self, operator, value):
        return self._search_privacy_filter("privacy_no_answer", operator, value)

    @api.model
    def _search_privacy_filter(self, fname, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(f"Unsupported search: {operator} {value!r}")
        domain = self._privacy_filter_domains()[fname]
        if (operator == "=") == value:
            return domain
        return [expression.NOT_OPERATOR, *expression.normalize_domain(domain)]

    # ------------------------------------------------------------
    # Consent requests (see privacy.consent.request)
    # ------------------------------------------------------------

    def _compute_privacy_subject_request_count(self):
        counts = dict(
            self.env["privacy.subject.request"]._read_group(
                [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.privacy_subject_request_count = counts.get(partner, 0)

    def action_privacy_subject_requests(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "privacy_gdpr.privacy_subject_request_action"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

    def action_privacy_dossier_xlsx(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/privacy/dossier/{self.id}/xlsx",
            "target": "download",
        }

    def action_privacy_send_consent_request(self):
        """The "Send consent request" button of the contact form."""
        return self.env["privacy.consent.request"]._action_send(self)

    def _privacy_consent_request_url(self):
        """The link of the current consent request, for the e-mail template.

        A placeholder: the copy of the e-mail in the chatter, which every
        employee reads, must not carry a link that answers in the person's
        name. The e-mail sent to the person gets the real link
        (:meth:`_notify_by_email_render_layout`).
        """
        return PERSONAL_LINK["consent"] if self._privacy_consent_request() else ""

    def _privacy_consent_request(self):
        """The request whose link the partner may use now, for the template."""
        return self.env["privacy.consent.request"]._current_for(self)

    def _privacy_consent_confirm_url(self):
        """The double opt-in confirmation link, for the e-mail template: a
        placeholder, like :meth:`_privacy_consent_request_url`."""
        Request = self.env["privacy.consent.request"]
        return (
            PERSONAL_LINK["confirm"] if Request._awaiting_confirmation_for(self) else ""
        )

    def _privacy_record_web_consents(self, answers, proof):
        """Record the boxes this contact ticked on a web form (see
        ``privacy.consent.request._record_web_form``). Every model a web form
        may create and that can hold consents answers this method."""
        self.ensure_one()
        return self.env["privacy.consent.request"]._record_web_form(
            self, answers, proof
        )

    @api.model
    def _privacy_find_by_email(self, email):
        """The oldest contact with ``email``, compared normalised (as sudo)."""
        normalized = tools.email_normalize(email)
        if not normalized:
            return self.sudo().browse()
        return self.sudo().search(
            [("email_normalized", "=", normalized)], order="id", limit=1
        )

    @api.model
    def _privacy_find_or_create_by_email(self, email, name=None, lang=None):
        """The oldest contact with ``email``, else a new one: the person who
        gave consents on a form that creates no contact."""
        return self._privacy_find_by_email(email) or self.sudo().create(
            {"name": name or email, "email": email, "lang": lang or False}
        )

    def _privacy_preferences_url(self, company=None):
        """The partner's link to the preference page for marketing e-mails (see
        ``privacy.consent.request._preferences_url``)."""
        return self.env["privacy.consent.request"]._preferences_url(self, company)

    def _notify_get_recipients_groups(self, message, model_description, msg_vals=None):
        groups = super()._notify_get_recipients_groups(
            message, model_description, msg_vals=msg_vals
        )
        return self.env["privacy.consent.request"]._personal_link_groups(
            self, groups, message, msg_vals
        )

    def _notify_by_email_render_layout(
        self, message, recipients_group, msg_vals=False, render_values=None
    ):
        body = super()._notify_by_email_render_layout(
            message, recipients_group, msg_vals=msg_vals, render_values=render_values
        )
        return self.env["privacy.consent.request"]._personal_links_in(
            self, body, recipients_group
        )

    def unlink(self):
        # Erasure: the database's cascade deletes consents and history, not the
        # files of their proof documents. The objection stays, hashed (merged
        # contacts live on in the one they were merged into).
        self.env["privacy.partner.consent"]._unlink_proof_documents(self)
        merged = (
            self.env["privacy.partner.alias"]
            .sudo()
            .search([("old_partner_id", "in", self.ids)])
        )
        self.env["privacy.suppression"]._suppress(
            set(self.ids) - set(merged.mapped("old_partner_id")), "erasure"
        )
        return super().unlink()

    def action_privacy_anonymise(self):
        """The "Anonymise" button: the identity goes, the proof of consents and
        objections stays (Privacy Managers)."""
        if not self.env.user.has_group("privacy_gdpr.group_privacy_manager"):
            raise AccessError(self.env._("Only Privacy Managers anonymise contacts."))
        Erasure = self.env["privacy.erasure"]
        Erasure._check_anonymisable(self)
        Erasure._anonymise(self.ids)
        return True
