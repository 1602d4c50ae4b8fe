"""stage corrections

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stage_corrections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("stage", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("predicted_stage", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("query_id", sa.Integer(), nullable=True),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["query_id"], ["query_log.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("stage_corrections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stage_corrections_created_at"), ["created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("stage_corrections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stage_corrections_created_at"))
    op.drop_table("stage_corrections")
