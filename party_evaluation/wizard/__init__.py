from . import party_evaluation_ballot_entry
from . import party_evaluation_ballot_entry_line
from . import party_evaluation_reason_wizard
from . import party_evaluation_upper_ruling
from . import party_evaluation_tally_confirm
