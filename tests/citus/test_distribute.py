"""The distributed layout on the Citus cluster (`make test-citus`: three nodes from
../shared/citus/cluster.sh, the database migrated and put through `fupin citus distribute`).
Skipped unless FUPIN_TEST_CITUS=1."""

import os

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from fupin.core import citus

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(os.environ.get("FUPIN_TEST_CITUS") != "1", reason="needs the Citus cluster")]


def rows(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def test_every_county_table_is_distributed_by_county_and_colocated():
    placed = dict(rows("SELECT logicalrelid::regclass::text, colocationid FROM pg_dist_partition "
                       "WHERE partmethod = 'h'"))
    with_county = {m._meta.db_table for m in apps.get_models()
                   if any(f.column == "county_code" for f in m._meta.local_fields)} - {"divisions_division"}
    assert with_county <= set(placed)
    assert len({placed[t] for t in with_county}) == 1  # one co-location group: a county's rows together
    columns = dict(rows("SELECT logicalrelid::regclass::text, column_to_column_name(logicalrelid, partkey) "
                        "FROM pg_dist_partition WHERE partmethod = 'h'"))
    assert {columns[t] for t in with_county} == {"county_code"}


def test_shared_tables_are_reference_tables_on_every_node():
    reference = {t for (t,) in rows("SELECT logicalrelid::regclass::text FROM pg_dist_partition "
                                    "WHERE partmethod = 'n'")}
    assert {"accounts_user", "accounts_areagrant", "divisions_division", "targeting_ruleset",
            "core_setting", "registry_risktype"} <= reference
    nodes = rows("SELECT COUNT(*) FROM pg_dist_node WHERE isactive")[0][0]
    assert nodes == 3


def test_keys_carry_the_county():
    """Primary and unique keys include county_code; foreign keys between distributed tables too."""
    missing = rows("""
        SELECT c.conrelid::regclass::text, c.conname FROM pg_constraint c
        JOIN pg_dist_partition p ON p.logicalrelid = c.conrelid AND p.partmethod = 'h'
        WHERE c.contype IN ('p', 'u', 'f')
          AND NOT EXISTS (SELECT 1 FROM unnest(c.conkey) k JOIN pg_attribute a
                          ON a.attrelid = c.conrelid AND a.attnum = k WHERE a.attname = 'county_code')
          AND NOT (c.contype = 'f' AND EXISTS (SELECT 1 FROM pg_dist_partition r
                                               WHERE r.logicalrelid = c.confrelid AND r.partmethod = 'n'))""")
    assert missing == []
    household_fk = rows("""SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c
                           WHERE c.conrelid = 'registry_member'::regclass AND c.contype = 'f'
                             AND c.confrelid = 'registry_household'::regclass""")
    assert household_fk == [("FOREIGN KEY (county_code, household_id) REFERENCES "
                             "registry_household(county_code, id) DEFERRABLE INITIALLY DEFERRED",)]


def test_a_county_lives_on_one_node_and_its_rows_stay_in_it(users):
    from tests.factories import JIANYUAN, make_household

    household = make_household(JIANYUAN)
    nodes = {table: rows("""SELECT n.nodeport FROM pg_dist_placement p JOIN pg_dist_node n ON n.groupid = p.groupid
                            WHERE p.shardid = get_shard_id_for_distribution_column(%s, %s)""",
                         [table, household.county_code])
             for table in ("registry_household", "registry_member", "workflows_case", "funds_disbursement")}
    assert len(set(map(tuple, nodes.values()))) == 1  # the county's households, members, cases, payments
    member = household.members.first()
    # a row stays in its county (the composite foreign keys, tested above, keep links within it)
    with pytest.raises(Exception, match="modifying the partition value"), connection.cursor() as cursor:
        cursor.execute("SAVEPOINT wrong_county")
        cursor.execute("UPDATE registry_member SET county_code = '360101' WHERE county_code = %s AND id = %s",
                       [member.county_code, member.pk])
    with connection.cursor() as cursor:
        cursor.execute("ROLLBACK TO SAVEPOINT wrong_county")


def test_distribute_again_changes_nothing(capsys):
    before = citus.status()
    call_command("citus", "distribute")
    assert citus.status() == before
    assert "已就绪" in capsys.readouterr().out
