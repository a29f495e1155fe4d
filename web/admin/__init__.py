"""The programme's administration in the browser: staff accounts and passwords (admins),
partners and communities (admins and managers), the budget and the document kinds as
configured (read only), and the history of every change (admins)."""
