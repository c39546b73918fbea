"""The parts of the dossier window (ui/dossier_window.py): forms, step dialogs, panels, attachments."""
