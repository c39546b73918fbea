"""Personal data: who may see it, what the complainant may ask, how long it stays, and how it leaves.

``privacy`` records who looked at a confidential dossier, answers the audit viewer, and serves a person's
rights under the AVG (everything held about them, erasure); ``retention`` anonymises what has passed its retention period; ``scrub`` removes
personal data from free text; ``export`` writes the register to CSV/JSON, anonymised or not.
"""
