from . import privacy_contact_reason
