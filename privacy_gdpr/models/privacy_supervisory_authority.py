from odoo import fields, models


class PrivacySupervisoryAuthority(models.Model):
    """A data-protection supervisory authority, to which people may complain
    (GDPR art. 13(2)(d), 77): the one of the person's country is named in the
    information shown with every consent."""

    _name = "privacy.supervisory.authority"
    _description = "Data Protection Supervisory Authority"
    _order = "name"

    name = fields.Char(required=True)
    country_id = fields.Many2one("res.country", required=True, ondelete="restrict")
    complaint_url = fields.Char(
        string="How to complain",
        help="The page of the authority that explains how to lodge a complaint.",
    )

    _sql_constraints = [
        (
            "country_unique",
            "UNIQUE(country_id)",
            "A country has one supervisory authority.",
        ),
    ]
