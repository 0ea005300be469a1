"""technology market: results (汇交), demands, pairings with their steps, technical contracts

Revision ID: 0008_technology_market
Revises: 0007_talent
Create Date: 2026-12-01 09:00:00

Owned by innodrive.market (models: innodrive.market.db).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import innodrive.market.db  # noqa: F401  (registers the models on the shared Base)

revision = "0008_technology_market"
down_revision = "0007_talent"
branch_labels = None
depends_on = None


def _registered() -> list[sa.Column]:
    """The columns results and demands share (innodrive.market.db._Registered)."""
    return [sa.Column("contact_name", sa.String(length=100), nullable=True),
            sa.Column("contact_phone", sa.String(length=40), nullable=True),
            sa.Column("contact_email", sa.String(length=200), nullable=True),
            sa.Column("words", sa.Text(), nullable=False),
            sa.Column("words_version", sa.String(length=40), nullable=False),
            sa.Column("source", sa.Text(), nullable=True),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("created_by", sa.String(length=100), nullable=False),
            sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("updated_by", sa.String(length=100), nullable=False)]


def upgrade() -> None:
    op.create_table(
        "market_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("holder", sa.Text(), nullable=False),
        sa.Column("holder_kind", sa.String(length=8), nullable=False),
        sa.Column("holder_credit_code", sa.String(length=18), nullable=True),
        sa.Column("industry_code", sa.String(length=4), nullable=True),
        sa.Column("discipline_code", sa.String(length=4), nullable=True),
        sa.Column("trl", sa.Integer(), nullable=True),
        sa.Column("transfer_modes", sa.Text(), nullable=False),
        sa.Column("price_wan", sa.Float(), nullable=True),
        sa.Column("abstract", sa.Text(), nullable=False),
        sa.Column("keywords", sa.Text(), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        *_registered(),
        sa.ForeignKeyConstraint(["region_code"], ["regions.code"], name=op.f("fk_market_results_region_code_regions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_market_results")),
    )
    op.create_index(op.f("ix_market_results_region_code"), "market_results", ["region_code"], unique=False)

    op.create_table(
        "market_result_patents",
        sa.Column("number", sa.String(length=24), nullable=False),
        sa.Column("result_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["result_id"], ["market_results.id"], ondelete="CASCADE",
                                name=op.f("fk_market_result_patents_result_id_market_results")),
        sa.PrimaryKeyConstraint("number", name=op.f("pk_market_result_patents")),
    )
    op.create_index(op.f("ix_market_result_patents_result_id"), "market_result_patents", ["result_id"], unique=False)

    op.create_table(
        "market_demands",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("problem", sa.Text(), nullable=False),
        sa.Column("industry_code", sa.String(length=4), nullable=True),
        sa.Column("discipline_code", sa.String(length=4), nullable=True),
        sa.Column("trl_min", sa.Integer(), nullable=True),
        sa.Column("budget_wan", sa.Float(), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("confidential", sa.Boolean(), nullable=False),
        sa.Column("keywords", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        *_registered(),
        sa.ForeignKeyConstraint(["credit_code"], ["enterprises.credit_code"],
                                name=op.f("fk_market_demands_credit_code_enterprises")),
        sa.ForeignKeyConstraint(["region_code"], ["regions.code"], name=op.f("fk_market_demands_region_code_regions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_market_demands")),
    )
    op.create_index(op.f("ix_market_demands_credit_code"), "market_demands", ["credit_code"], unique=False)
    op.create_index(op.f("ix_market_demands_region_code"), "market_demands", ["region_code"], unique=False)

    op.create_table(
        "market_pairings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("result_id", sa.Integer(), nullable=False),
        sa.Column("demand_id", sa.Integer(), nullable=True),
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=True),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("broker", sa.String(length=100), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("recommended_on", sa.Date(), nullable=False),
        sa.Column("contacted_on", sa.Date(), nullable=True),
        sa.Column("negotiating_on", sa.Date(), nullable=True),
        sa.Column("signed_on", sa.Date(), nullable=True),
        sa.Column("registered_on", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("close_reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["credit_code"], ["enterprises.credit_code"],
                                name=op.f("fk_market_pairings_credit_code_enterprises")),
        sa.ForeignKeyConstraint(["demand_id"], ["market_demands.id"],
                                name=op.f("fk_market_pairings_demand_id_market_demands")),
        sa.ForeignKeyConstraint(["region_code"], ["regions.code"], name=op.f("fk_market_pairings_region_code_regions")),
        sa.ForeignKeyConstraint(["result_id"], ["market_results.id"],
                                name=op.f("fk_market_pairings_result_id_market_results")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_market_pairings")),
    )
    for col in ("credit_code", "demand_id", "region_code", "result_id"):
        op.create_index(op.f(f"ix_market_pairings_{col}"), "market_pairings", [col], unique=False)

    op.create_table(
        "market_pairing_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pairing_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("broker", sa.String(length=100), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["pairing_id"], ["market_pairings.id"], ondelete="CASCADE",
                                name=op.f("fk_market_pairing_events_pairing_id_market_pairings")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_market_pairing_events")),
    )
    op.create_index(op.f("ix_market_pairing_events_pairing_id"), "market_pairing_events", ["pairing_id"], unique=False)

    op.create_table(
        "market_contracts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pairing_id", sa.Integer(), nullable=False),
        sa.Column("registration_no", sa.String(length=64), nullable=False),
        sa.Column("contract_type", sa.String(length=8), nullable=False),
        sa.Column("amount_wan", sa.Float(), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("registered_on", sa.Date(), nullable=False),
        sa.Column("registry_office", sa.Text(), nullable=True),
        sa.Column("registry_region_code", sa.String(length=12), nullable=False),
        sa.Column("seller_region_code", sa.String(length=12), nullable=False),
        sa.Column("buyer_region_code", sa.String(length=12), nullable=False),
        sa.Column("major", sa.Boolean(), nullable=False),
        sa.Column("major_basis", sa.Text(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["buyer_region_code"], ["regions.code"],
                                name=op.f("fk_market_contracts_buyer_region_code_regions")),
        sa.ForeignKeyConstraint(["pairing_id"], ["market_pairings.id"],
                                name=op.f("fk_market_contracts_pairing_id_market_pairings")),
        sa.ForeignKeyConstraint(["registry_region_code"], ["regions.code"],
                                name=op.f("fk_market_contracts_registry_region_code_regions")),
        sa.ForeignKeyConstraint(["seller_region_code"], ["regions.code"],
                                name=op.f("fk_market_contracts_seller_region_code_regions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_market_contracts")),
        sa.UniqueConstraint("pairing_id", name=op.f("uq_market_contracts_pairing_id")),
        sa.UniqueConstraint("registration_no", name=op.f("uq_market_contracts_registration_no")),
    )
    for col in ("buyer_region_code", "registry_region_code", "seller_region_code"):
        op.create_index(op.f(f"ix_market_contracts_{col}"), "market_contracts", [col], unique=False)


def downgrade() -> None:
    op.drop_table("market_contracts")
    op.drop_table("market_pairing_events")
    op.drop_table("market_pairings")
    op.drop_table("market_demands")
    op.drop_table("market_result_patents")
    op.drop_table("market_results")
