"""Delivery pages, one module per entity. Each view parses, calls one selector or service,
renders."""
