from . import test_invoice_customer_reason
