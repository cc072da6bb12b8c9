"""Row-level security: the restricted role `portal_client` and the client policy on every
client-owned table (see accounts/rls.py for the shape and the rules).

A new client-owned table gets the same with `rls.protect_table(...)` in its own migration.
"""

from django.db import migrations

from accounts import rls
from accounts.rls import CURRENT_USER, POLICY, ROLE

# table -> what a portal request may do besides SELECT.
CLIENT_TABLES = {
    "accounts_membership": ["UPDATE", "DELETE"],  # owners change and remove colleagues
    "accounts_invitation": ["INSERT", "UPDATE"],  # owners invite and revoke
    "accounts_auditevent": ["INSERT"],  # views and downloads are recorded
    "billing_invoice": [],
    "billing_invoiceline": [],
    "billing_creditnote": [],
    "billing_creditnoteline": [],
    "billing_payment": [],
}

# People: a portal request sees the signed-in user and the members of the current client.
USERS_FORWARD = f"""
ALTER TABLE accounts_user ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS {POLICY} ON accounts_user;
CREATE POLICY {POLICY} ON accounts_user FOR SELECT TO {ROLE}
    USING (id = {CURRENT_USER} OR EXISTS (
        SELECT 1 FROM accounts_membership m WHERE m.user_id = accounts_user.id
    ));
GRANT SELECT ON accounts_user TO {ROLE};
"""
USERS_BACKWARD = f"""
REVOKE ALL ON accounts_user FROM {ROLE};
DROP POLICY IF EXISTS {POLICY} ON accounts_user;
ALTER TABLE accounts_user DISABLE ROW LEVEL SECURITY;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_audit_append_only"),
        ("billing", "0002_issued_documents_guard"),
    ]

    operations = [
        rls.run_sql(rls.ROLE_SQL, "SELECT 1;"),
        rls.protect_table("accounts_client", column="id"),
        *(rls.protect_table(table, writes=writes) for table, writes in CLIENT_TABLES.items()),
        rls.run_sql(USERS_FORWARD, USERS_BACKWARD),
        # Not a client's: the issuer's name, address and branding show on every portal page.
        rls.grant_table("billing_issuer"),
    ]
