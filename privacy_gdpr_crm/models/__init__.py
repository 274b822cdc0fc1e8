from . import privacy_lead_consent
from . import crm_lead
