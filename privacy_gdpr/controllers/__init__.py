from . import consent_page
from . import telephony_api
from . import privacy_dossier
