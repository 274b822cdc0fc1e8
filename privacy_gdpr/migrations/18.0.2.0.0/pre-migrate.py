"""From 18.0.1 (one addon) to 18.0.2 (a core and bridge addons).

Two things would lose data if left to Odoo's upgrade:

- the fields of contacts renamed from ``gdpr_*`` to ``privacy_*``: Odoo would
  add empty columns for the new names and drop the old ones, so the columns,
  their indexes, the fields' records and external ids are renamed here, and so
  are the saved filters and export templates that name them;
- what moved to the bridges (the mailing filter's consent types, the traces
  cancelled for lack of consent, leads, the SMS composer): at the end of the
  upgrade Odoo deletes what the core no longer defines, unless another installed
  addon defines it too. The bridges whose apps are installed are installed in
  the same run, and the views and the action they now own are handed over to
  them, so that they update those records instead of making copies.
"""

import logging

from odoo.tools import SQL

_logger = logging.getLogger(__name__)

RENAMED_FIELDS = {
    "gdpr_consent_ids": "privacy_consent_ids",
    "gdpr_consent_history_ids": "privacy_consent_history_ids",
    "gdpr_contact_log_ids": "privacy_contact_log_ids",
    "gdpr_phone_e164": "privacy_phone_e164",
    "gdpr_mobile_e164": "privacy_mobile_e164",
    "gdpr_request_date": "privacy_request_date",
    "gdpr_answer_date": "privacy_answer_date",
    "gdpr_consent_editable": "privacy_consent_editable",
    "gdpr_request_ids": "privacy_request_ids",
    "gdpr_allow_mass_mailing": "privacy_allow_mass_mailing",
    "gdpr_allow_sms": "privacy_allow_sms",
    "gdpr_consent_expired": "privacy_consent_expired",
    "gdpr_no_answer": "privacy_no_answer",
}
# The bridges, the apps each needs, and the records of the core they now own.
BRIDGES = {
    "privacy_gdpr_sms": {
        "needs": ["sms"],
        "records": ["sms_composer_view_form"],
    },
    "privacy_gdpr_mass_mailing": {
        "needs": ["mass_mailing"],
        "records": ["mailing_mailing_view_form", "mailing_trace_view_search"],
    },
    "privacy_gdpr_mass_mailing_sms": {
        "needs": ["mass_mailing_sms"],
        "records": [],
    },
    "privacy_gdpr_crm": {
        "needs": ["crm"],
        "records": [
            "crm_lead_view_form",
            "crm_case_tree_view_leads",
            "crm_case_tree_view_oppor",
            "privacy_log_call_lead_action",
        ],
    },
}


def _column_exists(cr, table, column):
    cr.execute(
        "SELECT 1 FROM information_schema.columns "
        "WHERE table_name = %s AND column_name = %s",
        [table, column],
    )
    return bool(cr.fetchone())


def rename_partner_fields(cr):
    for old, new in RENAMED_FIELDS.items():
        if _column_exists(cr, "res_partner", old) and not _column_exists(
            cr, "res_partner", new
        ):
            cr.execute(
                SQL(
                    "ALTER TABLE res_partner RENAME COLUMN %s TO %s",
                    SQL.identifier(old),
                    SQL.identifier(new),
                )
            )
            cr.execute(
                SQL(
                    "ALTER INDEX IF EXISTS %s RENAME TO %s",
                    SQL.identifier(f"res_partner__{old}_index"),
                    SQL.identifier(f"res_partner__{new}_index"),
                )
            )
        cr.execute(
            "UPDATE ir_model_fields SET name = %s "
            "WHERE name = %s AND model IN ('res.partner', 'res.users')",
            [new, old],
        )
        for model in ("res_partner", "res_users"):
            cr.execute(
                "UPDATE ir_model_data SET name = %s "
                "WHERE module = 'privacy_gdpr' AND model = 'ir.model.fields' "
                "AND name = %s",
                [f"field_{model}__{new}", f"field_{model}__{old}"],
            )
        # Saved filters and export templates name fields by their name.
        cr.execute(
            "UPDATE ir_filters SET domain = replace(domain, %s, %s), "
            "context = replace(context, %s, %s) "
            "WHERE domain LIKE %s OR context LIKE %s",
            [old, new, old, new, f"%{old}%", f"%{old}%"],
        )
        cr.execute(
            "UPDATE ir_exports_line SET name = replace(name, %s, %s) "
            "WHERE name LIKE %s",
            [old, new, f"%{old}%"],
        )


def install_bridges(cr):
    for bridge, moved in BRIDGES.items():
        cr.execute(
            "SELECT count(*) FROM ir_module_module "
            "WHERE name IN %s AND state IN ('installed', 'to upgrade', 'to install')",
            [tuple(moved["needs"])],
        )
        if cr.fetchone()[0] != len(moved["needs"]):
            continue
        cr.execute("SELECT state FROM ir_module_module WHERE name = %s", [bridge])
        row = cr.fetchone()
        if not row:
            _logger.warning("privacy_gdpr: the addon %s is missing", bridge)
            continue
        if row[0] != "uninstalled":
            continue
        cr.execute(
            "UPDATE ir_module_module SET state = 'to install' WHERE name = %s",
            [bridge],
        )
        if moved["records"]:
            cr.execute(
                "UPDATE ir_model_data SET module = %s "
                "WHERE module = 'privacy_gdpr' AND name IN %s",
                [bridge, tuple(moved["records"])],
            )
        _logger.info("privacy_gdpr: %s installed with this upgrade", bridge)


def migrate(cr, version):
    rename_partner_fields(cr)
    install_bridges(cr)
