"""The delivery API, one module per resource. Views parse, call one selector or service, and
render."""
