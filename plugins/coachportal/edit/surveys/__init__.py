"""Survey exports as the tools write them: Google Forms, Microsoft Forms, Qualtrics, SurveyMonkey."""

from .detect import FORMATS, read_export
from .result import Imported, Options, Result

__all__ = ["FORMATS", "Imported", "Options", "Result", "read_export"]
