"""Chart labels and axes: words never broken, two lines at most, no overlapping labels in a
horizontal bar chart however many bars, whole ticks on an axis of counts."""

from __future__ import annotations

import io

import pytest
from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from adapters import charts

EVENTS = ["Заседание творческой группы № 1, 30.01", "Конкурс «Инновационный поиск 2024»",
          "Заседание творческой группы № 2, 01.03", "Заседание творческой группы № 3, 24.04",
          "Вебинар «Инновационный проект «Совершенствование системы наставничества»",
          "Вебинар «Управление сетевыми проектами: роль заместителя директора»",
          "Вебинар «Сетевое партнёрство: совместные практики»",
          "Заседание творческой группы № 5, 26.11", "Диагностическая деятельность",
          "Вебинар «Наставничество молодых педагогов в сетевом взаимодействии»"]


def test_labels_are_wrapped_between_words_on_two_lines_at_most():
    assert charts._wrap(["Диагностическая деятельность"], 14) == [
        "Диагностическая\nдеятельность"]
    assert charts._wrap(["Диагностическая"], 10) == ["Диагностическая"]  # never cut inside
    assert charts._wrap(["Научно-методическая работа"], 10) == ["Научно-методическая\nработа"]
    assert charts._wrap(["Вебинар «Управление сетевыми проектами: роль заместителя "
                         "директора школы»"], 28) == [
        "Вебинар «Управление сетевыми\nпроектами: роль заместителя…"]
    for label in EVENTS:
        for width in (10, 14, 28):
            lines = charts._wrap([label], width)[0].split("\n")
            assert len(lines) <= 2
            words = label.split()
            assert all(w in words or w.removesuffix("…") in words for line in lines
                       for w in line.split())


def _label_boxes(n: int):
    figure = Figure(figsize=(charts.WIDTH_CM / 2.54, charts.HEIGHT_CM / 2.54), dpi=charts.DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    labels = (EVENTS * 5)[:n]
    with rc_context(charts.STYLE):
        charts._barh(axes, labels, {"Участников": list(range(n)), "Заявок": [1] * n}, "")
        axes.set_title("Участники мероприятий", fontsize=10, fontweight="bold")
        figure.tight_layout()
        renderer = figure.canvas.get_renderer()
        return figure, [t.get_window_extent(renderer) for t in axes.get_yticklabels()]


@pytest.mark.parametrize("n", [4, 10, 16, 30])
def test_the_labels_of_a_horizontal_bar_chart_never_overlap(n):
    figure, boxes = _label_boxes(n)
    assert not [i for i in range(n - 1) if boxes[i].overlaps(boxes[i + 1])]
    assert figure.get_size_inches()[1] * 2.54 >= max(charts.HEIGHT_CM, 0.9 * n) - 0.01


def test_a_horizontal_bar_chart_grows_with_its_bars():
    def height(n: int) -> int:
        png = charts.render("barh", "Мероприятия", (EVENTS * 3)[:n], {"Участников": [1] * n})
        return Image.open(io.BytesIO(png)).size[1]

    assert height(3) == height(6) == round(charts.HEIGHT_CM / 2.54 * charts.DPI)
    assert height(30) > 2.5 * height(6)


def _ticks(kind: str, values: list[float]) -> list[float]:
    figure = Figure(dpi=charts.DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    with rc_context(charts.STYLE):
        {"bar": charts._bar, "barh": charts._barh, "line": charts._line}[kind](
            axes, ["А", "Б"], {"Ряд": values}, "")
        figure.canvas.draw()
    axis = axes.xaxis if kind == "barh" else axes.yaxis
    low, high = axes.get_xlim() if kind == "barh" else axes.get_ylim()
    return [t for t in axis.get_majorticklocs() if low <= t <= high]


@pytest.mark.parametrize("kind", ["bar", "barh", "line"])
def test_an_axis_of_counts_has_whole_ticks_only(kind):
    assert all(float(t).is_integer() for t in _ticks(kind, [1, 2]))
    assert not all(float(t).is_integer() for t in _ticks(kind, [0.25, 0.5]))
