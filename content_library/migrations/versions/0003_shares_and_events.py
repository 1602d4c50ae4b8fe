"""asset shares and handled Slack events

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "asset_shares",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("query_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["asset_id"], ["assets.id"]),
        sa.ForeignKeyConstraint(["query_id"], ["query_log.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("asset_shares", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_asset_shares_asset_id"), ["asset_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_asset_shares_created_at"), ["created_at"], unique=False)
    op.create_table(
        "handled_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id"),
    )
    with op.batch_alter_table("handled_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_handled_events_created_at"), ["created_at"], unique=False)


def downgrade() -> None:
    op.drop_table("handled_events")
    with op.batch_alter_table("asset_shares", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_asset_shares_created_at"))
        batch_op.drop_index(batch_op.f("ix_asset_shares_asset_id"))
    op.drop_table("asset_shares")
