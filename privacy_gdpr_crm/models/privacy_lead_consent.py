import secrets
from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup

from odoo import _, api, fields, models, tools
from odoo.exceptions import UserError

from odoo.addons.privacy_gdpr.models.privacy_consent_request import (
    LINK_EXPIRED,
    LINK_INVALID,
    LINK_SUPERSEDED,
    LINK_USED,
)

CONFIRM_SCOPE = "privacy_gdpr_crm.lead_consent_confirm"
# What may change on a lead consent once recorded: where it stands, the lead
# it waits on (leads are merged), and its double opt-in confirmation.
WRITABLE_FIELDS = {
    "state",
    "lead_id",
    "partner_id",
    "request_id",
    "confirm_nonce",
    "confirm_date_expiry",
    "date_confirmed",
    "confirm_ip",
    "confirm_user_agent",
}


class PrivacyLeadConsent(models.Model):
    """A consent given on a web form that created a lead, waiting on the lead
    until it gets its contact.

    A web form creating a lead creates no contact, and consents belong to
    contacts: the consent waits here, with its proof, until the lead gets its
    contact (converted, its customer created or chosen, merged with a lead
    that has one). It is then recorded on that contact with its original proof
    and date. Its proof never changes.
    """

    _name = "privacy.lead.consent"
    _description = "Consent Given on a Lead's Web Form"
    _order = "proof_date desc, id desc"
    _rec_name = "type_id"

    lead_id = fields.Many2one(
        "crm.lead", required=True, readonly=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    type_id = fields.Many2one(
        "privacy.consent.type",
        string="Consent type",
        required=True,
        readonly=True,
        ondelete="restrict",
    )
    type_text_id = fields.Many2one(
        "privacy.consent.type.text",
        string="Text version",
        required=True,
        readonly=True,
        ondelete="restrict",
        help="The version of the consent type's texts the form showed.",
    )
    state = fields.Selection(
        [
            ("waiting", "Waiting for the contact"),
            ("applied", "Recorded on the contact"),
            ("superseded", "Superseded by a later answer"),
        ],
        required=True,
        readonly=True,
        default="waiting",
        index=True,
        help="Superseded: the contact answered for this purpose after the form "
        "was sent; that later answer stands.",
    )
    email = fields.Char(
        string="E-mail submitted",
        readonly=True,
        help="The address the form was sent with.",
    )
    lang = fields.Char(string="Language", readonly=True)
    proof_date = fields.Datetime(string="Given on", required=True, readonly=True)
    proof_ip = fields.Char(
        string="IP address", readonly=True, groups="privacy_gdpr.group_privacy_user"
    )
    proof_user_agent = fields.Char(
        string="User agent", readonly=True, groups="privacy_gdpr.group_privacy_user"
    )
    page_url = fields.Char(string="Page", readonly=True)
    form_name = fields.Char(string="Form", readonly=True)
    text = fields.Text(
        string="Text agreed to", readonly=True, help="The text of the box ticked."
    )
    notice = fields.Text(
        string="Information given",
        readonly=True,
        help="The information shown with the boxes (GDPR art. 13).",
    )
    text_shown = fields.Text(
        readonly=True, help="Every consent the form asked, with the information."
    )
    partner_id = fields.Many2one(
        "res.partner", string="Recorded on", readonly=True, ondelete="set null"
    )
    request_id = fields.Many2one(
        "privacy.consent.request",
        string="Recorded by",
        readonly=True,
        ondelete="set null",
    )
    # The double opt-in of a lead without contact: confirmed from the link
    # e-mailed to the address the form was sent with.
    confirm_nonce = fields.Char(readonly=True, copy=False, groups="base.group_system")
    confirm_date_expiry = fields.Datetime(
        string="Confirmation link valid until", readonly=True
    )
    date_confirmed = fields.Datetime(string="Confirmed on", readonly=True)
    confirm_ip = fields.Char(
        string="Confirmation IP address",
        readonly=True,
        groups="privacy_gdpr.group_privacy_user",
    )
    confirm_user_agent = fields.Char(
        readonly=True, groups="privacy_gdpr.group_privacy_user"
    )

    def write(self, vals):
        if vals.keys() - WRITABLE_FIELDS:
            raise UserError(
                _("A consent given on a web form is evidence: it cannot be modified.")
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(
            _("A consent given on a web form is evidence: it goes with its lead only.")
        )

    # ------------------------------------------------------------
    # Recording
    # ------------------------------------------------------------

    @api.model
    def _create_from_form(self, lead, answers, proof):
        """One waiting consent per box ticked on the form that created
        ``lead`` (see ``privacy.consent.request._record_web_form``)."""
        return self.sudo().create(
            [
                {
                    "lead_id": lead.id,
                    "company_id": proof["company"].id,
                    "type_id": answer["type"].id,
                    "type_text_id": answer["texts"].id,
                    "email": lead.email_from,
                    "lang": proof.get("lang"),
                    "proof_date": proof["date"],
                    "proof_ip": proof.get("ip"),
                    "proof_user_agent": proof.get("user_agent"),
                    "page_url": proof.get("page_url"),
                    "form_name": proof.get("form_name"),
                    "text": answer["text"],
                    "notice": proof["notice"],
                    "text_shown": proof["text_shown"],
                }
                for answer in answers
            ]
        )

    def _carry_to(self, partner):
        """Record the waiting consents on ``partner``, the lead's contact, with
        their original proof and date. A consent the contact answered since
        the form was sent is left out: the later answer stands.

        :return: the partner's consents recorded
        """
        Consent = self.env["privacy.partner.consent"]
        recorded = Consent
        waiting = self.filtered(lambda row: row.state == "waiting")
        latest = self._latest_answers(partner, waiting.type_id)
        superseded = waiting.filtered(
            lambda row: (
                latest.get(row.type_id.id) and latest[row.type_id.id] > row.proof_date
            )
        )
        superseded.write({"state": "superseded", "partner_id": partner.id})
        for rows in (waiting - superseded)._by_submission():
            recorded |= rows._carry_submission(partner)
        return recorded

    def _by_submission(self):
        """These consents grouped by the form submission that gave them."""
        groups = defaultdict(lambda: self.browse())
        for row in self.sudo():
            key = (
                row.lead_id,
                row.proof_date,
                row.proof_ip,
                row.page_url,
                row.form_name,
            )
            groups[key] |= row
        return list(groups.values())

    def _carry_submission(self, partner):
        """Record the consents of one submission on ``partner``."""
        rows = self.sudo()
        first = rows[0]
        lead = first.lead_id
        note = self.env._(
            "Given on the web form %(form)s on %(date)s, carried from the lead "
            "%(lead)s",
            form=first.form_name or "?",
            date=first.proof_date,
            lead=lead.display_name,
        )
        answers = [
            {
                "type": row.type_id,
                "texts": row.type_text_id,
                "text": row._agreed_text(),
                "optin": row.type_text_id.double_optin and not row.date_confirmed,
            }
            for row in rows
        ]
        consents = partner._privacy_record_web_consents(
            answers,
            {
                "date": first.proof_date,
                "ip": first.proof_ip,
                "user_agent": first.proof_user_agent,
                "page_url": first.page_url,
                "form_name": first.form_name,
                "company": first.company_id,
                "lang": first.lang,
                "notice": first.notice,
                "text_shown": first.text_shown,
                "source": lead,
                "note": note,
            },
        )
        request = (
            self.env["privacy.consent.request"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", partner.id),
                    ("origin", "=", "web_form"),
                    ("res_model", "=", lead._name),
                    ("res_id", "=", lead.id),
                ],
                order="id desc",
                limit=1,
            )
        )
        rows.write(
            {"state": "applied", "partner_id": partner.id, "request_id": request.id}
        )
        return consents

    # ------------------------------------------------------------
    # Double opt-in of a lead without contact
    # ------------------------------------------------------------

    def _ask_confirmation(self):
        """E-mail the address the form was sent with a link to confirm the
        waiting consents whose type asks for double opt-in (one lead's)."""
        rows = self.sudo().filtered(
            lambda row: (
                row.state == "waiting"
                and row.type_text_id.double_optin
                and not row.date_confirmed
            )
        )
        if not rows:
            return
        lead = rows.lead_id
        lead.ensure_one()
        company = rows[0].company_id
        rows.write(
            {
                "confirm_nonce": secrets.token_urlsafe(32),
                "confirm_date_expiry": fields.Datetime.now()
                + timedelta(days=company.privacy_request_validity_days),
            }
        )
        template = self.env.ref("privacy_gdpr_crm.mail_template_lead_consent_confirm")
        template.sudo().with_context(lang=rows[0].lang).send_mail(
            lead.id,
            email_layout_xmlid="privacy_gdpr.mail_notification_consent",
        )
        lead._message_log(
            body=Markup("<p>%s</p>")
            % _(
                "A link to confirm %(consents)s was e-mailed to %(email)s.",
                consents=", ".join(rows.type_id.mapped("name")),
                email=lead.email_from,
            )
        )

    def _confirm_url(self):
        """The link confirming these consents (one lead's, one e-mail's)."""
        row = self.sudo()[:1]
        token = self.env["privacy.consent.request"]._sign(
            CONFIRM_SCOPE, [row.lead_id.id, row.confirm_nonce]
        )
        return f"{row.lead_id.get_base_url()}/privacy/lead/confirm/{token}"

    @api.model
    def _from_token(self, token):
        """The consents (as superuser) a confirmation link points to, and what
        is wrong with it (see ``privacy.consent.request._from_token``)."""
        Request = self.env["privacy.consent.request"]
        values = Request._verify(CONFIRM_SCOPE, token)
        if not values or len(values) != 2 or not isinstance(values[0], int):
            return self.browse(), LINK_INVALID
        rows = (
            self.sudo()
            .search([("lead_id", "=", values[0]), ("confirm_nonce", "!=", False)])
            .filtered(lambda row: tools.consteq(row.confirm_nonce, str(values[1])))
        )
        if not rows:  # never sent, or the lead was deleted
            return rows, LINK_INVALID
        if any(row.state != "waiting" for row in rows):
            # Recorded on the contact meanwhile, which got its own link.
            return rows, LINK_SUPERSEDED
        if all(row.date_confirmed for row in rows):
            return rows, LINK_USED
        if rows[0].confirm_date_expiry <= fields.Datetime.now():
            return rows, LINK_EXPIRED
        return rows, None

    def _confirm(self, event):
        """The person clicked the link (``event``, of source "double_optin"):
        their consents are confirmed, and count once the lead gets its
        contact."""
        self.sudo().write(
            {
                "date_confirmed": event.date,
                "confirm_ip": event.ip,
                "confirm_user_agent": event.user_agent,
            }
        )
        lead = self.lead_id
        lead._message_log(
            body=Markup("<p>%s</p>")
            % _(
                "%(consents)s confirmed from the link e-mailed to %(email)s.",
                consents=", ".join(self.type_id.mapped("name")),
                email=self[:1].email,
            )
        )

    def _agreed_text(self):
        """The text of the box, with its confirmation when there was one."""
        if not self.date_confirmed:
            return self.text
        return "\n".join(
            (
                self.text,
                self.env._(
                    "Confirmed on %(date)s from the link sent to %(email)s.",
                    date=self.date_confirmed,
                    email=self.email,
                ),
            )
        )

    @api.model
    def _latest_answers(self, partner, consent_types):
        """``{type_id: when partner last answered it}``."""
        History = self.env["privacy.consent.history"].sudo()
        return {
            consent_type.id: date
            for consent_type, date in History._read_group(
                [("partner_id", "=", partner.id), ("type_id", "in", consent_types.ids)],
                ["type_id"],
                ["date:max"],
            )
        }
