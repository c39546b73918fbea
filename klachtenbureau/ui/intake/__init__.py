"""The intake wizard for the telephonist (seed 000 steps 1–4, seed 002)."""

from klachtenbureau.ui.intake.wizard import IntakeWizard

__all__ = ["IntakeWizard"]
