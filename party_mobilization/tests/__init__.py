from . import test_rules
from . import test_person
from . import test_forward_project
from . import test_reverse_project
from . import test_access
from . import test_reports
from . import test_access_matrix
from . import test_query_counts
