from . import portal
from . import xlsx
