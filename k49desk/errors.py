"""Errors a user can cause. Each carries one clear message naming the file and the problem."""


class K49Error(Exception):
    """Base for every user-facing error: the CLI prints str(error) and exits 2; the GUI shows a dialog."""


class DataError(K49Error):
    """A data folder, data file or class map is missing, unreadable or malformed."""


class DownloadError(K49Error):
    """A download failed: offline, HTTP error, checksum mismatch, disk problem."""


class ModelError(K49Error):
    """A model file is missing, unreadable, or does not fit K49 (input not 28x28x1, output not 49 classes)."""


class RunError(K49Error):
    """A run folder is missing or incomplete."""


class EmptyDrawing(K49Error):
    """Strokes hold no ink to predict from."""


class Cancelled(Exception):
    """Long work stopped because the user asked; not an error. Nothing half-written is left under a final name
    (a cancelled download keeps its .part file, so that the next download resumes it)."""


class SeveralCharacters(K49Error):
    """An image holds more than one character where one was expected."""


class DesktopError(K49Error):
    """The window cannot open here: no display, or system libraries Qt needs are missing."""


class BlankImage(K49Error):
    """An image holds no ink: no prediction to explain."""


class ExportError(K49Error):
    """A model could not be exported: unknown format, destination in the way, missing extra, failed check."""


class SameClass(K49Error, ValueError):
    """A class compared with itself (a saliency map of a class against the same class): there is no difference."""
