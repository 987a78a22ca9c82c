"""Server extensions of a user's server in the hub: the assignment list, not the formgrader.

Students fetch, submit and read feedback with nbgrader's assignment list; grading happens in the
course's formgrader service (``grader-vidensbasering``), which only instructors can open. Voila
serves the apps at ``/user/<name>/voila/render/vidensbasering/notebooks/apps/<app>.ipynb``; the
course's app links (``/voila/render/notebooks/apps/<app>.ipynb``, ``make start``'s addresses) are
handed to JupyterLab with that address (``vidensbasering.contents``).
"""

from vidensbasering.hub import USER_COURSE_FOLDER

c = get_config()  # noqa: F821  (provided by the traitlets config loader)

# The lessons are copied to ~/vidensbasering/notebooks (vidensbasering.hub.copy_lessons).
c.CourseContentsManager.app_folder = f"{USER_COURSE_FOLDER}/notebooks/apps"

c.ServerApp.jpserver_extensions = {
    "jupyterlab": True,
    "voila.server_extension": True,
    "nbgrader.server_extensions.assignment_list": True,
    "nbgrader.server_extensions.course_list": True,
    "nbgrader.server_extensions.validate_assignment": True,
    "nbgrader.server_extensions.formgrader": False,
    # nbgitpuller links from an LMS page put a lesson into the user's home (README, "nbgitpuller").
    "nbgitpuller": True,
    # As under make start: an app page that has not arrived says so and the log records it.
    "vidensbasering.render_watch": True,
    "jupyter_server_mathjax": True,
}
