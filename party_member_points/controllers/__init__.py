from . import portal
from . import portal_commitment
from . import xlsx
from . import pivot
