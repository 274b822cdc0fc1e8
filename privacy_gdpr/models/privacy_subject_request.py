import base64
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

# The handler is reminded this many days before the legal deadline.
REMINDER_DAYS = 7
OPEN_STATES = ("new", "in_progress")


class PrivacySubjectRequest(models.Model):
    """A request of a person exercising a GDPR right (access, erasure…), and
    its answer.

    The controller answers within one month of receipt (GDPR art. 12(3)): the
    deadline is computed from the day received, and the handler is reminded
    before it by an activity.
    """

    _name = "privacy.subject.request"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _description = "Data Subject Request"
    _order = "date_deadline, id"

    name = fields.Char(compute="_compute_name", store=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Person",
        required=True,
        index=True,
        ondelete="restrict",
        tracking=True,
    )
    kind = fields.Selection(
        [
            ("access", "Access"),
            ("erasure", "Erasure"),
            ("objection", "Objection"),
            ("rectification", "Rectification"),
            ("portability", "Portability"),
        ],
        string="Right exercised",
        required=True,
        default="access",
        tracking=True,
    )
    date_received = fields.Date(
        string="Received on",
        required=True,
        default=lambda self: self.env.company._privacy_today(),
        tracking=True,
    )
    date_deadline = fields.Date(
        string="Answer due by",
        compute="_compute_date_deadline",
        store=True,
        index=True,
        help="One month after the request was received (GDPR art. 12(3)).",
    )
    date_answered = fields.Date(string="Answered on", readonly=True, tracking=True)
    state = fields.Selection(
        [
            ("new", "New"),
            ("in_progress", "In progress"),
            ("answered", "Answered"),
            ("refused", "Refused"),
        ],
        required=True,
        default="new",
        index=True,
        tracking=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Handler",
        default=lambda self: self.env.user,
        domain=lambda self: [
            ("groups_id", "in", self.env.ref("privacy_gdpr.group_privacy_user").id)
        ],
        tracking=True,
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    note = fields.Html()
    reminded = fields.Boolean(
        readonly=True,
        copy=False,
        help="The handler was given an activity to answer before the deadline.",
    )
    dossier_attachment_ids = fields.Many2many(
        "ir.attachment", string="Dossier", readonly=True, copy=False
    )

    @api.depends("partner_id", "kind")
    def _compute_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for request in self:
            request.name = (
                f"{kinds.get(request.kind, '')} – {request.partner_id.name or ''}"
            )

    @api.depends("date_received")
    def _compute_date_deadline(self):
        for request in self:
            # One month, to the same day or the month's last: 31 January gives
            # 28 (or 29) February.
            request.date_deadline = request.date_received and (
                request.date_received + relativedelta(months=1)
            )

    def action_start(self):
        self.write({"state": "in_progress"})

    def action_answer(self):
        self.write(
            {"state": "answered", "date_answered": self.env.company._privacy_today()}
        )

    def action_refuse(self):
        self.write(
            {"state": "refused", "date_answered": self.env.company._privacy_today()}
        )

    def action_attach_dossier(self):
        """Produce the person's dossier (PDF and workbook) and attach it to the
        request, where the answer sent to the person can take it."""
        Dossier = self.env["privacy.dossier"]
        Attachment = self.env["ir.attachment"]
        for request in self:
            partner = request.partner_id
            files = {
                "pdf": ("application/pdf", Dossier._dossier_pdf(partner)),
                "xlsx": (
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    Dossier._dossier_xlsx(partner),
                ),
            }
            attachments = Attachment.create(
                [
                    {
                        "name": Dossier._dossier_file_name(partner, extension),
                        "datas": base64.b64encode(content),
                        "mimetype": mimetype,
                        "res_model": request._name,
                        "res_id": request.id,
                    }
                    for extension, (mimetype, content) in files.items()
                ]
            )
            request.dossier_attachment_ids = [
                fields.Command.link(a.id) for a in attachments
            ]
            request.message_post(
                body=self.env._("Privacy dossier produced."),
                attachment_ids=attachments.ids,
            )
        return True

    @api.model
    def _cron_remind_deadline(self):
        """Give each handler an activity for the open requests due within
        ``REMINDER_DAYS`` days, once per request: an activity done or deleted
        is not given again."""
        activity_type = self.env.ref(
            "privacy_gdpr.mail_activity_subject_request_deadline"
        )
        today = self.env.company._privacy_today()
        requests = self.search(
            [
                ("state", "in", OPEN_STATES),
                ("user_id", "!=", False),
                ("date_deadline", "<=", today + timedelta(days=REMINDER_DAYS)),
                ("reminded", "=", False),
            ]
        )
        self.env["mail.activity"].create(
            [
                {
                    "res_model_id": self.env["ir.model"]._get_id(self._name),
                    "res_id": request.id,
                    "activity_type_id": activity_type.id,
                    "user_id": request.user_id.id,
                    "date_deadline": request.date_deadline,
                    "summary": self.env._("Answer the data subject request"),
                }
                for request in requests
            ]
        )
        requests.reminded = True
