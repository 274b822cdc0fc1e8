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
    def _revoked_consent_sql(self, consent_alias, revoked=True):
        """SQL saying whether the consent ``consent_alias`` was given before one
        of its partner's numbers was registered (``revoked``), or not.

        Registering a number withdraws the consents to calls given before
        (Italian law 5/2018, art. 1). Written as ``EXISTS`` on each number, so
        that PostgreSQL joins the register by its unique index for a few
        consents, or hashes it for many.
        """
        Consent = self.env["privacy.partner.consent"]
        Partner = self.env["res.partner"]

        def column(alias, model, fname):
            return SQL.identifier(alias, fname, to_flush=model._fields[fname])

        exists = [
            SQL(
                """EXISTS (
                    SELECT 1
                      FROM %(partners)s p
                      JOIN %(register)s r ON r.e164 = %(number)s
                     WHERE p.id = %(partner)s AND %(registered)s > %(given)s
                )""",
                partners=SQL.identifier(Partner._table),
                register=SQL.identifier(self._table),
                number=column("p", Partner, fname),
                partner=column(consent_alias, Consent, "partner_id"),
                registered=column("r", self, "date_registered"),
                given=column(consent_alias, Consent, "date_given"),
            )
            for fname in ("privacy_phone_e164", "privacy_mobile_e164")
        ]
        if revoked:
            return SQL("(%s)", SQL(" OR ").join(exists))
        return SQL("(%s)", SQL(" AND ").join(SQL("NOT %s", sql) for sql in exists))
