from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

# The contact details a contact and a lead both name alike: emptied on both.
CONTACT_DETAIL_FIELDS = (
    "email_normalized",
    "phone",
    "mobile",
    "phone_sanitized",
    "function",
    "street",
    "street2",
    "zip",
    "city",
    "state_id",
    "website",
)
# The identity of a contact, emptied by the anonymisation; those a database
# lacks (an uninstalled module's) are skipped.
IDENTITY_FIELDS = (
    *CONTACT_DETAIL_FIELDS,
    "email",
    "privacy_phone_e164",
    "privacy_mobile_e164",
    "vat",
    "company_registry",
    "company_name",
    "comment",
)
IMAGE_FIELDS = ("image_1920", "image_1024", "image_512", "image_256", "image_128")
# Partners anonymised per statement: the scheduled action's chunks.
ANONYMISE_CHUNK = 20000


class PrivacyErasure(models.AbstractModel):
    """Anonymising contacts, set-based: the identity goes, the proof stays.

    The consent history and the contact log are the proof that the person
    consented or objected (GDPR art. 17(3)(e)): an anonymised contact keeps
    them, without its name, addresses, numbers, messages, the IP addresses and
    user agents of its proofs and the links sent to it. Each address and
    number leaves a suppression entry (``privacy.suppression``).
    """

    _name = "privacy.erasure"
    _description = "Contact Anonymisation"

    @api.model
    def _check_anonymisable(self, partners):
        """Users and companies are people of the database itself: they are not
        anonymised as contacts."""
        domain = [("partner_id", "in", partners.ids)]
        users = (
            self.env["res.users"].sudo().with_context(active_test=False).search(domain)
        )
        companies = self.env["res.company"].sudo().search(domain)
        protected = (users.partner_id | companies.partner_id).with_env(self.env)
        if protected:
            raise UserError(
                _(
                    "%(names)s: the contact of a user or of a company cannot be "
                    "anonymised.",
                    names=", ".join(protected.mapped("display_name")),
                )
            )

    @api.model
    def _anonymise(self, partner_ids, reason="anonymisation"):
        """Anonymise ``partner_ids`` in a few statements per chunk, whatever
        their number, and leave their suppression entries."""
        partner_ids = list(partner_ids)
        for start in range(0, len(partner_ids), ANONYMISE_CHUNK):
            self._anonymise_chunk(partner_ids[start : start + ANONYMISE_CHUNK], reason)

    @api.model
    def _anonymise_chunk(self, ids, reason):
        self.env["privacy.suppression"]._suppress(ids, reason)
        self.env.flush_all()
        Partner = self.env["res.partner"]
        identity = [
            fname
            for fname in IDENTITY_FIELDS
            if fname in Partner._fields and Partner._fields[fname].store
        ]
        now = fields.Datetime.now()
        name = _("Anonymised contact #%s")
        cr = self.env.cr
        self._anonymise_related(ids)
        # The address in the texts of the proofs (the double opt-in says
        # where its link was sent) before the address goes.
        for table in ("privacy_consent_history", "privacy_partner_consent"):
            cr.execute(
                SQL(
                    """
                    UPDATE %(table)s t
                       SET proof_text = replace(t.proof_text, p.email_normalized, '…')
                      FROM res_partner p
                     WHERE p.id = t.partner_id AND p.id = ANY(%(ids)s)
                       AND p.email_normalized IS NOT NULL
                       AND strpos(t.proof_text, p.email_normalized) > 0
                    """,
                    table=SQL.identifier(table),
                    ids=ids,
                )
            )
        cr.execute(
            SQL(
                """
                UPDATE res_partner
                   SET name = format(%(name)s, id),
                       complete_name = format(%(name)s, id),
                       commercial_company_name = CASE WHEN is_company
                           THEN format(%(name)s, id) END,
                       %(identity)s, active = FALSE,
                       privacy_anonymised_date = %(now)s, write_date = %(now)s,
                       write_uid = %(uid)s
                 WHERE id = ANY(%(ids)s)
                """,
                name=name,
                identity=SQL(", ").join(
                    SQL("%s = NULL", SQL.identifier(fname)) for fname in identity
                ),
                now=now,
                uid=self.env.uid,
                ids=ids,
            )
        )
        for table in ("privacy_consent_history", "privacy_partner_consent"):
            cr.execute(
                SQL(
                    "UPDATE %s SET proof_ip = NULL, proof_user_agent = NULL"
                    " WHERE partner_id = ANY(%s)"
                    " AND (proof_ip IS NOT NULL OR proof_user_agent IS NOT NULL)",
                    SQL.identifier(table),
                    ids,
                )
            )
        # Its links stop working: without their secret, no signed link matches.
        cr.execute(
            SQL(
                """
                UPDATE privacy_consent_request
                   SET answer_ip = NULL, answer_user_agent = NULL, nonce = NULL,
                       confirm_nonce = NULL,
                       state = CASE WHEN state = 'sent' THEN 'expired' ELSE state END
                 WHERE partner_id = ANY(%s)
                """,
                ids,
            )
        )
        cr.execute(
            SQL("DELETE FROM privacy_partner_alias WHERE partner_id = ANY(%s)", ids)
        )
        self._erase_messages(ids)
        self.env.invalidate_all()
        self.env["ir.attachment"].sudo().search(
            [
                ("res_model", "=", "res.partner"),
                ("res_field", "in", IMAGE_FIELDS),
                ("res_id", "in", ids),
            ]
        ).unlink()
        # Names shown with a parent's (a company's employees) follow it.
        children = Partner.with_context(active_test=False).search(
            [("parent_id", "in", ids), ("id", "not in", ids)]
        )
        if children:
            self.env.add_to_compute(Partner._fields["complete_name"], children)
            children.flush_recordset()

    @api.model
    def _erase_messages(self, ids):
        """The bodies of the messages the contacts wrote, and of their own
        chatter, with what their tracking kept of the old values."""
        cr = self.env.cr
        cr.execute(
            SQL(
                """
                DELETE FROM mail_tracking_value v
                 USING mail_message m
                 WHERE v.mail_message_id = m.id
                   AND m.model = 'res.partner' AND m.res_id = ANY(%(ids)s)
                """,
                ids=ids,
            )
        )
        cr.execute(
            SQL(
                """
                UPDATE mail_message
                   SET body = '', subject = NULL, email_from = NULL
                 WHERE author_id = ANY(%(ids)s)
                    OR (model = 'res.partner' AND res_id = ANY(%(ids)s))
                """,
                ids=ids,
            )
        )

    @api.model
    def _anonymise_related(self, ids):
        """Hook: the copies a bridge keeps of these contacts' identity (and the
        proofs of its own models), emptied in SQL. Called while the contacts
        still have their addresses and numbers, to find copies by them."""
