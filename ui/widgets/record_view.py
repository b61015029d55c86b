"""A read-only table of records: whole rows selected, Enter or a double click opens one."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any, TypeVar

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from ui.models.record_table import RecordTableModel
from ui.widgets.column_fit import ColumnFit, fitter

T = TypeVar("T")


def record_view(model: QAbstractItemModel, name: str = "", *, single: bool = True) -> QTableView:
    """A QTableView over the model, set up the way every record list in the app behaves."""
    view = QTableView()
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection if single
                          else QAbstractItemView.SelectionMode.ExtendedSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    # Tab leaves the table for the next field, as on any form; arrows move inside it.
    view.setTabKeyNavigation(False)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    ColumnFit(view)
    return view


def refill(view: QTableView, model: RecordTableModel[Any], records: Sequence[Any]) -> None:
    """Show new records; those picked before (matched by key) stay picked, columns refit."""
    keep = {model.key(row) for row in selected_rows(view)}
    model.set_records(records)
    select_keys(view, model, keep)
    fit_columns(view)


def show_records(view: QTableView, model: RecordTableModel[T], records: Sequence[T]) -> None:
    """A list's new records: columns fitted, the first row chosen (a list of work starts
    there)."""
    model.set_records(records)
    fit_columns(view)
    if records:
        view.selectRow(0)


def fit_columns(view: QTableView) -> None:
    """Size the columns to their contents within the list's width (ui.widgets.column_fit);
    the last one stretches over what is left."""
    fitter(view).fit()


def selected_rows(view: QTableView) -> list[int]:
    """The rows selected, top to bottom."""
    model = view.selectionModel()
    return sorted({index.row() for index in model.selectedRows()}) if model else []


def select_keys(view: QTableView, model: RecordTableModel[Any], keys: set[Hashable]) -> None:
    """Select again the records with these keys (after a reload replaced every row)."""
    rows = [model.row_of(key) for key in keys]
    first = True
    for row in sorted(r for r in rows if r >= 0):
        if first:
            view.selectRow(row)
            first = False
        else:
            selection = view.selectionModel()
            selection.select(model.index(row, 0), selection.SelectionFlag.Select
                             | selection.SelectionFlag.Rows)
