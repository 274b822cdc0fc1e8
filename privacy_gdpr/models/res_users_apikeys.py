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

    def _privacy_api_user_id(self, key):
        """The id of the active user owning the global API key ``key``, or None.

        Odoo checks a key by PBKDF2 (several milliseconds of CPU), too slow for a
        telephone exchange that asks before every call. The first use of a key
        goes through Odoo's check; later uses only verify, in one indexed query,
        that the very same key row (same id, same hash) is still there and valid,
        so a removed or expired key or an archived user is refused at once.
        """
        if not key:
            return None
        cache_key = (self.env.cr.dbname, hashlib.sha256(key.encode()).digest())
        verified = _VERIFIED_KEYS.get(cache_key)
        if verified:
            self.env.cr.execute(
                f"""
                SELECT k.user_id
                  FROM {self._table} k
                  JOIN res_users u ON u.id = k.user_id
                 WHERE k.id = %s AND k.key = %s AND u.active
                   AND (k.scope IS NULL OR k.scope = 'rpc')
                   AND (k.expiration_date IS NULL
                        OR k.expiration_date >= now() at time zone 'utc')
                """,
                verified,
            )
            row = self.env.cr.fetchone()
            if row:
                return row[0]
            _VERIFIED_KEYS.pop(cache_key, None)
            return None
        # "rpc" accepts the global keys made in Preferences, like auth="bearer".
        user_id = self._check_credentials(scope="rpc", key=key)
        if user_id:
            self.env.cr.execute(
                f"SELECT id, key FROM {self._table} WHERE index = %s AND user_id = %s",
                [key[:INDEX_SIZE], user_id],
            )
            rows = self.env.cr.fetchall()
            # Two keys of one user sharing their index: rare enough to not cache.
            if len(rows) == 1:
                if len(_VERIFIED_KEYS) >= _VERIFIED_KEYS_MAX:
                    _VERIFIED_KEYS.clear()
                _VERIFIED_KEYS[cache_key] = rows[0]
        return user_id
