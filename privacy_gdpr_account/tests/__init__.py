from . import test_invoice_customer_reason
from . import test_invoice_retention
