"""Letters and dossiers: one acknowledgement letter, and the dossier of a complaint with 200 timeline entries.

Goals (issue 5): a letter under 100 ms, a 200-entry dossier under 1 s. Both
figures include reading the complaint and the settings from the database and
the PDF/A-2b post-processing; the dossier also appends its stored letter and
two attached PDFs.
"""

from __future__ import annotations

import io

from reportlab.pdfgen import canvas

from benchmarks import Context, timed
from klachtenbureau.models import Complaint
from klachtenbureau.workflow import editing, intake, letters, procedure

ENTRIES = 200
DESCRIPTION = "Benchmark bench_letters: de taxi kwam veertig minuten te laat."


def _attachment(label: str) -> bytes:
    buffer = io.BytesIO()
    drawing = canvas.Canvas(buffer)
    drawing.drawString(72, 760, label)
    drawing.rect(150, 300, 300, 300, fill=1)
    drawing.save()
    return buffer.getvalue()


def _complaint(ctx: Context) -> Complaint:
    """A postal complaint of our own, with a printed acknowledgement, two scans and 200 contacts.

    Made once per benchmark database and found again on later runs, so the database does not grow.
    """
    existing = Complaint.get_or_none(Complaint.description == DESCRIPTION)
    if existing is not None:
        return existing
    complaint = intake.register(ctx.user, intake.NewReport(
        description=DESCRIPTION, channel="post",
        relation={"name": "Jan de Vries", "street": "Dorpsstraat 12", "postcode": "1234 AB", "city": "Amsterdam"}))
    pdf = letters.letter_pdf(ctx.user, complaint, "acknowledgement")
    complaint = letters.record_letter(ctx.user, complaint, "acknowledgement", pdf, printed=True)
    for name in ("scan-1.pdf", "scan-2.pdf"):
        editing.attach_document(ctx.user, complaint, name, None, _attachment(name))
    for i in range(ENTRIES - 3):  # registration, letter and acknowledgement are on the timeline already
        procedure.add_contact(ctx.user, complaint, f"Contact {i}: besproken hoe het verder gaat.", method="phone",
                              direction="out")
    return complaint


def run(ctx: Context) -> dict[str, list[float]]:
    complaint = _complaint(ctx)
    return {
        "letter_acknowledgement": timed(lambda: letters.letter_pdf(ctx.user, complaint, "acknowledgement"),
                                        ctx.repeat),
        "dossier_200_entries": timed(lambda: letters.dossier_pdf(ctx.user, complaint), max(3, ctx.repeat // 3)),
    }
