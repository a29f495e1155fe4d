"""The back-office web app: staff advance family cases in the browser, in Armenian and
English. Built by ``web.app.create_app(runtime)`` on the same service layer as the CLI."""
