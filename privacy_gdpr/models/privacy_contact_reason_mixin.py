from odoo import fields, models


class PrivacyContactReasonMixin(models.AbstractModel):
    """A form that contacts people (a composer, the reason dialog): it lists those
    without a valid consent on its channel and asks for a contact reason.

    Inheriting models say who is contacted (:meth:`_privacy_contacts`, with the
    ``api.depends`` of their own fields on :meth:`_compute_privacy_contacts`) and
    on which channel (:meth:`_privacy_channel`).
    """

    _name = "privacy.contact.reason.mixin"
    _description = "Privacy: contact reason asked by a form"

    privacy_reason_partner_ids = fields.Many2many(
        "res.partner",
        string="Without consent",
        compute="_compute_privacy_contacts",
        help="The people contacted who have not given a valid consent.",
    )
    privacy_new_contacts = fields.Char(
        string="New contacts",
        compute="_compute_privacy_contacts",
        help="People contacted who are not contacts yet, hence have no consent.",
    )
    privacy_reason_required = fields.Boolean(
        string="Contact reason required", compute="_compute_privacy_contacts"
    )
    privacy_contact_reason_id = fields.Many2one(
        "privacy.contact.reason",
        string="Contact reason",
        domain="[('id', 'in', privacy_allowed_reason_ids)]",
        help="Why the people without a valid consent are contacted all the same.",
    )
    privacy_allowed_reason_ids = fields.Many2many(
        "privacy.contact.reason",
        string="Usable contact reasons",
        compute="_compute_privacy_contacts",
        help="The active contact reasons that may be used for all the people "
        "without a valid consent on this channel.",
    )
    privacy_objection_note = fields.Text(
        string="Objections",
        compute="_compute_privacy_contacts",
        help="Who refused or withdrew a consent for this channel, and since "
        "when: only reasons that are not marketing, on the basis of a contract, "
        "a legal obligation, vital interests or a public task, may be used "
        "for them.",
    )
    privacy_contact_note = fields.Text(string="Contact note")

    def _privacy_channel(self):
        """The channel of the contact: email, sms or call."""
        raise NotImplementedError

    def _privacy_contacts(self):
        """Who this form contacts.

        :return: ``(partners, names)``: the partners, and the names of the people
            who are not contacts yet (see ``mail.thread._privacy_new_contact_name``)
        """
        raise NotImplementedError

    def _compute_privacy_contacts(self):
        for form in self:
            channel = form._privacy_channel()
            # Switched off, nobody is looked for: the form costs no query.
            if not self.env["res.company"]._privacy_check_active_here(channel):
                form.privacy_reason_partner_ids = False
                form.privacy_new_contacts = False
                form.privacy_reason_required = False
                form.privacy_allowed_reason_ids = False
                form.privacy_objection_note = False
                continue
            partners, new_contacts = form._privacy_contacts()
            needing = partners._privacy_needing_reason(channel)
            form.privacy_reason_partner_ids = needing
            form.privacy_new_contacts = ", ".join(new_contacts)
            form.privacy_reason_required = bool(needing or new_contacts)
            Reason = self.env["privacy.contact.reason"]
            form.privacy_allowed_reason_ids = Reason._usable_reasons(
                needing, channel, strangers=bool(new_contacts)
            )
            form.privacy_objection_note = "\n".join(
                f"{partner.display_name}: {text}"
                for partner, text in Reason._objection_texts(needing, channel).items()
            )

    def _privacy_check_reason(self):
        """Refuse to go on without a usable contact reason when one is needed."""
        for form in self:
            if form.privacy_reason_required:
                names = [form.privacy_new_contacts] if form.privacy_new_contacts else []
                form.privacy_contact_reason_id._check_usable_for(
                    form.privacy_reason_partner_ids, form._privacy_channel(), names
                )

    def _privacy_reason_context(self):
        """The context that carries the reason to the code that contacts."""
        self.ensure_one()
        return {
            "privacy_contact_reason_id": self.privacy_contact_reason_id.id,
            "privacy_contact_note": self.privacy_contact_note or False,
        }
