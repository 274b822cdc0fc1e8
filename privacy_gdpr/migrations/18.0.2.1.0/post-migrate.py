"""To 18.0.2.1: the texts of each consent type get their first version.

Consents recorded before keep no version: the type's form counts them among
the consents resting on an older text (their persons agreed to a wording that
was not kept).
"""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["privacy.consent.type"].with_context(active_test=False).search(
        []
    )._current_text()
