"""On PostgreSQL, refuse at the database level any change to an issued invoice or credit note.

Drafts change freely. Once issued, the number, dates, parties, currency, totals and lines are
frozen; derived fields (paid, credited, balance, status) keep changing through the services.
"""

from django.db import migrations

FROZEN_INVOICE_COLUMNS = (
    "number", "issue_date", "due_date", "currency", "subtotal", "vat_total", "total",
    "client_id", "issuer_id", "customer_reference", "notes", "key",
)
FROZEN_CREDIT_NOTE_COLUMNS = (
    "number", "issue_date", "currency", "subtotal", "vat_total", "total", "client_id",
    "issuer_id", "invoice_id", "reason", "key",
)


def _row(prefix, columns):
    return "(" + ", ".join(f"{prefix}.{column}" for column in columns) + ")"


FORWARD = f"""
CREATE FUNCTION billing_invoice_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status <> 'draft' THEN
        IF TG_OP = 'DELETE' THEN
            RAISE EXCEPTION 'invoice % is issued and cannot be deleted', OLD.number
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF {_row("NEW", FROZEN_INVOICE_COLUMNS)} IS DISTINCT FROM {_row("OLD", FROZEN_INVOICE_COLUMNS)}
           OR NEW.status = 'draft' THEN
            RAISE EXCEPTION 'invoice % is issued and cannot be changed', OLD.number
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER billing_invoice_guard BEFORE UPDATE OR DELETE ON billing_invoice
    FOR EACH ROW EXECUTE FUNCTION billing_invoice_guard();

CREATE FUNCTION billing_invoiceline_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    line_invoice bigint;
BEGIN
    FOREACH line_invoice IN ARRAY ARRAY[OLD.invoice_id, NEW.invoice_id] LOOP
        IF line_invoice IS NOT NULL AND EXISTS (
            SELECT 1 FROM billing_invoice WHERE id = line_invoice AND status <> 'draft'
        ) THEN
            RAISE EXCEPTION 'the lines of an issued invoice cannot be changed'
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    END LOOP;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER billing_invoiceline_guard BEFORE INSERT OR UPDATE OR DELETE ON billing_invoiceline
    FOR EACH ROW EXECUTE FUNCTION billing_invoiceline_guard();

CREATE FUNCTION billing_creditnote_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR
       {_row("NEW", FROZEN_CREDIT_NOTE_COLUMNS)} IS DISTINCT FROM {_row("OLD", FROZEN_CREDIT_NOTE_COLUMNS)} THEN
        RAISE EXCEPTION 'credit note % is issued and cannot be changed', OLD.number
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER billing_creditnote_guard BEFORE UPDATE OR DELETE ON billing_creditnote
    FOR EACH ROW EXECUTE FUNCTION billing_creditnote_guard();

CREATE FUNCTION billing_creditnoteline_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the lines of an issued credit note cannot be changed'
        USING ERRCODE = 'integrity_constraint_violation';
END $$;
CREATE TRIGGER billing_creditnoteline_guard BEFORE UPDATE OR DELETE ON billing_creditnoteline
    FOR EACH ROW EXECUTE FUNCTION billing_creditnoteline_guard();
"""

BACKWARD = """
DROP TRIGGER billing_creditnoteline_guard ON billing_creditnoteline;
DROP FUNCTION billing_creditnoteline_guard();
DROP TRIGGER billing_creditnote_guard ON billing_creditnote;
DROP FUNCTION billing_creditnote_guard();
DROP TRIGGER billing_invoiceline_guard ON billing_invoiceline;
DROP FUNCTION billing_invoiceline_guard();
DROP TRIGGER billing_invoice_guard ON billing_invoice;
DROP FUNCTION billing_invoice_guard();
"""


def postgres_only(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]

    operations = [migrations.RunPython(postgres_only(FORWARD), postgres_only(BACKWARD))]
