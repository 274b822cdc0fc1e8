import hashlib

from odoo import fields, models, tools
from odoo.exceptions import AccessDenied

from odoo.addons.base.models.res_users import INDEX_SIZE, KEY_CRYPT_CONTEXT


class ResUsersApikeys(models.Model):
    _inherit = "res.users.apikeys"

    def _privacy_api_user(self, key):
        """``(user id, company id)`` of the active user owning the global API key
        ``key``, or None.

        Odoo checks a key by PBKDF2 (several milliseconds of CPU), too slow for a
        telephone exchange that asks before every call. As Odoo does for the
        passwords and keys of its external API (``res.users.check``), a key
        accepted once is kept in Odoo's cache, which Odoo clears in every worker
        when the key is removed or changed, or its user archived, deleted or
        given other groups or companies; its expiry is checked at each request.
        """
        if not key:
            return None
        try:
            user_id, company_id, expiration = self._privacy_verified_key(
                hashlib.sha256(key.encode()).hexdigest(), key
            )
        except AccessDenied:
            return None
        if expiration and expiration < fields.Datetime.now():
            return None
        return user_id, company_id

    @tools.ormcache("digest")
    def _privacy_verified_key(self, digest, key):
        """``(user id, user's company id, expiry)`` of the global API key ``key``
        of SHA-256 ``digest``, once Odoo's own check accepted it; only the digest
        is a key of the cache. A refused key raises AccessDenied: wrong keys are
        never cached."""
        # "rpc" accepts the global keys made in Preferences, like auth="bearer".
        user_id = self._check_credentials(scope="rpc", key=key)
        if not user_id:
            raise AccessDenied()
        self.env.cr.execute(
            f"""
            SELECT k.key, u.company_id, k.expiration_date
              FROM {self._table} k
              JOIN res_users u ON u.id = k.user_id
             WHERE k.index = %s AND k.user_id = %s
            """,
            [key[:INDEX_SIZE], user_id],
        )
        rows = self.env.cr.fetchall()
        # Two keys of one user sharing their index (rare): tell them apart.
        row = (
            rows[0]
            if len(rows) == 1
            else next(row for row in rows if KEY_CRYPT_CONTEXT.verify(key, row[0]))
        )
        return user_id, *row[1:]

    def write(self, vals):
        # Forget the keys accepted by every worker (Odoo's registry signalling).
        self.env.registry.clear_cache()
        return super().write(vals)

    def unlink(self):
        self.env.registry.clear_cache()
        return super().unlink()
