import pytz

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..channels import SWITCHED_CHANNELS

# Documents that apps e-mail to their customer as part of a contract, often from
# their own "Send" wizards, which cannot ask for a contact reason.
DEFAULT_CONTRACT_MODELS = (
    "account.move,account.payment,sale.order,purchase.order,stock.picking,"
    "pos.order,repair.order"
)


class ResCompany(models.Model):
    _inherit = "res.company"

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

    @api.constrains("privacy_request_validity_days", "privacy_renewal_days")
    def _check_privacy_request_days(self):
        for company in self:
            if (
                company.privacy_request_validity_days < 1
                or company.privacy_renewal_days < 1
            ):
                raise ValidationError(
                    _(
                        "The validity of consent request links and the renewal "
                        "notice must be at least one day."
                    )
                )

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
        try:
            tz = pytz.timezone(self.sudo().partner_id.tz or "UTC")
        except pytz.UnknownTimeZoneError:
            tz = pytz.utc
        return pytz.utc.localize(now or fields.Datetime.now()).astimezone(tz).date()

    def _privacy_check_active(self, check):
        """Whether the consent check ``check`` (see SWITCHED_CHANNELS) applies."""
        self.ensure_one()
        if check not in SWITCHED_CHANNELS:
            raise ValueError(f"Unknown privacy check: {check!r}")
        return self.privacy_enabled and self[f"privacy_check_{check}"]

    def _privacy_contract_model_names(self):
        self.ensure_one()
        return {
            name.strip()
            for name in (self.privacy_contract_models or "").split(",")
            if name.strip()
        }
