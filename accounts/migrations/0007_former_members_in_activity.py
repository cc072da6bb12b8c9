"""Let an organisation's owners see who a former colleague was in the activity of the portal.

A portal request sees the signed-in user and the members of the current client. A person who
has left still appears in that client's audit trail; without this they would show as nobody.
Staff stay hidden (the portal names them by their organisation). The subquery on audit events
is itself limited to the current client by that table's policy, and uses the actor index.
"""

from django.db import migrations

from accounts import rls
from accounts.rls import CURRENT_USER, POLICY, ROLE

MEMBERS = f"""id = {CURRENT_USER} OR EXISTS (
        SELECT 1 FROM accounts_membership m WHERE m.user_id = accounts_user.id
    )"""

FORWARD = f"""
DROP POLICY IF EXISTS {POLICY} ON accounts_user;
CREATE POLICY {POLICY} ON accounts_user FOR SELECT TO {ROLE}
    USING ({MEMBERS} OR (NOT is_staff AND EXISTS (
        SELECT 1 FROM accounts_auditevent e WHERE e.actor_id = accounts_user.id
    )));
"""
BACKWARD = f"""
DROP POLICY IF EXISTS {POLICY} ON accounts_user;
CREATE POLICY {POLICY} ON accounts_user FOR SELECT TO {ROLE} USING ({MEMBERS});
"""


class Migration(migrations.Migration):
    dependencies = [("accounts", "0006_audit_seal_schedule")]

    operations = [rls.run_sql(FORWARD, BACKWARD)]
