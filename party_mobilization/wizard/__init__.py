from . import party_mobilization_roster_export
