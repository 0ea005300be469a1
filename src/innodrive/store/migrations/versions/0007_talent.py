"""talent registry, 英才卡 and service requests (personal fields encrypted)

Revision ID: 0007_talent
Revises: 0006_web_accounts
Create Date: 2026-12-02 08:00:00

Owned by innodrive.talent (models: innodrive.talent.db).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import innodrive.talent.db  # noqa: F401  (registers the models on the shared Base)

revision = "0007_talent"
down_revision = "0006_web_accounts"
branch_labels = None
depends_on = None


def _stamp(who: str, when: str) -> list[sa.Column]:
    return [sa.Column(when, sa.DateTime(timezone=True), nullable=False),
            sa.Column(who, sa.String(length=100), nullable=False)]


def upgrade() -> None:
    op.create_table(
        "talent_people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("id_type", sa.String(length=20), nullable=False),
        sa.Column("id_hmac", sa.String(length=64), nullable=False),
        sa.Column("person_hmac", sa.String(length=64), nullable=False),
        sa.Column("name_hmac", sa.String(length=64), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("name_enc", sa.Text(), nullable=False),
        sa.Column("id_number_enc", sa.Text(), nullable=False),
        sa.Column("birth_date_enc", sa.Text(), nullable=False),
        sa.Column("phone_enc", sa.Text(), nullable=True),
        sa.Column("email_enc", sa.Text(), nullable=True),
        sa.Column("employer_code", sa.String(length=18), nullable=True),
        sa.Column("employer_name", sa.Text(), nullable=True),
        sa.Column("employer_kind", sa.String(length=12), nullable=True),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("field", sa.Text(), nullable=True),
        sa.Column("titles", sa.JSON(), nullable=False),
        sa.Column("honours", sa.JSON(), nullable=False),
        sa.Column("education", sa.String(length=40), nullable=True),
        sa.Column("category", sa.String(length=8), nullable=True),
        sa.Column("criterion", sa.String(length=16), nullable=True),
        sa.Column("catalogue_version", sa.String(length=40), nullable=True),
        sa.Column("recognised_on", sa.Date(), nullable=True),
        sa.Column("arrival_date", sa.Date(), nullable=False),
        sa.Column("employment", sa.String(length=4), nullable=False),
        sa.Column("departure_date", sa.Date(), nullable=True),
        sa.Column("source", sa.Text(), nullable=True),
        *_stamp("created_by", "created_at"),
        *_stamp("updated_by", "updated_at"),
        sa.ForeignKeyConstraint(["region_code"], ["regions.code"], name=op.f("fk_talent_people_region_code_regions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_talent_people")),
        sa.UniqueConstraint("id_hmac", name=op.f("uq_talent_people_id_hmac")),
    )
    with op.batch_alter_table("talent_people", schema=None) as b:
        for col in ("person_hmac", "name_hmac", "employer_code", "region_code", "category"):
            b.create_index(b.f(f"ix_talent_people_{col}"), [col], unique=False)

    op.create_table(
        "talent_categories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("talent_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=8), nullable=False),
        sa.Column("criterion", sa.String(length=16), nullable=True),
        sa.Column("catalogue_version", sa.String(length=40), nullable=False),
        sa.Column("recognised_on", sa.Date(), nullable=False),
        *_stamp("recorded_by", "recorded_at"),
        sa.ForeignKeyConstraint(["talent_id"], ["talent_people.id"], ondelete="CASCADE",
                                name=op.f("fk_talent_categories_talent_id_talent_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_talent_categories")),
        sa.UniqueConstraint("talent_id", "recognised_on", name="uq_talent_categories_talent_day"),
    )
    with op.batch_alter_table("talent_categories", schema=None) as b:
        b.create_index(b.f("ix_talent_categories_talent_id"), ["talent_id"], unique=False)

    op.create_table(
        "talent_cards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("talent_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=24), nullable=False),
        sa.Column("card_type", sa.String(length=8), nullable=False),
        sa.Column("rules_version", sa.String(length=40), nullable=False),
        sa.Column("rule_id", sa.String(length=40), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("close_reason", sa.Text(), nullable=True),
        sa.Column("decision", sa.JSON(), nullable=False),
        *_stamp("created_by", "created_at"),
        sa.ForeignKeyConstraint(["talent_id"], ["talent_people.id"], ondelete="CASCADE",
                                name=op.f("fk_talent_cards_talent_id_talent_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_talent_cards")),
        sa.UniqueConstraint("number", name=op.f("uq_talent_cards_number")),
    )
    with op.batch_alter_table("talent_cards", schema=None) as b:
        b.create_index(b.f("ix_talent_cards_talent_id"), ["talent_id"], unique=False)

    op.create_table(
        "talent_card_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("card_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("rules_version", sa.String(length=40), nullable=True),
        sa.Column("valid_to_before", sa.Date(), nullable=True),
        sa.Column("valid_to_after", sa.Date(), nullable=True),
        *_stamp("by", "at"),
        sa.ForeignKeyConstraint(["card_id"], ["talent_cards.id"], ondelete="CASCADE",
                                name=op.f("fk_talent_card_events_card_id_talent_cards")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_talent_card_events")),
    )
    with op.batch_alter_table("talent_card_events", schema=None) as b:
        b.create_index(b.f("ix_talent_card_events_card_id"), ["card_id"], unique=False)

    op.create_table(
        "talent_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("talent_id", sa.Integer(), nullable=True),
        sa.Column("service", sa.String(length=40), nullable=False),
        sa.Column("service_name", sa.Text(), nullable=False),
        sa.Column("unit", sa.String(length=100), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=True),
        sa.Column("rules_version", sa.String(length=40), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.Column("limit_days", sa.Integer(), nullable=False),
        sa.Column("limit_unit", sa.String(length=10), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("deadline_notes", sa.JSON(), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=True),
        sa.Column("description_enc", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("answered_on", sa.Date(), nullable=True),
        sa.Column("answer_enc", sa.Text(), nullable=True),
        sa.Column("answered_by", sa.String(length=100), nullable=True),
        sa.Column("escalation_level", sa.Integer(), nullable=False),
        sa.Column("escalated_on", sa.Date(), nullable=True),
        sa.Column("satisfaction", sa.Integer(), nullable=True),
        sa.Column("rated_on", sa.Date(), nullable=True),
        sa.Column("exception_reason", sa.Text(), nullable=True),
        sa.Column("anonymised", sa.Boolean(), nullable=False),
        *_stamp("created_by", "created_at"),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["talent_id"], ["talent_people.id"], ondelete="SET NULL",
                                name=op.f("fk_talent_requests_talent_id_talent_people")),
        sa.ForeignKeyConstraint(["region_code"], ["regions.code"], name=op.f("fk_talent_requests_region_code_regions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_talent_requests")),
    )
    with op.batch_alter_table("talent_requests", schema=None) as b:
        for col in ("talent_id", "unit", "region_code", "submitted_on", "deadline", "status"):
            b.create_index(b.f(f"ix_talent_requests_{col}"), [col], unique=False)

    op.create_table(
        "talent_request_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("unit", sa.String(length=100), nullable=True),
        sa.Column("level", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        *_stamp("by", "at"),
        sa.ForeignKeyConstraint(["request_id"], ["talent_requests.id"], ondelete="CASCADE",
                                name=op.f("fk_talent_request_events_request_id_talent_requests")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_talent_request_events")),
    )
    with op.batch_alter_table("talent_request_events", schema=None) as b:
        b.create_index(b.f("ix_talent_request_events_request_id"), ["request_id"], unique=False)

    op.create_table(
        "talent_retained_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("category", sa.String(length=8), nullable=False),
        sa.Column("employment", sa.String(length=4), nullable=False),
        sa.Column("arrival_year", sa.Integer(), nullable=False),
        sa.Column("start_year", sa.Integer(), nullable=False),
        sa.Column("end_year", sa.Integer(), nullable=True),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["region_code"], ["regions.code"],
                                name=op.f("fk_talent_retained_counts_region_code_regions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_talent_retained_counts")),
    )
    with op.batch_alter_table("talent_retained_counts", schema=None) as b:
        b.create_index(b.f("ix_talent_retained_counts_region_code"), ["region_code"], unique=False)


def downgrade() -> None:
    for table in ("talent_retained_counts", "talent_request_events", "talent_requests", "talent_card_events",
                  "talent_cards", "talent_categories", "talent_people"):
        op.drop_table(table)
