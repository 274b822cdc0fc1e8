from collections import defaultdict

from odoo import api, models
from odoo.osv import expression


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    def _routing_handle_bounce(self, email_message, message_dict):
        # Too many bounces put an address on the blocklist: the address is dead,
        # the person did not withdraw anything, so no consent is withdrawn.
        return super(
            MailThread, self.with_context(privacy_no_withdrawal=True)
        )._routing_handle_bounce(email_message, message_dict)

    # ------------------------------------------------------------
    # Records matched to partners by e-mail or number
    # ------------------------------------------------------------

    def _privacy_matching_partners(self, fname, partner_fnames):
        """For each record, the partners whose ``partner_fnames`` hold the
        record's ``fname`` value: ``{record_id: partners}``."""
        Partner = self.env["res.partner"]
        values = {value for value in self.mapped(fname) if value}
        partners = (
            Partner.search(
                expression.OR(
                    [[(pfname, "in", list(values))] for pfname in partner_fnames]
                )
            )
            if values
            else Partner
        )
        by_value = defaultdict(Partner.browse)
        for partner in partners:
            for pfname in partner_fnames:
                if partner[pfname]:
                    by_value[partner[pfname]] |= partner
        return {record.id: by_value[record[fname]] for record in self}

    @api.model
    def _privacy_search_matching_partners(self, fname, partner_fnames, operator, value):
        """Search records by the partners sharing their ``fname`` value.

        Records whose ``fname`` equals the ``partner_fnames`` of partners among
        ``value`` (ids or a query: ``('x', 'any', partner_domain)`` gives one),
        or of any partner with ``('x', '!=', False)``. PostgreSQL evaluates it as
        subqueries on the partners' indexed columns.
        """
        if operator in ("=", "!=") and value is False:
            positive, partner_domain = operator == "!=", []
        elif operator in ("in", "not in"):
            positive, partner_domain = operator == "in", [("id", "in", value)]
        else:
            raise NotImplementedError(f"Unsupported search: {operator} {value!r}")
        Partner = self.env["res.partner"]
        leaves = []
        for pfname in partner_fnames:
            query = Partner._search(partner_domain + [(pfname, "!=", False)])
            values = query.subselect(Partner._field_to_sql(query.table, pfname, query))
            leaves.append([(fname, "in", values)])
        domain = expression.OR(leaves)
        if positive:
            return domain
        # "Not matched" includes the records without a value, which a NOT IN on
        # the value itself would miss.
        return [("id", "not in", self.with_context(active_test=False)._search(domain))]
