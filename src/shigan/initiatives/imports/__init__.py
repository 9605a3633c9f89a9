"""Spreadsheet importers of key tasks, milestones, projects, indicator values and the livelihood
list of a unit's subtree in one campaign, one module per entity. Rows are parsed and checked
there and written one by one through the services, inside the import's transaction.

Negative or non-numeric amounts are refused naming the row and the column as the sheet spells
it; the whole sheet is then refused (all-or-nothing) or that row.
"""
