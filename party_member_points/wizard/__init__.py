from . import party_member_status_wizard
from . import party_member_probation_wizard
