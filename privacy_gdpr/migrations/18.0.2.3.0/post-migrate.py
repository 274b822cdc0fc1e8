"""To 18.0.2.3: contact reasons say whether they are marketing, the condition
they check on the person, and their channels (the data file is not updated).

The shipped reasons get the values a new database has; reasons the company
created keep the defaults (not marketing, every channel and country, no
condition) for it to review. Written through the ORM: the audit log records
the changes.
"""

from odoo import SUPERUSER_ID, api

SHIPPED_VALUES = {
    "contact_reason_existing_customer": {
        "is_marketing": True,
        "condition": "recent_customer",
    },
    "contact_reason_b2b_prospect": {"is_marketing": True, "condition": "business"},
    "contact_reason_consent_elsewhere": {"is_marketing": True},
    "contact_reason_vital_interests": {"allow_email": False},
}


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {"active_test": False})
    for xmlid, values in SHIPPED_VALUES.items():
        reason = env.ref(f"privacy_gdpr.{xmlid}", raise_if_not_found=False)
        if reason:
            reason.write(values)
