from odoo import fields, models


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
