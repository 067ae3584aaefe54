"""Matplotlib inside Qt: one FigureCanvasQTAgg per plot, created once on the GUI thread, updated with draw_idle."""

from __future__ import annotations

from k49desk.gui.fonts import configure_matplotlib


def make_canvas(width_in: float = 5.0, height_in: float = 3.5, parent=None):
    """A FigureCanvasQTAgg whose figure draws hiragana; import matplotlib only when the first plot is made."""
    configure_matplotlib()
    from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width_in, height_in), layout="constrained")
    canvas = FigureCanvasQTAgg(figure)
    if parent is not None:
        canvas.setParent(parent)
    return canvas
