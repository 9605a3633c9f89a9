"""Every write on key tasks, milestones, projects, indicators and the livelihood list, one
module per entity. Each service checks the actor's right, validates, writes its transition row
and audit entry in one transaction, and keeps the metric facts in step (`metric_changes`)."""
