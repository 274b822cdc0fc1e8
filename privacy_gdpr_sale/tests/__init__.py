from . import test_sale_privacy
from . import test_sale_report_pdf
from . import test_sale_customer_reason
from . import test_sale_retention
