from . import test_rules
from . import test_gates
from . import test_campaign_flow
from . import test_access
from . import test_exports_dashboard
from . import test_ui
from . import test_online_ballot
