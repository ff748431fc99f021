"""Database triggers for the invariants that span two claim rows.

A CHECK constraint sees one row only, so "a position's parent is an issue", "an argument
stands under a position or an argument" and "parent and child are in the same debate"
are triggers: no write path (ORM, admin, raw SQL, a bulk import) can break them.
"""

from django.db import migrations

MESSAGES = {
    "debate": "a claim and its parent must belong to the same debate",
    "position": "a position must answer an issue",
    "argument": "an argument must stand under a position or an argument",
    "frozen": "a claim that has children cannot change its kind or debate",
}

POSTGRES_INSTALL = f"""
CREATE OR REPLACE FUNCTION crux_check_claim_parent() RETURNS trigger AS $$
DECLARE
    parent_kind varchar;
    parent_debate bigint;
BEGIN
    IF TG_OP = 'UPDATE' AND (NEW.kind <> OLD.kind OR NEW.debate_id <> OLD.debate_id)
       AND EXISTS (SELECT 1 FROM debates_claim WHERE parent_id = NEW.id) THEN
        RAISE EXCEPTION '{MESSAGES["frozen"]}' USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.parent_id IS NULL THEN
        RETURN NEW;
    END IF;
    SELECT kind, debate_id INTO parent_kind, parent_debate FROM debates_claim WHERE id = NEW.parent_id;
    IF parent_debate IS DISTINCT FROM NEW.debate_id THEN
        RAISE EXCEPTION '{MESSAGES["debate"]}' USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.kind = 'position' AND parent_kind <> 'issue' THEN
        RAISE EXCEPTION '{MESSAGES["position"]}' USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.kind = 'argument' AND parent_kind NOT IN ('position', 'argument') THEN
        RAISE EXCEPTION '{MESSAGES["argument"]}' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER crux_claim_parent BEFORE INSERT OR UPDATE ON debates_claim
    FOR EACH ROW EXECUTE FUNCTION crux_check_claim_parent();

CREATE OR REPLACE FUNCTION crux_check_claim_link() RETURNS trigger AS $$
DECLARE
    claim_kind varchar;
    claim_debate bigint;
    parent_kind varchar;
    parent_debate bigint;
BEGIN
    SELECT kind, debate_id INTO claim_kind, claim_debate FROM debates_claim WHERE id = NEW.claim_id;
    SELECT kind, debate_id INTO parent_kind, parent_debate FROM debates_claim WHERE id = NEW.parent_id;
    IF claim_debate IS DISTINCT FROM NEW.debate_id OR parent_debate IS DISTINCT FROM NEW.debate_id THEN
        RAISE EXCEPTION '{MESSAGES["debate"]}' USING ERRCODE = 'check_violation';
    END IF;
    IF claim_kind = 'position' AND parent_kind <> 'issue' THEN
        RAISE EXCEPTION '{MESSAGES["position"]}' USING ERRCODE = 'check_violation';
    END IF;
    IF claim_kind = 'argument' AND parent_kind NOT IN ('position', 'argument') THEN
        RAISE EXCEPTION '{MESSAGES["argument"]}' USING ERRCODE = 'check_violation';
    END IF;
    IF claim_kind = 'issue' THEN
        RAISE EXCEPTION 'an issue cannot stand under another claim' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER crux_claim_link BEFORE INSERT OR UPDATE ON debates_claimlink
    FOR EACH ROW EXECUTE FUNCTION crux_check_claim_link();
"""

POSTGRES_REMOVE = """
DROP TRIGGER IF EXISTS crux_claim_parent ON debates_claim;
DROP FUNCTION IF EXISTS crux_check_claim_parent();
DROP TRIGGER IF EXISTS crux_claim_link ON debates_claimlink;
DROP FUNCTION IF EXISTS crux_check_claim_link();
"""


def _sqlite_claim_checks(row: str) -> str:
    parent = f"(SELECT {{col}} FROM debates_claim WHERE id = {row}.parent_id)"
    return f"""
    SELECT RAISE(ABORT, '{MESSAGES["debate"]}')
        WHERE {row}.parent_id IS NOT NULL AND {parent.format(col="debate_id")} IS NOT {row}.debate_id;
    SELECT RAISE(ABORT, '{MESSAGES["position"]}')
        WHERE {row}.kind = 'position' AND {parent.format(col="kind")} <> 'issue';
    SELECT RAISE(ABORT, '{MESSAGES["argument"]}')
        WHERE {row}.kind = 'argument' AND {parent.format(col="kind")} NOT IN ('position', 'argument');
    """


def _sqlite_link_checks() -> str:
    def of(col: str, which: str) -> str:
        return f"(SELECT {col} FROM debates_claim WHERE id = NEW.{which}_id)"

    return f"""
    SELECT RAISE(ABORT, '{MESSAGES["debate"]}')
        WHERE {of("debate_id", "claim")} IS NOT NEW.debate_id
           OR {of("debate_id", "parent")} IS NOT NEW.debate_id;
    SELECT RAISE(ABORT, '{MESSAGES["position"]}')
        WHERE {of("kind", "claim")} = 'position' AND {of("kind", "parent")} <> 'issue';
    SELECT RAISE(ABORT, '{MESSAGES["argument"]}')
        WHERE {of("kind", "claim")} = 'argument'
          AND {of("kind", "parent")} NOT IN ('position', 'argument');
    SELECT RAISE(ABORT, 'an issue cannot stand under another claim')
        WHERE {of("kind", "claim")} = 'issue';
    """


SQLITE_INSTALL = [
    f"""CREATE TRIGGER crux_claim_parent_insert BEFORE INSERT ON debates_claim
    BEGIN {_sqlite_claim_checks("NEW")} END;""",
    f"""CREATE TRIGGER crux_claim_parent_update BEFORE UPDATE ON debates_claim
    BEGIN
    SELECT RAISE(ABORT, '{MESSAGES["frozen"]}')
        WHERE (NEW.kind <> OLD.kind OR NEW.debate_id <> OLD.debate_id)
          AND EXISTS (SELECT 1 FROM debates_claim WHERE parent_id = NEW.id);
    {_sqlite_claim_checks("NEW")} END;""",
    f"""CREATE TRIGGER crux_claim_link_insert BEFORE INSERT ON debates_claimlink
    BEGIN {_sqlite_link_checks()} END;""",
    f"""CREATE TRIGGER crux_claim_link_update BEFORE UPDATE ON debates_claimlink
    BEGIN {_sqlite_link_checks()} END;""",
]

SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS crux_claim_parent_insert;",
    "DROP TRIGGER IF EXISTS crux_claim_parent_update;",
    "DROP TRIGGER IF EXISTS crux_claim_link_insert;",
    "DROP TRIGGER IF EXISTS crux_claim_link_update;",
]


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_INSTALL)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_INSTALL:
            schema_editor.execute(statement)
    else:
        raise NotImplementedError(
            f"Crux supports PostgreSQL and SQLite, not {schema_editor.connection.vendor}"
        )


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_REMOVE)
    else:
        for statement in SQLITE_REMOVE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("debates", "0001_initial")]
    operations = [migrations.RunPython(install, remove)]
