import io
import re

from odoo.tests import HttpCase, tagged
from odoo.tools.pdf import PdfReader

from odoo.addons.privacy_gdpr.tests.common import PrivacyCase


@tagged("post_install", "-at_install")
class TestSaleReportPdf(HttpCase, PrivacyCase):
    """The quotation as the customer receives it: a real PDF made by
    wkhtmltopdf (which fetches the report's assets from this test's HTTP
    server), with the customer's contact preferences printed in it.

    Without wkhtmltopdf the test fails: ``make setup`` installs it.

    Debian's wkhtmltopdf (built on an unpatched Qt) draws the text of a web
    font (Lato, the reports' default, and every font a company can choose) as
    outlines: the PDF looks right but holds no text to extract. The test sets
    the document in the system's sans-serif font, whose text wkhtmltopdf
    embeds as text."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create(
            {"name": "Luca Verdi", "email": "luca@example.it", "lang": "en_US"}
        )
        product = cls.env["product.product"].create(
            {"name": "Privacy audit", "list_price": 100.0}
        )
        cls.env["ir.ui.view"].create(
            {
                "name": "privacy_gdpr_sale test: reports in a system font",
                "type": "qweb",
                "inherit_id": cls.env.ref("web.minimal_layout").id,
                "arch": """
                    <xpath expr="//head" position="inside">
                        <style>
                            body, body * { font-family: sans-serif !important; }
                        </style>
                    </xpath>
                """,
            }
        )
        cls.order = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "order_line": [(0, 0, {"product_id": product.id})],
            }
        )

    def render_pdf(self, report_ref, records):
        """The report as wkhtmltopdf prints it, and not the HTML that Odoo
        returns instead while tests run."""
        content, report_type = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(report_ref, records.ids)
        )
        self.assertEqual(report_type, "pdf")
        return content

    def test_quotation_pdf_shows_preferences(self):
        self.assertEqual(
            self.env["ir.actions.report"].get_wkhtmltopdf_state(),
            "ok",
            "wkhtmltopdf is missing or unusable: run `make setup` "
            "(apt-get install wkhtmltopdf)",
        )
        self.give(self.customer, self.type_newsletter)
        self.env["privacy.partner.consent"].create(
            {
                "partner_id": self.customer.id,
                "type_id": self.type_sms.id,
                "state": "refused",
            }
        )
        content = self.render_pdf("sale.action_report_saleorder", self.order)

        self.assertTrue(content.startswith(b"%PDF-"), content[:200])
        reader = PdfReader(io.BytesIO(content))
        self.assertGreater(len(reader.pages), 0)
        # The text of the pages, its white space folded (wkhtmltopdf breaks
        # lines where the layout does).
        text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
        self.assertIn(self.order.name, text)
        self.assertIn("Your contact preferences", text)
        for consent_type, state in (
            (self.type_newsletter, "Given"),
            (self.type_sms, "Refused"),
            (self.type_post, "No answer (refused)"),
        ):
            # "<type>: <state>", a space or not before the colon (two spans).
            self.assertRegex(
                text, rf"{re.escape(consent_type.name)} ?: {re.escape(state)}"
            )
        self.assertIn("You can change them at any time", text)
