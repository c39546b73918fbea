"""Working on while the shared database is away, and noticing what others changed.

``resilience`` reconnects when the share or server comes back and checks what was written; ``write_queue`` keeps this PC's
confirmed input until the database has it; ``drafts`` keeps unfinished intakes and unsaved edits on this
PC; ``changes`` tells cheaply whether anyone changed the database. Only the desk's offline handling and the
procedure's write path use them.
"""
