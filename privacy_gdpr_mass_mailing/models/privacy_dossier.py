from odoo import api, models

TRACE_FIELDS = (
    "create_date",
    "mass_mailing_id",
    "trace_type",
    "email",
    "trace_status",
    "failure_type",
    "sent_datetime",
)


class PrivacyDossier(models.AbstractModel):
    _inherit = "privacy.dossier"

    @api.model
    def _dossier_extra_sections(self, partner):
        """The marketing messages sent to the person, and those cancelled for
        lack of consent (failure "No valid consent")."""
        # Read as superuser: Privacy Users need not be mailing users to answer
        # the person's request; the dossier itself is theirs only.
        section = self.sudo()._dossier_section(
            "mailing_traces",
            self.env._("Messages sent by mailings"),
            "mailing.trace",
            self._dossier_trace_domain(partner),
            self._dossier_trace_fields(),
            "create_date, id",
        )
        return [*super()._dossier_extra_sections(partner), section]

    @api.model
    def _dossier_trace_domain(self, partner):
        """The traces of messages sent to the person: as a contact, or to their
        address (as a mailing list contact)."""
        domain = [("model", "=", "res.partner"), ("res_id", "=", partner.id)]
        if partner.email_normalized:
            domain = ["|", ("email", "=", partner.email_normalized), *domain]
        return domain

    @api.model
    def _dossier_trace_fields(self):
        return TRACE_FIELDS
