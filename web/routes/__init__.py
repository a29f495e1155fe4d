"""Routes: thin. They read the request, call the service layer or a read query, and
render a page or JSON; the rules live in ``workflow`` and the readers in ``web.forms``."""
