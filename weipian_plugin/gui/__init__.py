"""Dialogs and map layers: one module per forms/*.ui, thin over ``core``."""
