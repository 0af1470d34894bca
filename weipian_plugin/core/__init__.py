"""Pure-Python domain core of weipian: no qgis, no Qt, so it runs and tests anywhere."""
