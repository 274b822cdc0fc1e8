from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools.misc import format_date

from ..channels import CHANNEL_FIELDS, LOGGED_CHANNELS
from ..exceptions import PrivacyReasonRefused, PrivacyReasonRequired

LEGAL_BASES = [
    ("contract", "Contract"),
    ("legal_obligation", "Legal obligation"),
    ("vital_interests", "Vital interests"),
    ("public_task", "Public task"),
    ("legitimate_interests", "Legitimate interests"),
    ("consent", "Consent"),
]
# The legal bases that still allow contacting a person who objected to direct
# marketing (GDPR art. 21(3)), for what is not marketing.
OBJECTION_PROOF_BASES = (
    "contract",
    "legal_obligation",
    "vital_interests",
    "public_task",
)
# Conditions on the person that a reason checks instead of trusting who claims it.
CONDITIONS = [
    ("none", "None"),
    ("recent_customer", "Recent customer"),
    ("business", "Business contact"),
]
# Where e-mails and SMS to businesses need consent as to anyone (Italy: Codice
# privacy art. 130 has no exception for legal persons).
NO_B2B_EMAIL_COUNTRIES = ("IT",)
# The channels of electronic mail, in the sense of the ePrivacy directive.
ELECTRONIC_MAIL_CHANNELS = ("email", "sms")


class PrivacyContactReason(models.Model):
    """Why a person may be contacted without a valid consent (GDPR art. 6)."""

    _name = "privacy.contact.reason"
    _inherit = ["privacy.code.mixin", "privacy.audit.mixin"]
    _description = "Contact Reason"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    description = fields.Text(translate=True)
    legal_basis = fields.Selection(
        LEGAL_BASES,
        string="GDPR legal basis",
        required=True,
        default="legitimate_interests",
        help="Lawful basis of the processing, GDPR article 6(1).",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    is_marketing = fields.Boolean(
        string="Direct marketing",
        help="Contacts for this reason promote products or services. After a "
        "person objected (refused or withdrew a consent for the channel), only "
        "reasons that are not marketing, on the basis of a contract, a legal "
        "obligation, vital interests or a public task, may be used (GDPR "
        "art. 21(3)).",
    )
    allow_email = fields.Boolean(string="Usable for e-mails", default=True)
    allow_sms = fields.Boolean(string="Usable for SMS", default=True)
    allow_call = fields.Boolean(string="Usable for calls", default=True)
    country_ids = fields.Many2many(
        "res.country",
        "privacy_contact_reason_country_rel",
        "reason_id",
        "country_id",
        string="Countries",
        help="Countries of the people this reason may be used for (their own or "
        "their company's). Empty: all countries.",
    )
    condition = fields.Selection(
        CONDITIONS,
        string="Checked condition",
        required=True,
        default="none",
        help="Recent customer: only for people (or their company) with a "
        "confirmed order or a posted customer invoice in the months set in "
        "Settings > Privacy (ePrivacy art. 13(2)). Business contact: only for "
        "companies and contacts of companies, never for e-mails and SMS to "
        "people in Italy.",
    )

    @api.model
    def _contract_reason(self):
        """The reason logged for documents sent under a contract: the shipped
        "Performance of a contract", else the first active one on that basis."""
        reason = self.env.ref(
            "privacy_gdpr.contact_reason_contract", raise_if_not_found=False
        )
        if reason and reason.active:
            return reason
        return self.search([("legal_basis", "=", "contract")], limit=1)

    @api.model
    def _from_context(self):
        """The contact reason and note given by the user for the current contact.

        The reason dialog passes them in the context (``privacy_contact_reason_id``,
        ``privacy_contact_note``), so that they travel with the RPC that contacts.

        :return: ``(reason, note)``, ``reason`` empty when none was given
        """
        value = self.env.context.get("privacy_contact_reason_id")
        try:
            reason = self.browse(int(value or 0)).exists()
        except (TypeError, ValueError):
            reason = self.browse()
        return reason, self.env.context.get("privacy_contact_note") or False

    # ------------------------------------------------------------
    # Which people a reason may be used for
    # ------------------------------------------------------------

    @api.model
    def _active_reasons(self):
        """The active reasons, with what the rules of :meth:`_refusals` read of
        them: one query for their columns, one for their countries."""
        return self.search_fetch(
            [("active", "=", True)],
            [
                "code",
                "legal_basis",
                "is_marketing",
                "condition",
                "country_ids",
                *(CHANNEL_FIELDS[channel] for channel, _label in LOGGED_CHANNELS),
            ],
        )

    def _refusals(self, partners, channel, objections=None):
        """Which of ``partners`` each reason of ``self`` may not be used for on
        ``channel``, and why: the one decision, for the checks at sending, the
        reasons offered by the dialogs and the telephony API.

        Set-based: each rule of :meth:`_refusal_rules` reads what it needs of
        all the partners in a few queries, for all the reasons at once.

        :param channel: a logged channel (email, sms, call)
        :param objections: the objections of ``partners`` on ``channel``
            (``privacy.partner.consent._objections``) when the caller has read
            them already; else they are read if a reason needs them
        :return: ``{reason: {partner: why}}`` with every reason of ``self``;
            a reason whose dict is empty may be used for all of ``partners``
        """
        refusals = {reason: {} for reason in self}
        if not partners:
            return refusals
        # What the rules read of the people and their companies, in one query
        # (and one for the companies of contacts), without the other columns
        # of res_partner that reading one field would fetch.
        partners.fetch(
            [
                "country_id",
                "commercial_partner_id",
                "is_company",
                "privacy_phone_e164",
                "privacy_mobile_e164",
            ]
        )
        # Fetching what is cached already would still check the record rules
        # on it: only the companies of contacts are fetched.
        (partners.commercial_partner_id - partners).fetch(["country_id", "is_company"])
        for rule in self._refusal_rules():
            for reason, refused in rule(partners, channel, objections).items():
                for partner, why in refused.items():
                    # The first rule that refuses says why.
                    refusals[reason].setdefault(partner, why)
        return refusals

    def _refusal_rules(self):
        """The rules of :meth:`_refusals`, in order: methods of the reasons
        ``self`` taking ``(partners, channel, objections)`` (``objections``:
        see :meth:`_refusals`) and returning ``{reason: {partner: why}}`` for
        the reasons that refuse some partners. Add a rule by extending this
        list."""
        return [
            self._refuse_channel,
            self._refuse_country,
            self._refuse_after_objection,
            self._refuse_not_customer,
            self._refuse_not_business,
            self._refuse_by_call_rules,
        ]

    @api.model
    def _channel_label(self, channel):
        field = self.env["privacy.contact.log"]._fields["channel"]
        return dict(field._description_selection(self.env))[channel]

    @api.model
    def _day_text(self, day):
        """``day`` written for the texts of the refusals, in their language:
        the context's, English without one (the user's would be read for the
        date alone)."""
        return format_date(self.env, day, lang_code=self.env.lang or "en_US")

    @api.model
    def _partner_countries(self, partners):
        """``{partner: country}``: the partner's own, else its company's."""
        return {
            partner: partner.country_id or partner.commercial_partner_id.country_id
            for partner in partners
        }

    def _refuse_channel(self, partners, channel, objections):
        why = self.env._(
            "the reason is not used for %(channel)s",
            channel=self._channel_label(channel),
        )
        return {
            reason: dict.fromkeys(partners, why)
            for reason in self
            if not reason[CHANNEL_FIELDS[channel]]
        }

    def _refuse_country(self, partners, channel, objections):
        restricted = self.filtered("country_ids")
        if not restricted:
            return {}
        countries = self._partner_countries(partners)
        refused = {
            reason: {
                partner: country
                for partner, country in countries.items()
                if country not in reason.country_ids
            }
            for reason in restricted
        }
        # The names of the countries refused only: reading them costs a query.
        whys = {
            country: self.env._(
                "the reason is not used in %(country)s",
                country=country.name or self.env._("an unknown country"),
            )
            for country in {
                country
                for by_partner in refused.values()
                for country in by_partner.values()
            }
        }
        return {
            reason: {partner: whys[country] for partner, country in by_partner.items()}
            for reason, by_partner in refused.items()
        }

    def _overrides_objection(self):
        """Whether this reason still allows contacting a person who objected
        to direct marketing on the channel (GDPR art. 21(3))."""
        self.ensure_one()
        return not self.is_marketing and self.legal_basis in OBJECTION_PROOF_BASES

    def _refuse_after_objection(self, partners, channel, objections):
        refusing = self.filtered(lambda reason: not reason._overrides_objection())
        if not refusing:
            return {}
        texts = self._objection_texts(partners, channel, objections)
        refused = {
            partner: self.env._("objected: %(answers)s", answers=answers)
            for partner, answers in texts.items()
        }
        return dict.fromkeys(refusing, refused) if refused else {}

    @api.model
    def _objection_texts(self, partners, channel, objections=None):
        """``{partner: text}`` of the ones of ``partners`` who objected on
        ``channel``: what they refused or withdrew, and since when.

        :param objections: their objections (``_objections``), when read already
        """
        Consent = self.env["privacy.partner.consent"]
        if objections is None:
            objections = Consent._objections(partners, channel)
        states = dict(Consent._fields["state"]._description_selection(self.env))
        return {
            partner: ", ".join(
                self.env._(
                    "%(type)s %(state)s on %(date)s",
                    type=consent.type_id.name,
                    state=states[consent.state].lower(),
                    date=self._day_text(consent._objection_day()),
                )
                for consent in consents
            )
            for partner, consents in objections.grouped("partner_id").items()
        }

    @api.model
    def _recent_customer_domains(self, since):
        """Domains on ``res.partner`` of the customers of the current company
        with a document since the day ``since`` that makes them customers
        (a confirmed order, a posted invoice): the addons of these documents
        add theirs. None without them: the "recent customer" reasons cannot
        be used."""
        return []

    @api.model
    def _customer_since(self):
        """The first day of the documents that make a customer recent."""
        # The current company's own setting, without its record rules.
        company = self.env.company.sudo()
        return company._privacy_today() - relativedelta(
            months=company.privacy_customer_months
        )

    @api.model
    def _recent_customers(self, partners):
        """The ones of ``partners`` that are, or whose commercial entity is, a
        recent customer (:meth:`_recent_customer_domains`): one query."""
        domains = self._recent_customer_domains(self._customer_since())
        if not domains:
            return partners.browse()
        commercial = partners.commercial_partner_id
        # Whoever asks, the documents say who is a customer.
        customers = (
            self.env["res.partner"]
            .sudo()
            .with_context(active_test=False)
            .search_fetch(
                expression.AND(
                    [
                        [("commercial_partner_id", "in", commercial.ids)],
                        expression.OR(domains),
                    ]
                ),
                ["commercial_partner_id"],
            )
        )
        ids = set(customers.commercial_partner_id.ids)
        return partners.filtered(lambda p: p.commercial_partner_id.id in ids)

    def _refuse_not_customer(self, partners, channel, objections):
        checking = self.filtered(lambda r: r.condition == "recent_customer")
        if not checking:
            return {}
        refused = partners - self._recent_customers(partners)
        why = self.env._(
            "no confirmed order nor posted customer invoice since %(date)s",
            date=self._day_text(self._customer_since()),
        )
        return dict.fromkeys(checking, dict.fromkeys(refused, why))

    def _refuse_not_business(self, partners, channel, objections):
        checking = self.filtered(lambda r: r.condition == "business")
        if not checking:
            return {}
        not_business = self.env._("not a company nor a contact of a company")
        refused = {
            partner: not_business
            for partner in partners
            if not partner.commercial_partner_id.is_company
        }
        if channel in ELECTRONIC_MAIL_CHANNELS:
            why = self.env._(
                "in Italy, e-mails and SMS to businesses need consent (Codice "
                "privacy art. 130)"
            )
            for partner in partners:
                codes = {
                    partner.country_id.code,
                    partner.commercial_partner_id.country_id.code,
                }
                if codes & set(NO_B2B_EMAIL_COUNTRIES):
                    refused.setdefault(partner, why)
        return dict.fromkeys(checking, refused)

    def _refuse_by_call_rules(self, partners, channel, objections):
        """National rules on calls (``privacy.call.rules``): the Italian
        opposition register, consumers in France."""
        if channel != "call":
            return {}
        return self.env["privacy.call.rules"]._refusals(self, partners)

    @api.model
    def _usable_reasons(self, partners, channel, strangers=False):
        """The active reasons that may be used for all of ``partners`` on
        ``channel``, and for people who are not contacts yet when
        ``strangers``."""
        reasons = self._active_reasons()
        refusals = reasons._refusals(partners, channel)
        return reasons.filtered(
            lambda reason: (
                not refusals[reason]
                and (not strangers or reason._usable_for_strangers(channel))
            )
        )

    def _usable_for_strangers(self, channel):
        """Whether this reason may be offered for people who are not contacts
        yet: nothing is known of them, so only a reason for the channel that
        checks nothing of the person. (Their contact is created when they are
        contacted, and :meth:`_check_usable_for` decides then.)"""
        self.ensure_one()
        return (
            self[CHANNEL_FIELDS[channel]]
            and self.condition == "none"
            and not self.country_ids
        )

    def _check_usable_for(self, partners, channel, names=()):
        """Refuse to contact ``partners`` on ``channel`` unless ``self`` is an
        active contact reason that may be used for all of them.

        :param partners: the people without a valid consent
        :param names: names of other people without one (not contacts yet),
            for the message
        :raise PrivacyReasonRequired: when ``self`` is empty
        :raise UserError: when ``self`` is archived
        :raise PrivacyReasonRefused: when ``self`` may not be used for some
        """
        channel_label = self._channel_label(channel)
        if not self:
            raise PrivacyReasonRequired(
                self.env._(
                    "A contact reason is required to contact %(people)s (%(channel)s): "
                    "they have not given a valid consent.",
                    people=", ".join([*partners.mapped("display_name"), *names]),
                    channel=channel_label,
                )
            )
        self.ensure_one()
        if not self.active:
            raise UserError(
                self.env._(
                    "The contact reason “%(reason)s” is archived: choose another one.",
                    reason=self.name,
                )
            )
        refused = self._refusals(partners, channel)[self]
        if refused:
            raise PrivacyReasonRefused(
                self.env._(
                    "The contact reason “%(reason)s” cannot be used (%(channel)s) "
                    "for: %(people)s.",
                    reason=self.name,
                    channel=channel_label,
                    people="; ".join(
                        f"{partner.display_name} ({why})"
                        for partner, why in refused.items()
                    ),
                ),
                refused,
            )
