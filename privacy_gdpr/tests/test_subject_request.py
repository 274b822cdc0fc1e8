import io
from datetime import date

import openpyxl
from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import PrivacyCase


@tagged("post_install", "-at_install")
class TestSubjectRequest(PrivacyCase):
    """Requests of persons exercising their rights: answered within one month
    (GDPR art. 12(3)), their handler reminded before the deadline."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.activity_type = cls.env.ref(
            "privacy_gdpr.mail_activity_subject_request_deadline"
        )

    def new_request(self, received, **values):
        return (
            self.env["privacy.subject.request"]
            .with_user(self.user_privacy)
            .create(
                {
                    "partner_id": self.partner.id,
                    "kind": "access",
                    "date_received": received,
                    "user_id": self.user_privacy.id,
                    **values,
                }
            )
        )

    def test_deadline_is_one_month_after_receipt(self):
        expected = {
            date(2026, 1, 31): date(2026, 2, 28),
            date(2028, 1, 31): date(2028, 2, 29),
            date(2026, 3, 31): date(2026, 4, 30),
            date(2026, 3, 15): date(2026, 4, 15),
            date(2026, 12, 31): date(2027, 1, 31),
        }
        for received, deadline in expected.items():
            with self.subTest(received=received):
                self.assertEqual(self.new_request(received).date_deadline, deadline)
        request = self.new_request(date(2026, 1, 31))
        request.date_received = date(2026, 2, 2)
        self.assertEqual(request.date_deadline, date(2026, 3, 2))

    def reminders(self, request):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", request._name),
                ("res_id", "=", request.id),
                ("activity_type_id", "=", self.activity_type.id),
            ]
        )

    def run_cron(self, day):
        with freeze_time(f"{day} 10:00:00"):
            self.env["privacy.subject.request"]._cron_remind_deadline()

    def test_reminder_once_seven_days_before(self):
        request = self.new_request(date(2026, 3, 1))
        answered = self.new_request(date(2026, 3, 1))
        answered.action_answer()
        self.run_cron("2026-03-24")
        self.assertFalse(self.reminders(request))
        self.run_cron("2026-03-25")
        reminder = self.reminders(request)
        self.assertEqual(len(reminder), 1)
        self.assertEqual(reminder.user_id, self.user_privacy)
        self.assertEqual(reminder.date_deadline, date(2026, 4, 1))
        self.assertTrue(request.reminded)
        self.run_cron("2026-03-26")
        self.assertEqual(self.reminders(request), reminder)
        # Done, the reminder is not given again.
        reminder.action_feedback(feedback="Dossier sent")
        self.run_cron("2026-03-27")
        self.assertFalse(self.reminders(request).filtered("active"))
        self.assertFalse(self.reminders(answered))

    def test_late_request_reminded_at_once(self):
        request = self.new_request(date(2026, 1, 5), state="in_progress")
        self.run_cron("2026-03-01")
        self.assertEqual(len(self.reminders(request)), 1)

    def test_workflow_and_dossier_attached(self):
        with freeze_time("2026-02-10 09:00:00"):
            request = self.new_request(date(2026, 2, 2))
            self.assertEqual(request.state, "new")
            request.action_start()
            request.action_attach_dossier()
            request.action_answer()
        self.assertEqual(request.state, "answered")
        self.assertEqual(request.date_answered, date(2026, 2, 10))
        attachments = request.dossier_attachment_ids
        self.assertEqual(
            sorted(attachments.mapped("mimetype")),
            [
                "application/pdf",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ],
        )
        self.assertEqual(attachments.mapped("res_id"), [request.id, request.id])
        workbook = openpyxl.load_workbook(
            io.BytesIO(attachments.sorted("mimetype")[1].raw)
        )
        self.assertEqual(workbook.worksheets[0]["B2"].value, "Camille Durand")
        self.assertIn("Camille Durand", attachments[0].name)
        self.assertEqual(self.partner.privacy_subject_request_count, 1)

    def test_access(self):
        request = self.new_request(date(2026, 2, 2))
        Request = self.env["privacy.subject.request"].with_user(self.user_employee)
        with self.assertRaises(AccessError):
            Request.search([])
        with self.assertRaises(AccessError):
            request.with_user(self.user_employee).read(["state"])
        with self.assertRaises(AccessError):
            Request.create({"partner_id": self.partner.id})
        with self.assertRaises(AccessError):
            request.with_user(self.user_privacy).unlink()
        self.assertEqual(
            self.env["privacy.subject.request"]
            .with_user(self.user_privacy)
            .search([("id", "=", request.id)]),
            request,
        )

    def test_multi_company(self):
        other = self.env["res.company"].create({"name": "Other company"})
        request = self.new_request(date(2026, 2, 2))
        request.company_id = other
        Request = self.env["privacy.subject.request"].with_user(self.user_privacy)
        self.assertFalse(Request.search([("id", "=", request.id)]))
