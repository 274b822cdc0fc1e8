from . import test_consent_fields
from . import test_website_form
from . import test_signup
from . import test_trackers
