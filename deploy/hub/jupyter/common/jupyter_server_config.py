"""Jupyter server settings shared by every server the hub starts (users' and the formgrader).

JupyterHub >= 4.1 makes single-user servers send ``Content-Security-Policy: frame-ancestors
'none'``, so JupyterLab's formgrader and assignment-list panels (iframes of the same server) show
a blank page (nbgrader issue #1870). Allowing frames from the same origin, as nbgrader's demos do,
brings them back and still keeps every other site from framing the course.
"""

c = get_config()  # noqa: F821  (provided by the traitlets config loader)

c.ServerApp.tornado_settings = {"headers": {"Content-Security-Policy": "frame-ancestors 'self'"}}
