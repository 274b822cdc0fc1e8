from . import consent_page
