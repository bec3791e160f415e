"""Workflows that span several models, called by thin views and by commands alike; one
module per workflow:

* ``visits`` – recording a visit with everything on it;
* ``workflow`` – moving a visit through its states;
* ``succession`` – ending an assignment and starting its successor (hand-over,
  amending decisions, the annex import, the carry-over);
* ``reform`` – carrying the assignments on units that ceased over to the units of
  01/07/2025 (plan_carry_over, carry_over);
* ``errors`` – WorkflowError, the refusal every service raises.

Each function runs in one transaction: either everything is written or nothing.
"""
