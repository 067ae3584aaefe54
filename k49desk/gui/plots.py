"""Matplotlib inside Qt: one FigureCanvasQTAgg per plot, created once on the GUI thread, updated with draw_idle."""

from __future__ import annotations

from functools import cache

from k49desk.gui.fonts import configure_matplotlib


def make_canvas(width_in: float = 5.0, height_in: float = 3.5, parent=None, *, steady_layout: bool = False):
    """A FigureCanvasQTAgg whose figure draws hiragana; import matplotlib only when the first plot is made.

    steady_layout: for figures whose labels keep their size from one update to the next (the 49x49 confusion
    matrix, per-class charts): the constrained layout is worked out on the first draw and after each resize,
    not on every draw. Measuring 98 hiragana tick labels was half the cost of redrawing the Evaluate tab.
    """
    configure_matplotlib()
    from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width_in, height_in), layout="constrained")
    canvas = (_steady_layout_canvas() if steady_layout else FigureCanvasQTAgg)(figure)
    if parent is not None:
        canvas.setParent(parent)
    return canvas


@cache
def _steady_layout_canvas():
    """The canvas class behind steady_layout (made on first use: matplotlib loads after the window shows)."""
    from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg

    class SteadyLayoutCanvas(FigureCanvasQTAgg):
        def __init__(self, figure):
            super().__init__(figure)
            self.layout_pending = True

        def resizeEvent(self, event):
            self.layout_pending = True
            super().resizeEvent(event)

        def draw(self):
            if not self.layout_pending:
                super().draw()
                return
            self.figure.set_layout_engine("constrained")
            super().draw()
            # "none" keeps the positions constrained layout chose; the next resize works them out again.
            self.figure.set_layout_engine("none")
            self.layout_pending = False

    return SteadyLayoutCanvas
