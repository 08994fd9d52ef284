"""Charts of the справки as PNG bytes (matplotlib, the Agg canvas, no pyplot state).

Deterministic: a fixed size and resolution, a fixed font (DejaVu Sans, shipped with
matplotlib, has Cyrillic) and no metadata in the file, so the same data gives the same bytes.
Labels are Russian: long ones are wrapped between words (never inside one, never at a
hyphen) on at most two lines, an ellipsis ending a longer one; a horizontal bar chart grows
taller with its bars so that labels never overlap. Numbers are printed on the bars, and an
axis of counts has whole ticks only.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence

WIDTH_CM, HEIGHT_CM, DPI = 16.0, 9.0, 150
# A horizontal bar chart is at least this tall: the title and the axis, then per bar a gap
# and a line of its label (7 pt) per line of the longest label: 0.9 cm a bar of two lines.
BARH_FRAME_CM, BARH_BAR_CM, BARH_LINE_CM = 2.0, 0.3, 0.3
LABEL_LINES = 2
COLOURS = ("#1f4e79", "#c55a11", "#548235", "#7f6000", "#7030a0", "#2e75b6", "#a5a5a5")
STYLE = {"font.family": "DejaVu Sans", "font.size": 8, "axes.spines.top": False,
         "axes.spines.right": False}


def render(kind: str, title: str, labels: Sequence[str], series: dict[str, Sequence[float]],
           ylabel: str = "", *, width_cm: float = WIDTH_CM,
           height_cm: float = HEIGHT_CM) -> bytes:
    """A chart of `kind` (bar, barh, pie, line): one value per label in each series."""
    # Imported here: matplotlib costs a noticeable moment, and every `imc` command imports this.
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with rc_context(STYLE):
        figure = Figure(figsize=(width_cm / 2.54, height_cm / 2.54), dpi=DPI)
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        drawer = {"bar": _bar, "barh": _barh, "pie": _pie, "line": _line}[kind]
        drawer(axes, [str(label) for label in labels], series, ylabel)
        axes.set_title(title, fontsize=10, fontweight="bold")
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def _wrap(labels: list[str], width: int) -> list[str]:
    return [_wrap_one(label, width) for label in labels]


def _wrap_one(label: str, width: int) -> str:
    """At most LABEL_LINES lines, broken between words only; «…» ends a cut label."""
    lines = textwrap.wrap(label, width, break_long_words=False, break_on_hyphens=False)
    if len(lines) > LABEL_LINES:
        lines = lines[:LABEL_LINES]
        lines[-1] = lines[-1].rstrip(" ,.;:—–-") + "…"
    return "\n".join(lines) or label


def _whole_ticks(axis, series: dict) -> None:
    """Counts get integer ticks (no «2,5 вебинара»); fractional values keep the default."""
    from matplotlib.ticker import MaxNLocator

    if all(float(v).is_integer() for values in series.values() for v in values):
        axis.set_major_locator(MaxNLocator(integer=True))


def _legend(axes, series: dict) -> None:
    if len(series) > 1:
        axes.legend(frameon=False, fontsize=7)


def _bar(axes, labels: list[str], series: dict, ylabel: str) -> None:
    count = max(len(series), 1)
    width = 0.8 / count
    positions = range(len(labels))
    for n, (name, values) in enumerate(series.items()):
        offset = (n - (count - 1) / 2) * width
        bars = axes.bar([p + offset for p in positions], list(values), width, label=name,
                        color=COLOURS[n % len(COLOURS)])
        axes.bar_label(bars, fmt=_number, fontsize=6, padding=1)
    axes.set_xticks(list(positions), _wrap(labels, 14 if len(labels) < 6 else 10),
                    fontsize=7 if len(labels) < 8 else 6)
    axes.set_ylabel(ylabel)
    axes.margins(y=0.12)
    _whole_ticks(axes.yaxis, series)
    _legend(axes, series)


def _barh(axes, labels: list[str], series: dict, ylabel: str) -> None:
    wrapped = _wrap(labels, 28)
    lines = max((label.count("\n") + 1 for label in wrapped), default=1)
    figure = axes.figure  # taller with more bars, so that the labels never overlap
    width_in, height_in = figure.get_size_inches()
    needed_cm = BARH_FRAME_CM + len(labels) * (BARH_BAR_CM + BARH_LINE_CM * lines)
    figure.set_size_inches(width_in, max(height_in, needed_cm / 2.54))
    count = max(len(series), 1)
    height = 0.8 / count
    positions = range(len(labels))
    for n, (name, values) in enumerate(series.items()):
        offset = (n - (count - 1) / 2) * height
        bars = axes.barh([p + offset for p in positions], list(values), height, label=name,
                         color=COLOURS[n % len(COLOURS)])
        axes.bar_label(bars, fmt=_number, fontsize=7, padding=2)
    axes.set_yticks(list(positions), wrapped, fontsize=7)
    axes.invert_yaxis()  # the first label on top, as in the table
    axes.set_xlabel(ylabel)
    axes.margins(x=0.12)
    _whole_ticks(axes.xaxis, series)
    _legend(axes, series)


def _pie(axes, labels: list[str], series: dict, ylabel: str) -> None:
    values = list(next(iter(series.values()), []))
    shown = [(label, value) for label, value in zip(labels, values, strict=True) if value > 0]
    if not shown:
        axes.text(0.5, 0.5, "Нет данных", ha="center", va="center")
        axes.axis("off")
        return
    axes.pie([v for _, v in shown], labels=_wrap([label for label, _ in shown], 24),
             colors=COLOURS[:len(shown)], autopct=_pie_label([v for _, v in shown]),
             startangle=90, counterclock=False, textprops={"fontsize": 7})
    axes.axis("equal")


def _line(axes, labels: list[str], series: dict, ylabel: str) -> None:
    for n, (name, values) in enumerate(series.items()):
        axes.plot(labels, list(values), marker="o", label=name, color=COLOURS[n % len(COLOURS)])
    axes.set_ylabel(ylabel)
    axes.tick_params(axis="x", labelsize=7)
    _whole_ticks(axes.yaxis, series)
    _legend(axes, series)


def _pie_label(values: list[float]):
    total = sum(values)

    def label(share: float) -> str:
        count = round(share * total / 100)
        return f"{count} ({share:.1f} %)".replace(".", ",")

    return label


def _number(value: float) -> str:
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.1f}".replace(".", ",")
