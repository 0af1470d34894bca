"""Does a window show all of its text at a laptop's screen size? What the no-clipping check measures.

Used inside the real QGIS application (scripts/in_qgis.py) on every dialog and dock of the plugin. For
each visible label, button, check box, radio button, combo box choice and group box title the text's own width (from the
widget's font and style, not from a size hint a layout may have overruled) must fit the rectangle the
widget really got, and the widget must lie inside every ancestor up to the window or a scroll area's
viewport (where scrolling reaches it). Every page of every tab widget is measured, and a tab bar must show
all its tabs unelided. The window itself must fit the screen budget.
"""
from __future__ import annotations

import re
from typing import Callable, Iterable, List

from qgis.PyQt.QtCore import QPoint, QRect, QSize, Qt
from qgis.PyQt.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QApplication,
    QCheckBox,
    QComboBox,
    QDockWidget,
    QGroupBox,
    QLabel,
    QPushButton,
    QRadioButton,
    QStyle,
    QStyleOptionButton,
    QStyleOptionComboBox,
    QTabBar,
    QTabWidget,
    QToolButton,
    QWidget,
)

SCREEN = QSize(1366, 768)
TITLE_BAR = 32  # a window manager's title bar above a window's client area (Xvfb draws none)
SLACK = 1  # rounding of fractional glyph advances
COMBO_TEXT = 120  # a combo box shows its whole choice, or at least this much of a long one (a layer's path)


def client_budget(screen: QSize = SCREEN) -> QSize:
    """The largest client area a window gets on ``screen``: the screen less a title bar."""
    return QSize(screen.width(), screen.height() - TITLE_BAR)


def plain(text: str) -> str:
    """A widget's text as drawn: mnemonic ampersands removed (``&&`` is one ampersand)."""
    return re.sub(r"&(.)", r"\1", text)


def text_width(widget: QWidget, text: str) -> int:
    metrics = widget.fontMetrics()
    return max(metrics.horizontalAdvance(line) for line in plain(text).split("\n"))


def describe(widget: QWidget, text: str) -> str:
    name = widget.objectName() or "-"
    return f"{type(widget).__name__} {name} 「{plain(text)[:40]}」"


def _button_problem(button: QAbstractButton) -> str:
    text = button.text()
    need = text_width(button, text)
    if not button.icon().isNull():
        need += button.iconSize().width() + 4
    if isinstance(button, QToolButton):
        if button.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonIconOnly:
            return ""
        hint = button.sizeHint()
        if hint.width() > button.width() + SLACK or hint.height() > button.height() + SLACK:
            return f"needs {hint.width()}×{hint.height()} px, has {button.width()}×{button.height()}"
        return ""
    option = QStyleOptionButton()
    option.initFrom(button)
    option.text, option.icon, option.iconSize = text, button.icon(), button.iconSize()
    if isinstance(button, (QCheckBox, QRadioButton)):
        element = (QStyle.SubElement.SE_CheckBoxContents if isinstance(button, QCheckBox)
                   else QStyle.SubElement.SE_RadioButtonContents)
        room = button.style().subElementRect(element, option, button)
        need = text_width(button, text) + (button.iconSize().width() + 4 if not button.icon().isNull() else 0)
    elif isinstance(button, QPushButton):
        room = button.style().subElementRect(QStyle.SubElement.SE_PushButtonContents, option, button)
    else:
        room = button.contentsRect()
    lines = plain(text).count("\n") + 1
    if need > room.width() + SLACK or lines * button.fontMetrics().height() > button.height() + SLACK:
        return f"text needs {need} px, has {room.width()}"
    return ""


def _label_problem(label: QLabel) -> str:
    if label.wordWrap():
        need = label.heightForWidth(label.width())
        if need > label.height() + SLACK:
            return f"wrapped text needs {need} px high, has {label.height()}"
        return ""
    hint = label.minimumSizeHint()
    if hint.width() > label.width() + SLACK or hint.height() > label.height() + SLACK:
        return f"text needs {hint.width()}×{hint.height()} px, has {label.width()}×{label.height()}"
    return ""


def _combo_problem(combo: QComboBox) -> str:
    text = combo.currentText()
    option = QStyleOptionComboBox()
    option.initFrom(combo)
    option.editable, option.frame, option.currentText = combo.isEditable(), combo.hasFrame(), text
    room = combo.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                        QStyle.SubControl.SC_ComboBoxEditField, combo)
    need = min(text_width(combo, text), COMBO_TEXT)
    if not combo.itemIcon(combo.currentIndex()).isNull():
        need += combo.iconSize().width() + 4
    if need > room.width() + SLACK:
        return f"choice needs {need} px, has {room.width()}"
    return ""


def _group_problem(group: QGroupBox) -> str:
    hint = group.minimumSizeHint()
    if hint.width() > group.width() + SLACK:
        return f"title and contents need {hint.width()} px, have {group.width()}"
    return ""


def _tabs_problem(bar: QTabBar) -> str:
    """Tabs that do not all fit are elided or scrolled out of sight: each tab needs its text, its icon and
    the style's padding (what QTabBar's own tab size hint adds), inside the bar."""
    padding = bar.style().pixelMetric(QStyle.PixelMetric.PM_TabBarTabHSpace, None, bar)
    for index in range(bar.count()):
        need = text_width(bar, bar.tabText(index)) + padding
        if not bar.tabIcon(index).isNull():
            need += bar.iconSize().width() + 4
        rect = bar.tabRect(index)
        if rect.width() + SLACK < need or not bar.rect().contains(rect):
            return f"tab 「{plain(bar.tabText(index))}」 needs {need} px, has {rect.width()} (bar {bar.width()} px)"
    return ""


def _outside_ancestor(widget: QWidget, window: QWidget) -> str:
    """The first ancestor (up to the window or a scroll area's viewport) that cuts the widget off."""
    rect = widget.rect()
    child, parent = widget, widget.parentWidget()
    while parent is not None:
        rect = QRect(child.mapTo(parent, QPoint(0, 0)), rect.size())
        if isinstance(parent.parentWidget(), QAbstractScrollArea) and parent is parent.parentWidget().viewport():
            return ""
        if not parent.rect().contains(rect):
            return f"cut off by {type(parent).__name__} {parent.objectName() or '-'}"
        if parent is window:
            return ""
        child, parent = parent, parent.parentWidget()
    return ""


def _texts(window: QWidget) -> Iterable:
    for widget in window.findChildren(QWidget):
        if not widget.isVisible():
            continue
        if isinstance(widget, QLabel) and widget.text() and not _has_pixmap(widget):
            yield widget, widget.text(), _label_problem
        elif isinstance(widget, QAbstractButton) and widget.text():
            yield widget, widget.text(), _button_problem
        elif isinstance(widget, QComboBox) and widget.currentText():
            yield widget, widget.currentText(), _combo_problem
        elif isinstance(widget, QGroupBox) and widget.title():
            yield widget, widget.title(), _group_problem
        elif isinstance(widget, QTabBar) and widget.count() > 1:
            yield widget, " | ".join(widget.tabText(i) for i in range(widget.count())), _tabs_problem


def _has_pixmap(label: QLabel) -> bool:
    pixmap = label.pixmap()  # None (PyQt5) or a null QPixmap (Qt6) when the label shows text
    return pixmap is not None and not pixmap.isNull()


def measure(window: QWidget, name: str, settle: Callable[[], None]) -> List[str]:
    """Every clipped text of ``window`` on every page of its tab widgets, as readable lines."""
    found: List[str] = []

    def check() -> None:
        settle()
        for widget, text, problem_of in _texts(window):
            problem = problem_of(widget) or _outside_ancestor(widget, window)
            line = f"{name}: {describe(widget, text)}: {problem}"
            if problem and line not in found:
                found.append(line)

    check()
    for tabs in window.findChildren(QTabWidget):
        if not tabs.isVisible():
            continue
        current = tabs.currentIndex()
        for index in range(tabs.count()):
            tabs.setCurrentIndex(index)
            check()
        tabs.setCurrentIndex(current)
    return found


def window_problem(window: QWidget, name: str, budget: QSize) -> str:
    """A window larger than the client area the screen gives it, or one whose layout needs more; for a
    main window, with what each open dock needs at least."""
    size, minimum = window.size(), window.minimumSizeHint()
    if size.width() <= budget.width() and size.height() <= budget.height() and \
            minimum.width() <= budget.width() and minimum.height() <= budget.height():
        return ""
    docks = [f"{dock.objectName() or dock.windowTitle()} {hint.width()}×{hint.height()}"
             for dock in window.findChildren(QDockWidget) if dock.isVisible()
             for hint in [dock.minimumSizeHint()]]
    return f"{name}: window is {size.width()}×{size.height()} (needs at least {minimum.width()}×" \
           f"{minimum.height()}), the screen gives {budget.width()}×{budget.height()}" + \
           (f"; open docks need at least: {', '.join(docks)}" if docks else "")


def settle_events() -> None:
    for _ in range(3):
        QApplication.processEvents()
