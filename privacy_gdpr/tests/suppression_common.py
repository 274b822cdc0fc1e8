import hashlib
import hmac


class SuppressionMixin:
    """What a suppression entry of an address should be, computed apart from
    the addon's code."""

    def expected_hash(self, value):
        secret = self.env["ir.config_parameter"].sudo().get_param("database.secret")
        return hmac.new(secret.encode(), value.encode(), hashlib.sha256).hexdigest()

    def entry(self, value, active=True):
        return (
            self.env["privacy.suppression"]
            .sudo()
            .with_context(active_test=False)
            .search([("hash", "=", self.expected_hash(value)), ("active", "=", active)])
        )
