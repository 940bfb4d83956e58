from . import test_register
from . import test_ui
from . import test_points_logic
from . import test_points_entry
from . import test_points_register
from . import test_points_period
from . import test_points_result
from . import test_hr
