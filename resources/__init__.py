"""The app's files that are not code: icon, desktop entry, AppStream metainfo, example experiments.

Installed as ``playground.resources`` (the top-level ``resources/`` folder is mapped there);
read them through :mod:`playground.resources_path`.
"""
