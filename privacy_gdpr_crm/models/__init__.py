from . import privacy_lead_consent
from . import crm_lead
from . import privacy_retention_candidate
from . import privacy_erasure
