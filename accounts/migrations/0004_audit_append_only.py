"""On PostgreSQL, the database refuses to change or remove audit events and their seals.

UPDATE, DELETE and TRUNCATE raise. The one exception is TRUNCATE with the setting
`app.audit_truncate` on, which only the test database has (its flush between tests truncates
every table); whoever can set it for a production database owns the table and could drop the
trigger just as well.
"""

from django.db import migrations

from accounts.rls import run_sql

TABLES = ("accounts_auditevent", "accounts_auditseal")

FORWARD = """
CREATE FUNCTION accounts_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' AND current_setting('app.audit_truncate', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'the audit trail is append-only: % on % is refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END $$;
""" + "".join(
    f"""
CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION accounts_audit_append_only();
CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION accounts_audit_append_only();
"""
    for table in TABLES
)

BACKWARD = "".join(
    f"""
DROP TRIGGER {table}_no_truncate ON {table};
DROP TRIGGER {table}_append_only ON {table};
"""
    for table in TABLES
) + "DROP FUNCTION accounts_audit_append_only();\n"


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_invitations_and_audit_seal")]

    operations = [run_sql(FORWARD, BACKWARD)]
