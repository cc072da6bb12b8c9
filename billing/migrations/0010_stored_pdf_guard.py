"""On PostgreSQL, refuse any change to a stored PDF: once its SHA-256 is recorded, the file
name and the hash never change, and a draft never has one.

Replaces the guard functions of migration 0002 (CREATE OR REPLACE), keeping every rule they had.
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


# Shared by both tables: the stored PDF is written once, as a pair, and then frozen.
PDF_RULES = """
    IF TG_OP = 'UPDATE' THEN
        IF OLD.pdf_sha256 <> '' AND (NEW.pdf_sha256, NEW.pdf_file)
                IS DISTINCT FROM (OLD.pdf_sha256, OLD.pdf_file) THEN
            RAISE EXCEPTION '% %: the stored PDF cannot be changed', TG_TABLE_NAME, OLD.number
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF (NEW.pdf_sha256 = '') <> (NEW.pdf_file = '') THEN
            RAISE EXCEPTION '% %: a stored PDF needs both its file and its hash',
                TG_TABLE_NAME, OLD.number
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    END IF;
"""

INVOICE_GUARD = f"""
CREATE OR REPLACE FUNCTION billing_invoice_guard() RETURNS trigger LANGUAGE plpgsql AS $$
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
    {{pdf_rules}}
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END $$;
"""

CREDIT_NOTE_GUARD = f"""
CREATE OR REPLACE FUNCTION billing_creditnote_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR
       {_row("NEW", FROZEN_CREDIT_NOTE_COLUMNS)} IS DISTINCT FROM {_row("OLD", FROZEN_CREDIT_NOTE_COLUMNS)} THEN
        RAISE EXCEPTION 'credit note % is issued and cannot be changed', OLD.number
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    {{pdf_rules}}
    RETURN NEW;
END $$;
"""

DRAFT_RULE = """
    IF TG_OP = 'UPDATE' THEN
        IF NEW.status = 'draft' AND NEW.pdf_sha256 <> '' THEN
            RAISE EXCEPTION 'a draft invoice has no stored PDF'
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    END IF;
"""

FORWARD = INVOICE_GUARD.replace("{pdf_rules}", PDF_RULES + DRAFT_RULE) + CREDIT_NOTE_GUARD.replace(
    "{pdf_rules}", PDF_RULES
)
# The functions exactly as migration 0002 created them.
BACKWARD = INVOICE_GUARD.replace("{pdf_rules}", "") + CREDIT_NOTE_GUARD.replace("{pdf_rules}", "")


def postgres_only(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("billing", "0009_document_pdf_file")]

    operations = [migrations.RunPython(postgres_only(FORWARD), postgres_only(BACKWARD))]
