from . import test_sale_privacy
