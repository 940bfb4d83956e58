from . import test_rules
from . import test_gates
from . import test_campaign_flow
from . import test_access
from . import test_query_counts
