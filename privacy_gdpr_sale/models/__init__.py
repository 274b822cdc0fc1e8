from . import sale_order
from . import privacy_retention_candidate
