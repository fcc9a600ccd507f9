"""GraphQL's query planner: plan each operation once, execute the plan straight from rows
to the response (no resolver per field, no entity -> type conversion); stock execution for
everything the planner does not support. ``executor.PlannedExecutionContext`` is the hook,
``compile`` builds plans, ``run`` runs them, ``values`` writes stored values as GraphQL does.
"""
