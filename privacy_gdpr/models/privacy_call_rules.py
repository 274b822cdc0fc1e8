from datetime import date

from odoo import api, models
from odoo.osv import expression

# France, Code de la consommation art. L223-1 as amended by the law of
# 30 June 2025: from this day a consumer may be called for marketing only with
# their prior consent, or about an ongoing contract.
FR_CONSUMER_CALLS_SINCE = date(2026, 8, 11)
FR_PREFIX = "+33"
# The legal bases a reason may rest on to call a French consumer without their
# consent to calls: the contract, and what is not marketing at all.
FR_CONSUMER_BASES = ("contract", "legal_obligation", "vital_interests", "public_task")
# Italy: a number listed in the opposition register refuses calls resting on
# the caller's legitimate interests.
REGISTER_REFUSED_BASES = ("legitimate_interests",)


class PrivacyCallRules(models.AbstractModel):
    """National rules on calling people without their consent to calls, as
    domains on partners: the partners for whom a contact reason may not be
    used. PostgreSQL evaluates them as subqueries, whatever the number of
    partners."""

    _name = "privacy.call.rules"
    _description = "Privacy: national rules on calls"

    @api.model
    def _refused_partner_domain(self, reason):
        """Partners who may not be called for ``reason`` (a contact reason):
        Italian numbers in the opposition register on legitimate interests,
        consumers in France but on a contract or for what is not marketing."""
        domains = []
        if reason.legal_basis in REGISTER_REFUSED_BASES:
            domains.append(
                self.env[
                    "privacy.opposition.register.entry"
                ]._registered_partner_domain()
            )
        if (
            reason.legal_basis not in FR_CONSUMER_BASES
            and self.env.company._privacy_today() >= FR_CONSUMER_CALLS_SINCE
        ):
            domains.append(self._fr_consumer_domain())
        return expression.OR(domains) if domains else expression.FALSE_DOMAIN

    @api.model
    def _fr_consumer_domain(self):
        """Consumers in France: people not linked to a company, of France (their
        own country or their commercial partner's) or with a French number."""
        return [
            ("is_company", "=", False),
            ("commercial_partner_id.is_company", "=", False),
            "|",
            "|",
            ("country_id.code", "=", "FR"),
            ("commercial_partner_id.country_id.code", "=", "FR"),
            "|",
            ("privacy_phone_e164", "=like", f"{FR_PREFIX}%"),
            ("privacy_mobile_e164", "=like", f"{FR_PREFIX}%"),
        ]

    @api.model
    def _refused_partners(self, partners, reason):
        """The ones of ``partners`` who may not be called for ``reason``, in one
        query."""
        if not partners or not reason:
            return partners.browse()
        return partners.with_context(active_test=False).search(
            [("id", "in", partners.ids)] + self._refused_partner_domain(reason)
        )
