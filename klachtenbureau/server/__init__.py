"""The office server: a real PostgreSQL that Klachtenbureau starts itself on one PC of the office.

Why: two PCs writing one SQLite file over a network share lose confirmed
writes whenever the share does not carry byte-range locks between PCs
(DESIGN.md, Database). An office with several PCs working at once therefore
runs one PostgreSQL server, with its data on the local disk of the PC that
runs it, and the other PCs find it through a small connection file in the
shared folder they already use.

* ``postgres``        start/stop layer over the wheel's initdb/pg_ctl (``OfficeServer``)
* ``local_disk``      the refusal of a data folder on a network drive
* ``connection_file`` the file in the shared folder, and ``resolve(folder)`` for the clients
* ``roles``           the owner of the tables and the desks' role that cannot rewrite the audit log
* ``setup``           moving an office from the shared file to the server in one step
* ``backups``         nightly ``pg_dump`` into the shared folder, rotation, restore
* ``autostart``       systemd unit / Windows scheduled task so the server comes back after a reboot
* ``cli``             ``klachtenbureau server setup|run|status|stop|backup|restore|install-autostart``

No Qt in this package (the dialog is ``klachtenbureau.ui.server_dialog``).
"""
