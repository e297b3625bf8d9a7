"""The peer: django-appointment in a project of its own, run from its own virtual environment."""
