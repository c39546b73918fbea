"""Looking after the database itself: opening and creating it, backups, and moving a shared file to the
office server.

``store`` opens, creates and checks the database; ``backups`` makes, checks, rotates
and restores copies; ``move_to_server`` moves a shared SQLite file's whole register to the office server's
PostgreSQL and checks that nothing was lost on the way.
"""
