from odoo.exceptions import UserError


class PrivacyReasonRequired(UserError):
    """A contact was refused: some people have no valid consent and no contact
    reason was given for them.

    A subclass, so that clients can tell it from other errors by its name.
    """
