"""The parts of the dossier window (ui/dossier_window.py): forms, step dialogs, panels, attachments, letters,
what waits on this PC (pending.py) and the watch for changes made elsewhere (watch.py)."""
