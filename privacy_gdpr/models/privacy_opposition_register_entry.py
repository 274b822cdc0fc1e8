from odoo import api, fields, models
from odoo.tools import SQL, format_date

# Where the date of the last import of the register's answer is kept: the
# register is national, one for every company of the database.
IMPORT_DATE_PARAM = "privacy_gdpr.opposition_register_import_date"
# Italian rules (DPR 26/2022): the register is consulted again at least every
# 15 days; an older answer is stale.
REGISTER_VALIDITY_DAYS = 15
# The Registro pubblico delle opposizioni lists Italian numbers only.
REGISTER_PREFIX = "+39"


class PrivacyOppositionRegisterEntry(models.Model):
    """A number listed in the Italian opposition register (Registro pubblico
    delle opposizioni), with the day its owner registered it.

    Imported in bulk from the register's answer file
    (``privacy.opposition.import``). A registered number cannot be called on
    legitimate interests, and the consents to calls given before the
    registration no longer count.
    """

    _name = "privacy.opposition.register.entry"
    _description = "Opposition Register Entry"
    _order = "date_registered desc, id desc"
    _rec_name = "e164"

    e164 = fields.Char(string="Number (E.164)", required=True, readonly=True)
    date_registered = fields.Date(string="Registered on", required=True, readonly=True)

    # The unique index also serves the lookups of the call check.
    _sql_constraints = [
        ("e164_unique", "UNIQUE(e164)", "A number is listed once in the register."),
    ]

    @api.model
    def _last_import_date(self):
        """When the register's answer was last imported (a datetime), or None."""
        value = self.env["ir.config_parameter"].sudo().get_param(IMPORT_DATE_PARAM)
        return fields.Datetime.to_datetime(value) if value else None

    @api.model
    def _is_stale(self):
        """Whether the last import is older than the register's validity, or
        there was none."""
        last = self._last_import_date()
        if not last:
            return True
        today = self.env.company._privacy_today()
        last_day = self.env.company._privacy_today(now=last)
        return (today - last_day).days > REGISTER_VALIDITY_DAYS

    @api.model
    def _calls_register_numbers(self, numbers):
        """Whether one of the E.164 ``numbers`` is one the register may list."""
        return any(number and number.startswith(REGISTER_PREFIX) for number in numbers)

    @api.model
    def _stale_warning(self):
        """What to tell who calls an Italian number when the register's answer
        is missing or stale, else False."""
        if not self._is_stale():
            return False
        last = self._last_import_date()
        if not last:
            return self.env._(
                "The Italian opposition register was never imported: import its "
                "answer before calling Italian numbers."
            )
        return self.env._(
            "The Italian opposition register was last imported on %(date)s, more "
            "than %(days)s days ago: import its new answer before calling Italian "
            "numbers.",
            date=format_date(self.env, self.env.company._privacy_today(now=last)),
            days=REGISTER_VALIDITY_DAYS,
        )

    @api.model
    def _partner_numbers_sql(self, partner_alias):
        """The E.164 numbers of the partner ``partner_alias``, as SQL."""
        Partner = self.env["res.partner"]
        return [
            SQL.identifier(partner_alias, fname, to_flush=Partner._fields[fname])
            for fname in ("privacy_phone_e164", "privacy_mobile_e164")
        ]

    @api.model
    def _revoked_call_consents_sql(self):
        """Subquery of the consents given before the registration of one of
        their partner's numbers: registering a number withdraws the consents to
        calls given until then (Italian law 5/2018, art. 1).

        Driven by the register: its numbers, the partners having them (indexed
        numbers), their consents (indexed by partner), whatever the number of
        partners in the database.
        """
        Consent = self.env["privacy.partner.consent"]
        registered = SQL.identifier(
            "r", "date_registered", to_flush=self._fields["date_registered"]
        )
        given = SQL.identifier(
            "c", "date_given", to_flush=Consent._fields["date_given"]
        )
        partner = SQL.identifier(
            "c", "partner_id", to_flush=Consent._fields["partner_id"]
        )
        return SQL(
            "(%s)",
            SQL(" UNION ALL ").join(
                SQL(
                    """SELECT c.id
                     FROM %(register)s r
                     JOIN %(partners)s p ON %(number)s = r.e164
                     JOIN %(consents)s c ON %(partner)s = p.id
                    WHERE %(given)s < %(registered)s""",
                    register=SQL.identifier(self._table),
                    partners=SQL.identifier(self.env["res.partner"]._table),
                    consents=SQL.identifier(Consent._table),
                    number=number,
                    partner=partner,
                    given=given,
                    registered=registered,
                )
                for number in self._partner_numbers_sql("p")
            ),
        )
