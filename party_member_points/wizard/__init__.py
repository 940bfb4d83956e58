from . import party_member_status_wizard
from . import party_member_probation_wizard
from . import party_points_batch_wizard
from . import party_points_reject_wizard
from . import party_points_reverse_wizard
from . import party_points_appeal_answer_wizard
from . import party_points_result_wizard
from . import party_member_portal_wizard
