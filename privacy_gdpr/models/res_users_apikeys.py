import hashlib

from odoo import models

from odoo.addons.base.models.res_users import INDEX_SIZE

# Keys verified by this process: (database, sha256 of the key) -> (key row id,
# stored hash). Only keys that passed Odoo's own check get in, so a flood of
# wrong keys cannot grow it; the bound only caps a process serving many keys.
_VERIFIED_KEYS = {}
_VERIFIED_KEYS_MAX = 1024


class ResUsersApikeys(models.Model):
    _inherit = "res.users.apikeys"

    def _privacy_api_user(self, key):
        """``(user id, company id, lang, tz)`` of the active user owning the global
        API key ``key``, or None.

        Odoo checks a key by PBKDF2 (several milliseconds of CPU), too slow for a
        telephone exchange that asks before every call. The first use of a key
        goes through Odoo's check; later uses only verify, in one indexed query,
        that the very same key row (same id, same hash) is still there and valid,
        so a removed or expired key or an archived user is refused at once. The
        query also gives the user's company, language and time zone: what a
        session's context holds, without reading the user afterwards.
        """
        if not key:
            return None
        cache_key = (self.env.cr.dbname, hashlib.sha256(key.encode()).digest())
        verified = _VERIFIED_KEYS.get(cache_key)
        if verified:
            self.env.cr.execute(
                f"""
                SELECT u.id, u.company_id, p.lang, p.tz
                  FROM {self._table} k
                  JOIN res_users u ON u.id = k.user_id
                  JOIN res_partner p ON p.id = u.partner_id
                 WHERE k.id = %s AND k.key = %s AND u.active
                   AND (k.scope IS NULL OR k.scope = 'rpc')
                   AND (k.expiration_date IS NULL
                        OR k.expiration_date >= now() at time zone 'utc')
                """,
                verified,
            )
            row = self.env.cr.fetchone()
            if not row:
                _VERIFIED_KEYS.pop(cache_key, None)
            return row
        # "rpc" accepts the global keys made in Preferences, like auth="bearer".
        user_id = self._check_credentials(scope="rpc", key=key)
        if not user_id:
            return None
        self.env.cr.execute(
            f"""
            SELECT k.id, k.key, u.company_id, p.lang, p.tz
              FROM {self._table} k
              JOIN res_users u ON u.id = k.user_id
              JOIN res_partner p ON p.id = u.partner_id
             WHERE k.index = %s AND k.user_id = %s
            """,
            [key[:INDEX_SIZE], user_id],
        )
        rows = self.env.cr.fetchall()
        # Two keys of one user sharing their index: rare enough to not cache.
        if len(rows) == 1:
            if len(_VERIFIED_KEYS) >= _VERIFIED_KEYS_MAX:
                _VERIFIED_KEYS.clear()
            _VERIFIED_KEYS[cache_key] = rows[0][:2]
        return (user_id, *rows[0][2:])
