from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import freeze_time, tagged

from odoo.addons.privacy_gdpr.tests.common import PrivacyCase


@tagged("post_install", "-at_install")
class TestMailingRetention(PrivacyCase):
    """A click in a mailing is activity: it delays the retention limit."""

    def test_a_click_delays_the_limit(self):
        company = self.env["res.company"].create({"name": "Maison Durand"})
        self.env["res.company"].search([]).privacy_retention_months = 600
        company.privacy_retention_months = 36
        clicked, silent = self.env["res.partner"].create(
            [{"name": name, "company_id": company.id} for name in ("Clicked", "Silent")]
        )
        mailing = self.env["mailing.mailing"].create(
            {
                "subject": "Our news",
                "body_html": "<p>Hello</p>",
                "mailing_model_id": self.env["ir.model"]._get_id("res.partner"),
            }
        )
        now = fields.Datetime.now()
        self.env["mailing.trace"].create(
            [
                {
                    "mass_mailing_id": mailing.id,
                    "model": "res.partner",
                    "res_id": partner.id,
                    "email": "x@example.com",
                    "links_click_datetime": now + relativedelta(months=20)
                    if partner == clicked
                    else False,
                }
                for partner in (clicked, silent)
            ]
        )
        Candidate = self.env["privacy.retention.candidate"]
        with freeze_time(now + relativedelta(months=37)):
            Candidate._cron_retention()
        listed = Candidate.search([("company_id", "=", company.id)]).partner_id
        self.assertEqual(listed, silent)
