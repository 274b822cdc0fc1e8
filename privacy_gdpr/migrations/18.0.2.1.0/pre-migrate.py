"""To 18.0.2.1: every history row says what recorded it (``source``, required).

Rows written before were not told; their source is read from what they hold:
the expiry (expired from given by the scheduled action), the double opt-in
(pending to given through a request), the preference page (a request), a new
request (back to no answer), an import (obtained by import), an unsubscribe
(the English note of Odoo's unsubscribe), else staff.
"""


def migrate(cr, version):
    cr.execute(
        """
            ALTER TABLE privacy_consent_history ADD COLUMN IF NOT EXISTS source varchar;
            UPDATE privacy_consent_history
               SET source = CASE
                   WHEN old_state = 'given' AND new_state = 'expired'
                        AND request_id IS NULL THEN 'expiry'
                   WHEN request_id IS NOT NULL AND old_state = 'pending'
                        AND new_state = 'given' THEN 'double_optin'
                   WHEN request_id IS NOT NULL THEN 'page'
                   WHEN new_state = 'none' THEN 'reset'
                   WHEN method = 'import' THEN 'import'
                   WHEN note LIKE 'Unsubscribed%' THEN 'unsubscribe'
                   ELSE 'staff'
               END
             WHERE source IS NULL
        """
    )
