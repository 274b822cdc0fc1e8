import pytz

from odoo import _, api, fields, models, tools
from odoo.exceptions import ValidationError

from ..channels import SWITCHED_CHANNELS

# Documents that apps e-mail to their customer as part of a contract, often from
# their own "Send" wizards, which cannot ask for a contact reason.
DEFAULT_CONTRACT_MODELS = (
    "account.move,account.payment,sale.order,purchase.order,stock.picking,"
    "pos.order,repair.order"
)


class ResCompany(models.Model):
    _name = "res.company"
    _inherit = ["res.company", "privacy.audit.mixin"]
    # The switches and settings of Settings > Privacy are audited, not the
    # creation of companies.
    _privacy_audit_lifecycle = False

    privacy_enabled = fields.Boolean(string="Consent management", default=True)
    privacy_check_email = fields.Boolean(
        string="Single e-mails ask for a reason", default=True
    )
    privacy_check_mass_mailing = fields.Boolean(
        string="Mass mailings filter recipients", default=True
    )
    privacy_check_call = fields.Boolean(
        string="Calls and telephony check consent", default=True
    )
    privacy_check_sms = fields.Boolean(string="SMS ask for a reason", default=True)
    privacy_contract_models = fields.Char(
        string="Documents sent under a contract",
        default=DEFAULT_CONTRACT_MODELS,
        help="Technical names of the documents, separated by commas, whose e-mails "
        "to their own customer rest on the contract: they are logged with the "
        "contract reason instead of asking for one.",
    )
    privacy_request_validity_days = fields.Integer(
        string="Consent request links valid for (days)",
        default=7,
        help="Days during which the link of a consent request e-mail (and of a "
        "double opt-in confirmation) can be used.",
    )
    privacy_renewal_enabled = fields.Boolean(
        string="Renewal requests",
        help="Send a consent request to contacts whose consents expire soon.",
    )
    privacy_renewal_days = fields.Integer(
        string="Days before expiry",
        default=30,
        help="How many days before a consent expires the renewal request is sent.",
    )
    privacy_preferences_link_days = fields.Integer(
        string="Preference links of marketing e-mails valid for (days)",
        default=180,
        help="Days during which the link to the preference page in the footer "
        "of a marketing e-mail can be used, from the day the e-mail was sent.",
    )
    privacy_customer_months = fields.Integer(
        string="Customers are recent for (months)",
        default=36,
        help="The reasons for existing customers may be used for people (or "
        "their company) with a confirmed order or a posted customer invoice "
        "within these months, and who did not object (ePrivacy art. 13(2)).",
    )
    # The information given with every consent (GDPR art. 13).
    privacy_controller_identity = fields.Text(
        string="Data controller",
        help="Who decides why and how personal data is processed, and how to "
        "reach them. Empty: the company's name and address.",
    )
    privacy_policy_url = fields.Char(
        string="Privacy policy",
        help="Link to the privacy policy, shown with every consent asked.",
    )
    privacy_dpo_contact = fields.Char(
        string="Data protection officer",
        help="How to reach the data protection officer: name, e-mail address or "
        "postal address. Empty: none is named.",
    )

    # Storage limitation (art. 5(1)(e)): the CNIL keeps prospects three years
    # after their last contact.
    privacy_retention_months = fields.Integer(
        string="Keep prospects (months)",
        default=36,
        help="Months after their last activity (an answer, a message, an order, "
        "a click) after which contacts with no order, invoice or open lead are "
        "past the retention limit.",
    )
    privacy_retention_auto = fields.Boolean(
        string="Anonymise automatically",
        help="The daily scheduled action anonymises the contacts past the limit, "
        "and clears the IP addresses of old proofs. Off: it only lists them.",
    )
    privacy_retention_notice = fields.Boolean(
        string="Last consent request",
        help="Send a consent request to the contacts reaching the limit within "
        "a month.",
    )
    privacy_evidence_months = fields.Integer(
        string="Keep IP addresses of proofs (months)",
        default=60,
        help="Months after which the IP addresses and user agents kept as proof "
        "of answers are cleared (when anonymising automatically).",
    )

    @api.constrains(
        "privacy_request_validity_days",
        "privacy_renewal_days",
        "privacy_preferences_link_days",
        "privacy_customer_months",
    )
    def _check_privacy_request_days(self):
        for company in self:
            if (
                company.privacy_request_validity_days < 1
                or company.privacy_renewal_days < 1
                or company.privacy_preferences_link_days < 1
            ):
                raise ValidationError(
                    _(
                        "The validity of consent request and preference links and "
                        "the renewal notice must be at least one day."
                    )
                )
            if company.privacy_customer_months < 1:
                raise ValidationError(
                    _("Customers must be recent for at least one month.")
                )

    @api.constrains("privacy_retention_months", "privacy_evidence_months")
    def _check_privacy_retention_months(self):
        for company in self:
            if (
                company.privacy_retention_months < 2
                or company.privacy_evidence_months < 1
            ):
                raise ValidationError(
                    _(
                        "Prospects are kept at least two months (a last consent "
                        "request goes a month before), and IP addresses of proofs "
                        "at least one month."
                    )
                )

    @api.model
    def _privacy_audit_fields(self):
        return [
            name
            for name, field in self._fields.items()
            if name.startswith("privacy_") and field.store
        ]

    def cache_invalidation_fields(self):
        # The telephony API keeps each company's switches and country in Odoo's
        # cache (privacy.telephony._company_settings).
        return super().cache_invalidation_fields() | {
            "privacy_enabled",
            "country_id",
            "partner_id",
            *(f"privacy_check_{check}" for check in SWITCHED_CHANNELS),
        }

    def _privacy_today(self, now=None):
        """The reference day of the company: today (or the day of ``now``, a UTC
        datetime) in the time zone of the company's partner, else UTC.

        The one check, the preference page, the scheduled action, the
        constraints and the exports all ask this day, so that an answer does not
        depend on who asks around midnight (``fields.Date.context_today`` falls
        back on the time zone of the user).
        """
        self.ensure_one()
        tz = pytz.timezone(self._privacy_timezone())
        return pytz.utc.localize(now or fields.Datetime.now()).astimezone(tz).date()

    @tools.ormcache("self.id")
    def _privacy_timezone(self):
        """The name of the company's time zone: its partner's, else UTC.

        Kept in Odoo's cache (the one check asks it at every call, the
        telephony API at every request); cleared when the time zone of a
        company's partner changes (res.partner) or the company gets another
        partner (``cache_invalidation_fields``).
        """
        tz = self.sudo().partner_id.tz
        return tz if tz in pytz.all_timezones_set else "UTC"

    def _privacy_check_active(self, check):
        """Whether the consent check ``check`` (see SWITCHED_CHANNELS) applies.

        Asked by every post in a chatter and every composer: answered from
        Odoo's cache, without reading the company (see :meth:`_privacy_switches`).
        """
        self.ensure_one()
        if check not in SWITCHED_CHANNELS:
            raise ValueError(f"Unknown privacy check: {check!r}")
        enabled, checks = self._privacy_switches().get(self.id, (False, ()))
        return enabled and check in checks

    @api.model
    def _privacy_check_active_here(self, check):
        """Whether the consent check ``check`` applies in the current company.

        When it is off in every company the current company is not even
        read: finding it may cost a query (the user's company).
        """
        return any(
            enabled and check in checks
            for enabled, checks in self._privacy_switches().values()
        ) and self.env.company._privacy_check_active(check)

    @api.model
    def _privacy_enabled_anywhere(self):
        """Whether consent management is on in at least one company."""
        return any(enabled for enabled, _checks in self._privacy_switches().values())

    @api.model
    @tools.ormcache()
    def _privacy_switches(self):
        """The switches of Settings > Privacy of every company, kept in Odoo's
        cache (cleared when one changes, see ``cache_invalidation_fields``):
        ``{company_id: (consent management on, checks switched on)}``.

        Reading them on the company record would cost the hot paths of mail a
        query whenever the company is not in the cache yet.
        """
        check_fields = {f"privacy_check_{check}": check for check in SWITCHED_CHANNELS}
        companies = (
            self.sudo()
            .with_context(active_test=False)
            .search_fetch([], ["privacy_enabled", *check_fields])
        )
        return {
            company.id: (
                company.privacy_enabled,
                frozenset(
                    check for fname, check in check_fields.items() if company[fname]
                ),
            )
            for company in companies
        }

    @api.model_create_multi
    def create(self, vals_list):
        enabled_before = self._privacy_enabled_anywhere()
        companies = super().create(vals_list)
        # Odoo clears its cache before inserting the companies: the switches
        # may have been cached meanwhile (their partners' creation asks them).
        self.env.registry.clear_cache()
        if not enabled_before and any(companies.mapped("privacy_enabled")):
            self.env["privacy.partner.consent"]._create_placeholders()
        return companies

    def write(self, vals):
        # Contacts created while consent management was off everywhere have no
        # consent lines (see res.partner.create): switched on, they get them.
        catch_up = vals.get("privacy_enabled") and not self._privacy_enabled_anywhere()
        result = super().write(vals)
        if catch_up:
            self.env["privacy.partner.consent"]._create_placeholders()
        return result

    # ------------------------------------------------------------
    # The information given with every consent (GDPR art. 13)
    # ------------------------------------------------------------

    def _privacy_authority(self, country=None):
        """The supervisory authority of ``country`` (the person's), else of the
        company's country; empty when neither has one."""
        self.ensure_one()
        Authority = self.env["privacy.supervisory.authority"].sudo()
        for candidate in (country, self.sudo().country_id):
            if candidate:
                authority = Authority.search([("country_id", "=", candidate.id)])
                if authority:
                    return authority
        return Authority

    def _privacy_notice(self, country=None, purposes=()):
        """What people are told with every consent asked, in the language of the
        environment: who the controller is, the data protection officer, the
        purposes, the right to withdraw at any time and how, the right to
        complain to the supervisory authority of ``country`` (the person's),
        the privacy policy.

        :param purposes: the names of the consents asked
        :return: ``{"lines": [{"key", "text", "url"}], "text"}``: ``text`` is
            the plain text of the lines, kept as proof with each consent
        """
        self.ensure_one()
        company = self.sudo()
        controller = (company.privacy_controller_identity or "").strip()
        lines = [
            (
                "controller",
                _(
                    "Data controller: %(controller)s.",
                    controller=controller or company._privacy_default_controller(),
                ),
                None,
            ),
            company.privacy_dpo_contact
            and (
                "dpo",
                _(
                    "Data protection officer: %(contact)s.",
                    contact=company.privacy_dpo_contact,
                ),
                None,
            ),
            purposes
            and (
                "purposes",
                _(
                    "Purposes: %(purposes)s; each only with your consent, which you "
                    "are free to refuse.",
                    purposes="; ".join(purposes),
                ),
                None,
            ),
            (
                "withdraw",
                _(
                    "You can withdraw your consent at any time, as easily as you "
                    "gave it: from the link at the bottom of our e-mails, or by "
                    "writing to %(contact)s. Withdrawing does not affect what was "
                    "done before with your consent.",
                    contact=company.email or company.display_name,
                ),
                None,
            ),
            company._privacy_complaint_line(country),
            company.privacy_policy_url
            and ("policy", _("Our privacy policy:"), company.privacy_policy_url),
        ]
        lines = [
            {"key": key, "text": text, "url": url}
            for key, text, url in filter(None, lines)
        ]
        return {
            "lines": lines,
            "text": "\n".join(
                " ".join(filter(None, (line["text"], line["url"]))) for line in lines
            ),
        }

    def _privacy_default_controller(self):
        """The company's name and address, on one line."""
        partner = self.partner_id
        address = partner._display_address(without_company=True)
        parts = [self.name, *address.splitlines()]
        return ", ".join(part.strip() for part in parts if part and part.strip())

    def _privacy_complaint_line(self, country):
        authority = self._privacy_authority(country)
        if not authority:
            return (
                "complaint",
                _(
                    "You have the right to lodge a complaint with the data "
                    "protection supervisory authority of your country."
                ),
                None,
            )
        return (
            "complaint",
            _(
                "You have the right to lodge a complaint with %(authority)s:",
                authority=authority.name,
            )
            if authority.complaint_url
            else _(
                "You have the right to lodge a complaint with %(authority)s.",
                authority=authority.name,
            ),
            authority.complaint_url,
        )

    def _privacy_notice_html(self, record):
        """The information of :meth:`_privacy_notice`, as HTML, for an e-mail
        about ``record`` (a contact, a lead): in the language it is rendered
        in, with the authority of its country."""
        self.ensure_one()
        lang = record.env.lang
        company = self.with_context(lang=lang)
        consent_types = (
            company.env["privacy.consent.type"]
            .sudo()
            .search([("company_id", "in", [False, self.id])])
        )
        country = record.country_id if "country_id" in record._fields else None
        notice = company._privacy_notice(country, consent_types.mapped("name"))
        return company.env["ir.qweb"]._render(
            "privacy_gdpr.privacy_notice", {"notice": notice}
        )

    def _privacy_contract_model_names(self):
        self.ensure_one()
        return {
            name.strip()
            for name in (self.privacy_contract_models or "").split(",")
            if name.strip()
        }
