"""Spreadsheet exchange: one importer class per sheet, one exporter class per ledger.

Reading uses python-calamine (xlsx, xls, ods) and the csv module (UTF-8 with or without BOM,
or GB18030); writing uses XlsxWriter in `constant_memory` mode.
"""
