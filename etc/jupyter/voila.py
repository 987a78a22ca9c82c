"""Voila settings for the apps, read by Voila's server extension via JUPYTER_CONFIG_PATH."""

from vidensbasering.render_watch import page_resources
from vidensbasering.serve import VOILA_TEMPLATE, voila_page_config

c = get_config()  # noqa: F821  (provided by the traitlets config loader)

# The lab template without public CDN links (lib/vidensbasering/jupyter/voila/templates/).
c.VoilaConfiguration.template = VOILA_TEMPLATE
# Voila loads every installed JupyterLab extension into the app page. These two extend
# JupyterLab's own interface (nbgrader's assignment and formgrader panels, Notebook's "open in"
# buttons) and need JupyterLab modules an app page does not have: they only log errors there.
c.VoilaConfiguration.extension_denylist = [
    "@jupyter/nbgrader",
    "@jupyter-notebook/lab-extension",
]
# MathJax from the bundle served by Voila, not from cdnjs.
c.VoilaConfiguration.page_config_hook = voila_page_config
# Always that template: a "?template=..." in the address must not bring the CDN links back.
c.VoilaConfiguration.allow_template_override = "NO"
# The pages are Danish: <html lang="da"> (screen readers pick the voice from it). Standalone
# Voila reads this file; the server extension gives its exporter the server's own settings, so
# jupyter_server_config.py says the same.
c.VoilaExporter.language_code = "da"
# No silent stall: a page still loading after the time limit (VIDENSBASERING_RENDER_LIMIT_S,
# default 45 s) shows a Danish message with a reload button and reports it to the server log.
c.VoilaConfiguration.resources = {"vidensbasering": page_resources()}
# A cell's outputs may come well after its reply when a room opens the app at once: wait up to a
# minute before dropping them (as jupyter_server_config.py does for make start).
c.VoilaExecutor.iopub_timeout = 60
