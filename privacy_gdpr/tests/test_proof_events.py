import base64
from datetime import timedelta

from lxml import etree

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, tagged

from ..events import PrivacyEvent
from .common import PrivacyCase

SCAN = base64.b64encode(b"%PDF-1.4 signed consent form")


@tagged("post_install", "-at_install")
class TestStaffEntries(PrivacyCase):
    """What staff record: an answer with how it was obtained and its proof."""

    def test_oral_written_phone_need_a_reference_or_a_document(self):
        consent = self.consent(self.partner, self.type_call)
        for method in ("oral", "written", "phone"):
            with self.subTest(method=method), self.assertRaises(ValidationError):
                consent.write(
                    {"state": "given", "method": method, "date_given": self.today}
                )
        self.assertEqual(consent.state, "none")
        consent.write(
            {
                "state": "given",
                "method": "phone",
                "date_given": self.today,
                "proof_reference": "CALL-2026-0042",
            }
        )
        row = consent.sudo().history_ids
        self.assertEqual(
            (row.source, row.user_id, row.method, row.proof_reference),
            ("staff", self.env.user, "phone", "CALL-2026-0042"),
        )
        # A document does as well as a reference; e-mail and SMS need neither.
        sms = self.consent(self.partner, self.type_sms)
        sms.write(
            {
                "state": "given",
                "method": "written",
                "date_given": self.today,
                "proof_document": SCAN,
                "proof_document_name": "form.pdf",
            }
        )
        self.assertEqual(
            base64.b64decode(sms.sudo().history_ids.proof_document),
            base64.b64decode(SCAN),
        )
        self.give(self.partner, self.type_email, method="email")

    def test_staff_cannot_record_what_events_record(self):
        consent = self.consent(self.partner, self.type_email)
        for vals in (
            {"state": "given", "method": "web_form", "date_given": self.today},
            {"state": "given", "method": "import", "date_given": self.today},
            {"state": "pending", "method": "email"},
            {"state": "expired", "method": "email"},
        ):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                consent.write(vals)
        self.give(self.partner, self.type_email, method="email")
        with self.assertRaises(UserError):
            consent.write({"state": "none"})
        self.assertEqual(consent.state, "given")
        # A reference is the proof of an answer, not a correction of it.
        with self.assertRaises(UserError):
            consent.write({"proof_reference": "REC-LATER"})

    def test_each_row_carries_its_own_proof(self):
        """A "yes" on the page, then a withdrawal entered by staff: the
        withdrawal is the staff member's, without the page's IP or agent."""
        consent = self.consent(self.partner, self.type_newsletter)
        consent._privacy_record(
            PrivacyEvent("page", ip="192.0.2.10", user_agent="Agent A", text="Yes"),
            {"state": "given", "method": "web_form", "date_given": self.today},
        )
        consent.with_user(self.user_privacy).write(
            {"state": "withdrawn", "method": "email"}
        )
        consent = consent.sudo()
        withdrawal, answer = consent.history_ids
        self.assertEqual(
            (withdrawal.source, withdrawal.user_id, withdrawal.proof_user_agent),
            ("staff", self.user_privacy, False),
        )
        self.assertFalse(consent.proof_user_agent or consent.proof_ip)
        self.assertEqual(consent.user_id, self.user_privacy)
        self.assertEqual(
            (answer.source, answer.proof_user_agent, answer.proof_ip),
            ("page", "Agent A", "192.0.2.10"),
        )

    def test_expiry_copies_no_proof(self):
        consent = self.consent(self.partner, self.type_call)  # valid 10 days
        consent._privacy_record(
            PrivacyEvent("page", ip="192.0.2.10", user_agent="Agent A", text="Yes"),
            {
                "state": "given",
                "method": "web_form",
                "date_given": self.today - timedelta(days=10),
            },
        )
        self.env["privacy.partner.consent"]._cron_expire_and_renew()
        self.assertEqual(consent.state, "expired")
        row = consent.sudo().history_ids[0]
        self.assertEqual(row.source, "expiry")
        self.assertFalse(row.proof_ip or row.proof_user_agent or row.proof_text)

    def test_erasure_deletes_the_proof_documents(self):
        consent = self.give(
            self.partner,
            self.type_sms,
            method="written",
            proof_document=SCAN,
            proof_document_name="form.pdf",
        )
        Attachment = self.env["ir.attachment"].sudo()
        domain = [("res_field", "=", "proof_document"), ("res_id", "!=", False)]
        documents = Attachment.search(
            domain
            + [
                ("res_model", "like", "privacy.%"),
                ("res_id", "in", [consent.id, *consent.history_ids.ids]),
            ]
        )
        self.assertEqual(len(documents), 2)  # the consent's and its history row's
        self.partner.unlink()
        self.assertFalse(documents.exists())


@tagged("post_install", "-at_install")
class TestProofReaders(HttpCase, PrivacyCase):
    """Proof details (IP addresses, user agents, references, documents) are
    for Privacy Users, not every employee."""

    def test_employees_do_not_read_proof_details(self):
        consent = self.give(
            self.partner,
            self.type_sms,
            method="written",
            proof_document=SCAN,
            proof_document_name="form.pdf",
        )
        consent._privacy_record(
            PrivacyEvent("page", ip="192.0.2.10", user_agent="Agent A", text="Yes"),
            {"state": "refused", "method": "web_form"},
        )
        consent_request = self.env["privacy.consent.request"]._create_for_partners(
            self.partner, "request"
        )
        as_employee = consent.with_user(self.user_employee)
        for record, fname in (
            (as_employee, "proof_ip"),
            (as_employee, "proof_user_agent"),
            (as_employee, "proof_reference"),
            (as_employee.history_ids[:1], "proof_ip"),
            (consent_request.with_user(self.user_employee), "answer_ip"),
        ):
            with self.subTest(model=record._name, field=fname):
                record.invalidate_recordset()
                with self.assertRaises(AccessError):
                    record.read([fname])
        self.assertEqual(as_employee.state, "refused")  # the rest stays readable
        self.assertEqual(consent.with_user(self.user_privacy).proof_ip, "192.0.2.10")
        for model in ("privacy.partner.consent", "privacy.consent.history"):
            arch = (
                self.env[model]
                .with_user(self.user_employee)
                .get_view(view_type="form")["arch"]
            )
            self.assertFalse(etree.fromstring(arch).xpath("//field[@name='proof_ip']"))
        # The document downloads for Privacy Users only.
        document = (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "privacy.consent.history"),
                    ("res_field", "=", "proof_document"),
                    ("res_id", "in", consent.history_ids.ids),
                ]
            )
        )
        self.assertEqual(len(document), 1)
        history = self.env["privacy.consent.history"].browse(document.res_id)
        for user, readable in ((self.user_employee, False), (self.user_privacy, True)):
            self.authenticate(user.login, user.login)
            for url in (
                f"/web/content/{document.id}?download=true",
                f"/web/content/privacy.consent.history/{history.id}/proof_document",
            ):
                with self.subTest(user=user.login, url=url):
                    response = self.url_open(url)
                    if readable:
                        self.assertEqual(response.status_code, 200)
                        self.assertEqual(response.content, base64.b64decode(SCAN))
                    else:
                        self.assertIn(response.status_code, (403, 404))
                        self.assertNotIn(b"signed consent form", response.content)
