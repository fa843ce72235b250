"""``python -m reportbot``: the command line."""

from .app.cli import run

run()
