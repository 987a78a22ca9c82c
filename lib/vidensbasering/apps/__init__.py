"""The widgets behind each Voila app; a notebook in ``notebooks/apps/`` only wires one up."""
