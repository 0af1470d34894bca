"""The parts of the review dock (gui/review_dock.py): patch list, form, attachments, batch actions, map."""
