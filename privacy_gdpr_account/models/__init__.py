from . import privacy_contact_reason
from . import privacy_retention_candidate
