from collections import namedtuple

from odoo import _, api, fields, models

from ..exceptions import PrivacyReasonRequired

# What the one check says of a mass send: the documents sent to, those left out
# (a recipient without consent), the partners without consent, and the
# documents whose recipient is not a contact yet.
MassSplit = namedtuple("MassSplit", "record_ids left_ids needing_ids new_contact_ids")

# The context value (``privacy_mass_sent_by``) of a mass send made by Odoo's own
# code (an automated action's SMS), which rests on what the action is for, like
# the messages Odoo sends by itself. Not a JSON value: no RPC can pass it.
SENT_BY_CODE = object()


class PrivacyMassContactMixin(models.AbstractModel):
    """A composer in mass mode (one message per selected document): with the
    channel's check on, the recipients without a valid consent are left out,
    or contacted with a contact reason logged for each of them.

    Inheriting models say when they are in mass mode (:meth:`_privacy_mass_mode`),
    who each document is sent to (:meth:`_privacy_mass_targets`), how to send to
    some documents only (:meth:`_privacy_mass_restrict`), and add the
    ``api.depends`` of their own fields on :meth:`_compute_privacy_mass`.
    """

    _name = "privacy.mass.contact.mixin"
    _inherit = ["privacy.contact.reason.mixin"]
    _description = "Privacy: consent check of a mass send"

    privacy_mass_without_count = fields.Integer(
        string="Recipients without consent",
        compute="_compute_privacy_mass",
        help="Recipients of this mass send who have not given a valid consent "
        "for its channel, or are not contacts yet.",
    )
    # No default: a send by code must say what it does with them; the form
    # proposes to leave them out (_onchange_privacy_mass_decision).
    privacy_mass_decision = fields.Selection(
        [
            ("leave_out", "Leave them out"),
            ("reason", "Send to them with a contact reason"),
        ],
        string="Decision on recipients without consent",
    )

    def _privacy_mass_mode(self):
        """Whether the composer sends one message per document (mass mode)."""
        raise NotImplementedError

    def _privacy_mass_targets(self):
        """Who each document of the mass send is sent to.

        :return: ``(records, partner_ids, new_contact_ids)``: the documents, a
            dict of the partner ids each document is sent to, and the ids of the
            documents sent to an address or number of nobody in the contacts
        """
        raise NotImplementedError

    def _privacy_mass_restrict(self, record_ids):
        """The composer that sends to the documents ``record_ids`` only."""
        raise NotImplementedError

    def _privacy_mass_model(self):
        """The model of the documents sent to."""
        raise NotImplementedError

    def _privacy_mass_active(self):
        self.ensure_one()
        return (
            self._privacy_mass_mode()
            and self.env.context.get("privacy_mass_sent_by") is not SENT_BY_CODE
            and self.env.company._privacy_check_active(self._privacy_channel())
        )

    def _compute_privacy_mass(self):
        for composer in self:
            count = 0
            if composer._privacy_mass_active():
                split = composer._privacy_mass_split()
                count = len(split.needing_ids) + len(split.new_contact_ids)
            composer.privacy_mass_without_count = count

    @api.onchange("privacy_mass_without_count")
    def _onchange_privacy_mass_decision(self):
        # Only the form runs onchanges: over RPC the decision stays to be made.
        if self.privacy_mass_without_count and not self.privacy_mass_decision:
            self.privacy_mass_decision = "leave_out"

    def _privacy_mass_split(self):
        """Split the documents by the one check, in one query whatever their
        number (the check's domain over the partners sent to)."""
        records, partner_ids, new_contact_ids = self._privacy_mass_targets()
        all_ids = {pid for ids in partner_ids.values() for pid in ids}
        Partner = self.env["res.partner"].with_context(active_test=False)
        allowed = set()
        if all_ids:
            allowed = set(
                Partner.search(
                    [("id", "in", list(all_ids))]
                    + Partner._privacy_consent_domain(self._privacy_channel())
                ).ids
            )
        needing = all_ids - allowed
        left_ids = [
            record_id
            for record_id in records.ids
            if record_id in new_contact_ids
            or not needing.isdisjoint(partner_ids.get(record_id, ()))
        ]
        return MassSplit(records.ids, left_ids, needing, new_contact_ids)

    def _privacy_mass_prepare(self):
        """Apply the decision on the recipients without consent, before a mass
        send: the one place where the server enforces it (the form and RPC).

        :return: ``(composer, action)``: the composer to send with (``None`` when
            nobody is left to send to), and the action listing the documents left
            out (``None`` when none is)
        :raise PrivacyReasonRequired: some recipients have no consent and no
            decision was made, or no usable reason given to contact them
        """
        self.ensure_one()
        if not self._privacy_mass_active():
            return self, None
        split = self._privacy_mass_split()
        if not split.left_ids:
            return self, None
        if not self.privacy_mass_decision:
            raise PrivacyReasonRequired(
                _(
                    "%(count)s recipients have no valid consent (%(channel)s): "
                    "choose to leave them out or to send to them with a contact "
                    "reason.",
                    count=len(split.needing_ids) + len(split.new_contact_ids),
                    channel=self._privacy_channel_label(),
                )
            )
        if self.privacy_mass_decision == "reason":
            split = self._privacy_mass_log_reason(split)
        if not split.left_ids:
            return self, None
        left = set(split.left_ids)
        kept = [record_id for record_id in split.record_ids if record_id not in left]
        composer = self._privacy_mass_restrict(kept) if kept else None
        return composer, self._privacy_mass_left_out_action(split.left_ids)

    def _privacy_mass_log_reason(self, split):
        """Send to the recipients without consent with the contact reason given:
        the people of the documents that have none are created (the log needs
        a person), then each person without consent is logged once. Documents
        whose recipient still names nobody stay left out.

        :return: the split of the documents, once the people are created
        """
        records = self.env[self._privacy_mass_model()].browse(split.new_contact_ids)
        # Only documents with a chatter say who their person is (mail.thread).
        if records and isinstance(records, self.pool["mail.thread"]):
            for record in records:
                record._privacy_contacted_partners(create=True)
            split = self._privacy_mass_split()
        needing = self.env["res.partner"].browse(sorted(split.needing_ids))
        needing._privacy_record_contact(
            self._privacy_channel(),
            self.privacy_contact_reason_id,
            note=self.privacy_contact_note or False,
            res_model=self._privacy_mass_model(),
        )
        return split._replace(
            left_ids=[rid for rid in split.left_ids if rid in split.new_contact_ids]
        )

    def _privacy_channel_label(self):
        selection = self.env["privacy.contact.log"]._fields["channel"]
        return dict(selection._description_selection(self.env))[self._privacy_channel()]

    def _privacy_mass_left_out_action(self, record_ids):
        """The list of the documents left out, shown once the others are sent."""
        return {
            "type": "ir.actions.act_window",
            "name": _(
                "Not sent, no valid consent (%(channel)s): %(count)s",
                channel=self._privacy_channel_label(),
                count=len(record_ids),
            ),
            "res_model": self._privacy_mass_model(),
            "views": [(False, "list"), (False, "form")],
            "domain": [("id", "in", list(record_ids))],
            "target": "current",
        }
