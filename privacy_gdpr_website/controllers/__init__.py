from . import consent_fields
from . import website_form
from . import auth_signup
