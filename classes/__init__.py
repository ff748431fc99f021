"""Teaching with shared maps: classes, their rosters and join codes, and the maps shared with
them (issue 11). Laid out in the same layers as `debates/`, over debates' services."""
