"""E-mail in and out (issue 14): the office's mailbox as a channel, and every letter by e-mail.

Workflow layer: no Qt. The modules:

- ``mail_settings``: the one office-wide setting "mail" (SMTP, IMAP, Microsoft 365, website-form mapping).
- ``oauth``: signing in to Microsoft 365 with MSAL for SMTP and IMAP (XOAUTH2).
- ``outgoing``: a letter as an e-mail with the PDF attached, sent over SMTP through this PC's outbox
  (nothing lost, nothing sent twice), a draft .eml for the mail program, the test mail.
- ``incoming``: reading .eml and Outlook .msg files into an ``IncomingMessage``; website-form mails to intake fields.
- ``mailbox``: the IMAP mailbox: listing, fetching, marking a message once the database has it.
- ``sorting``: what becomes of a message: a new complaint, added to a complaint, or not a complaint
  (once per Message-ID, also from two PCs at once).
"""
