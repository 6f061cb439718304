"""The web application: server-rendered pages (Jinja2 + htmx) and the HTTP API (FastAPI).

Start it with ``aktsam serve``; build it with :func:`aktsam.web.app.create_app`. Authentication,
roles and CSRF protection: :mod:`aktsam.web.auth`; JSON errors: :mod:`aktsam.web.errors`; rate limits:
:mod:`aktsam.web.ratelimit`; templates: :mod:`aktsam.web.templating`.
"""
