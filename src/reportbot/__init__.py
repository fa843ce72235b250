"""reportbot: cited question answering over research reports."""

from .config import Settings
from .documents.tables import Table
from .models import Answer, Citation, Hit

__all__ = ["ReportBot", "Settings", "Answer", "Citation", "Hit", "Table"]
__version__ = "0.1.0"


def __getattr__(name):  # keep `import reportbot` light: the model loads only when needed
    if name == "ReportBot":
        from .bot import ReportBot

        return ReportBot
    raise AttributeError(name)
