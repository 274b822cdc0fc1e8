from datetime import date

from odoo import api, models

# France, Code de la consommation art. L223-1 as amended by the law of
# 30 June 2025: from this day a consumer may be called for marketing only with
# their prior consent, or about an ongoing contract.
FR_CONSUMER_CALLS_SINCE = date(2026, 8, 11)
FR_PREFIX = "+33"


class PrivacyCallRules(models.AbstractModel):
    """National rules on calling people without their consent to calls: a
    number in the Italian opposition register, a consumer in France. They
    refuse the contact reasons that rest neither on a contract nor on what is
    not marketing; a rule of ``privacy.contact.reason._refusals``."""

    _name = "privacy.call.rules"
    _description = "Privacy: national rules on calls"

    @api.model
    def _refusals(self, reasons, partners):
        """``{reason: {partner: why}}`` of the ones of ``reasons`` that may not
        be used to call some of ``partners``: a query on the register for all
        of them (what they read of ``partners``, their numbers and countries,
        ``privacy.contact.reason._refusals`` has fetched)."""
        refusing = reasons.filtered(lambda reason: not self._may_call(reason))
        if not refusing:
            return {}
        refused = self._register_refusals(partners)
        for partner, why in self._fr_consumer_refusals(partners).items():
            refused.setdefault(partner, why)
        return dict.fromkeys(refusing, refused) if refused else {}

    @api.model
    def _may_call(self, reason):
        """Whether ``reason`` may be used to call these people without their
        consent to calls: a contract, or what is not marketing on a legal
        obligation, vital interests or a public task."""
        return reason.legal_basis == "contract" or reason._overrides_objection()

    @api.model
    def _register_refusals(self, partners):
        """``{partner: why}`` of the ones of ``partners`` with a number in the
        Italian opposition register: one query on the register."""
        numbers = {
            number
            for partner in partners
            for number in (partner.privacy_phone_e164, partner.privacy_mobile_e164)
            if number
        }
        if not numbers:
            return {}
        entries = (
            self.env["privacy.opposition.register.entry"]
            .sudo()
            .search_fetch([("e164", "in", list(numbers))], ["e164", "date_registered"])
        )
        registered = {entry.e164: entry.date_registered for entry in entries}
        refused = {}
        for partner in partners:
            for number in (partner.privacy_phone_e164, partner.privacy_mobile_e164):
                if number in registered:
                    refused[partner] = self.env._(
                        "%(number)s is in the Italian opposition register since "
                        "%(date)s",
                        number=number,
                        date=self.env["privacy.contact.reason"]._day_text(
                            registered[number]
                        ),
                    )
                    break
        return refused

    @api.model
    def _fr_consumer_refusals(self, partners):
        """``{partner: why}`` of the consumers in France among ``partners``,
        once the rule is in force: people not linked to a company, of France
        (their own country or their commercial partner's) or with a French
        number. Read in batches with the partners, whatever their number."""
        if self.env.company._privacy_today() < FR_CONSUMER_CALLS_SINCE:
            return {}
        why = self.env._(
            "a consumer in France is called only with their consent or about an "
            "ongoing contract (Code de la consommation art. L223-1)"
        )
        # Odoo's France, by its id in Odoo's cache: reading the partners'
        # countries for their codes would cost a query.
        france = self.env["ir.model.data"]._xmlid_to_res_id(
            "base.fr", raise_if_not_found=False
        )
        return {
            partner: why
            for partner in partners
            if not partner.commercial_partner_id.is_company
            and self._is_french(partner, france)
        }

    @api.model
    def _is_french(self, partner, france):
        """Whether ``partner`` or its commercial partner is of France (the id
        ``france``), or one of its numbers is French."""
        countries = partner.country_id | partner.commercial_partner_id.country_id
        numbers = (partner.privacy_phone_e164, partner.privacy_mobile_e164)
        return france in countries.ids or any(
            number and number.startswith(FR_PREFIX) for number in numbers
        )
