"""Exporters: thin writers over core (xlsx with openpyxl, HTML with jinja2, QGIS print layouts)."""
