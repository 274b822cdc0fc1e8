from odoo import api, fields, models, tools


class CrmLead(models.Model):
    _name = "crm.lead"
    _inherit = ["crm.lead", "privacy.request.notice.mixin"]

    privacy_contact_log_ids = fields.One2many(
        "privacy.contact.log",
        "res_id",
        string="Contacts without consent",
        domain=[("res_model", "=", "crm.lead")],
        readonly=True,
    )
    privacy_web_consent_ids = fields.One2many(
        "privacy.lead.consent",
        "lead_id",
        string="Consents given on web forms",
        readonly=True,
    )

    privacy_suppressed = fields.Boolean(
        string="Objected after an erasure",
        readonly=True,
        copy=False,
        help="Its e-mail address or number belonged to an erased contact who "
        "objected: its contact objects too until the person gives a new consent.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        leads._privacy_mark_suppressed()
        return leads

    def write(self, vals):
        res = super().write(vals)
        if vals.get("partner_id"):
            self._privacy_carry_web_consents()
        if {"email_from", "phone", "mobile"} & vals.keys():
            self._privacy_mark_suppressed()
        return res

    def _privacy_mark_suppressed(self):
        """Mark the leads whose address or number is on the suppression list
        of erased contacts, in one query for all of them."""
        Telephony = self.env["privacy.telephony"]
        rows = []
        for lead in self:
            country = lead.country_id or lead.company_id.country_id
            rows += [
                (lead.id, kind, value)
                for kind, value in (
                    ("email", tools.email_normalize(lead.email_from or "")),
                    ("phone", Telephony._e164(lead.phone, country)),
                    ("phone", Telephony._e164(lead.mobile, country)),
                )
                if value
            ]
        matched = self.env["privacy.suppression"].sudo()._matching(rows)
        for suppressed, leads in self.grouped(lambda lead: lead.id in matched).items():
            leads.filtered(
                lambda lead, s=suppressed: lead.privacy_suppressed != s
            ).privacy_suppressed = suppressed

    def _merge_dependences(self, opportunities):
        res = super()._merge_dependences(opportunities)
        opportunities.sudo().privacy_web_consent_ids.write({"lead_id": self.id})
        self._privacy_carry_web_consents()
        return res

    def _privacy_record_web_consents(self, answers, proof):
        """The boxes ticked on the web form that created this lead: they wait
        on the lead, with their proof, until it gets its contact, and are
        recorded at once on its customer or on the contact with its e-mail
        (which the lead is not linked to, as Odoo's website forms do)."""
        self.ensure_one()
        rows = self.env["privacy.lead.consent"]._create_from_form(self, answers, proof)
        partner = self.partner_id or self.env["res.partner"]._privacy_find_by_email(
            self.email_from
        )
        if partner:
            return rows._carry_to(partner)
        rows._ask_confirmation()
        return self.env["privacy.partner.consent"]

    def _privacy_carry_web_consents(self):
        """Record the consents waiting on these leads on their contacts, with
        their original proof and date: the lead was converted, or got its
        customer. Whatever the contact's e-mail: the lead is theirs."""
        leads = self.filtered("partner_id")
        if not leads:
            return
        waiting = (
            self.env["privacy.lead.consent"]
            .sudo()
            .search([("lead_id", "in", leads.ids), ("state", "=", "waiting")])
        )
        for lead in waiting.lead_id:
            waiting.filtered(lambda row, lead=lead: row.lead_id == lead)._carry_to(
                lead.partner_id
            )

    def _privacy_web_consent_confirm_url(self):
        """The link of the latest double opt-in e-mail, for its template."""
        return self._privacy_web_consents_to_confirm()._confirm_url()

    def _privacy_web_consents_to_confirm(self):
        """The consents the latest double opt-in e-mail asks to confirm."""
        self.ensure_one()
        rows = self.sudo().privacy_web_consent_ids.filtered(
            lambda row: row.state == "waiting" and row.confirm_date_expiry
        )
        latest = max(rows.mapped("confirm_date_expiry"), default=False)
        return rows.filtered(lambda row: row.confirm_date_expiry == latest)

    def _privacy_contacted_partners(self, create=False):
        """The person of the lead: its customer, else the contact with exactly the
        lead's e-mail address. A lead without either has no consent.

        :param create: when the lead has no customer, set that contact as its
            customer, or create the customer from the lead as converting a lead
            does; the contact log needs a person.
        """
        self.ensure_one()
        partner = self.partner_id or self._find_matching_partner(email_only=True)
        if create and not self.partner_id:
            self._handle_partner_assignment(
                force_partner_id=partner.id, create_missing=True
            )
            partner = self.partner_id
        return partner

    def _privacy_new_contact_name(self):
        self.ensure_one()
        return self.contact_name or self.partner_name or self.email_from or self.name
