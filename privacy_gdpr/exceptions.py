from odoo.exceptions import UserError


class PrivacyReasonRequired(UserError):
    """A contact was refused: some people have no valid consent and no contact
    reason was given for them.

    A subclass, so that clients can tell it from other errors by its name.
    """


class PrivacyApiError(UserError):
    """Bad input to the telephony service, naming the field at fault.

    Over Odoo's external API it is a plain UserError; the HTTP API answers it as
    ``{"error": {"code": code, "field": field, "message": ...}}`` with ``status``.
    """

    def __init__(self, message, field, code="invalid_field", status=400, **details):
        super().__init__(message)
        self.field = field
        self.code = code
        self.status = status
        self.details = details

    def error_data(self):
        """The error as the HTTP API and a batch's results give it."""
        return {
            "code": self.code,
            "message": self.args[0],
            "field": self.field,
            **self.details,
        }


class PrivacyWebInputError(UserError):
    """The consent boxes posted by a web form were not the ones it showed (a
    value altered, an unknown consent type, a forged signature): nothing is
    recorded, nor created.

    ``fields`` names the inputs at fault, as the website's forms report bad
    input (``{"error_fields": fields}``).
    """

    def __init__(self, message, fields):
        super().__init__(message)
        self.fields = list(fields)


class PrivacyReasonRefused(UserError):
    """A contact was refused: the contact reason given may not be used for some
    of the people contacted on this channel (they objected, they are not
    customers, the reason is not for this channel or their country...).

    ``refusals``: ``{partner: why}`` of the people it may not be used for.
    """

    def __init__(self, message, refusals):
        super().__init__(message)
        self.refusals = refusals
