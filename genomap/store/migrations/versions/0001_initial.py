"""Initial GenoMap schema: cases, people, relationships, households, agencies, chronology.

Schema version 1.  Written out in full (not imported from the model) so that this
migration keeps describing version 1 even as :mod:`genomap.model.tables` moves on.
Partial dates are stored as their sortable text form (see ``PartialDate.to_storage``);
enumerations as their lowercase values in VARCHAR(40) columns.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

DATE_TEXT = sa.String(length=40)


def upgrade() -> None:
    op.create_table('agency',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('type', sa.Enum('social_care', 'police', 'probation', 'health_visitor', 'gp', 'school', 'school_nurse', 'camhs', 'psychology', 'mappa', 'early_help', 'housing', 'midwifery', 'adult_mental_health', 'substance_service', 'domestic_abuse_service', 'nursery', 'youth_justice', 'other', name='agencytype', native_enum=False, length=40), nullable=False),
    sa.Column('contact', sa.String(), nullable=False),
    sa.Column('notes', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(), nullable=False),
    sa.Column('reference', sa.String(), nullable=False),
    sa.Column('author', sa.String(), nullable=False),
    sa.Column('notes', sa.String(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_reference'), ['reference'], unique=False)

    op.create_table('household',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(), nullable=False),
    sa.Column('address', sa.String(), nullable=False),
    sa.Column('type', sa.Enum('family_home', 'temporary', 'refuge', 'foster_placement', 'residential', 'custody', 'hospital', 'other', name='householdtype', native_enum=False, length=40), nullable=False),
    sa.Column('notes', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('given_names', sa.String(), nullable=False),
    sa.Column('family_name', sa.String(), nullable=False),
    sa.Column('known_as', sa.String(), nullable=False),
    sa.Column('aliases', sa.String(), nullable=False),
    sa.Column('sex', sa.Enum('male', 'female', 'other', 'unknown', name='sex', native_enum=False, length=40), nullable=False),
    sa.Column('gender_identity', sa.String(), nullable=False),
    sa.Column('birth', DATE_TEXT, nullable=True),
    sa.Column('death', DATE_TEXT, nullable=True),
    sa.Column('deceased', sa.Boolean(), nullable=False),
    sa.Column('pregnancy', sa.Enum('none', 'pregnancy', 'miscarriage', 'stillbirth', 'termination', name='pregnancyoutcome', native_enum=False, length=40), nullable=False),
    sa.Column('adopted', sa.Boolean(), nullable=False),
    sa.Column('looked_after', sa.Boolean(), nullable=False),
    sa.Column('twin_group', sa.String(), nullable=False),
    sa.Column('twin_kind', sa.Enum('none', 'fraternal', 'identical', 'unknown', name='twinkind', native_enum=False, length=40), nullable=False),
    sa.Column('birth_order', sa.Integer(), nullable=True),
    sa.Column('notes', sa.String(), nullable=False),
    sa.Column('child_voice', sa.String(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_family_name'), ['family_name'], unique=False)

    op.create_table('casemember',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('is_subject', sa.Boolean(), nullable=False),
    sa.Column('role', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('case_id', 'person_id')
    )
    with op.batch_alter_table('casemember', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_casemember_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_casemember_person_id'), ['person_id'], unique=False)

    op.create_table('event',
    sa.Column('status', sa.Enum('reported', 'alleged', 'suspected', 'confirmed', 'disputed', name='factstatus', native_enum=False, length=40), nullable=False),
    sa.Column('source', sa.String(), nullable=False),
    sa.Column('source_agency', sa.String(), nullable=False),
    sa.Column('source_date', DATE_TEXT, nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('date', DATE_TEXT, nullable=True),
    sa.Column('kind', sa.Enum('incident', 'referral', 'assessment', 'move', 'court_order', 'conference', 'strategy_meeting', 'birth', 'death', 'hospital_attendance', 'other', name='eventkind', native_enum=False, length=40), nullable=False),
    sa.Column('title', sa.String(), nullable=False),
    sa.Column('description', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_case_id'), ['case_id'], unique=False)

    op.create_table('involvement',
    sa.Column('start', DATE_TEXT, nullable=True),
    sa.Column('end', DATE_TEXT, nullable=True),
    sa.Column('status', sa.Enum('reported', 'alleged', 'suspected', 'confirmed', 'disputed', name='factstatus', native_enum=False, length=40), nullable=False),
    sa.Column('source', sa.String(), nullable=False),
    sa.Column('source_agency', sa.String(), nullable=False),
    sa.Column('source_date', DATE_TEXT, nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('household_id', sa.Integer(), nullable=True),
    sa.Column('role', sa.String(), nullable=False),
    sa.Column('worker_name', sa.String(), nullable=False),
    sa.Column('worker_contact', sa.String(), nullable=False),
    sa.Column('notes', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('involvement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_involvement_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_involvement_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_involvement_person_id'), ['person_id'], unique=False)

    op.create_table('legalstatus',
    sa.Column('start', DATE_TEXT, nullable=True),
    sa.Column('end', DATE_TEXT, nullable=True),
    sa.Column('status', sa.Enum('reported', 'alleged', 'suspected', 'confirmed', 'disputed', name='factstatus', native_enum=False, length=40), nullable=False),
    sa.Column('source', sa.String(), nullable=False),
    sa.Column('source_agency', sa.String(), nullable=False),
    sa.Column('source_date', DATE_TEXT, nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('child_in_need', 'child_protection', 'looked_after', 'care_order', 'special_guardianship', name='legalstatuskind', native_enum=False, length=40), nullable=False),
    sa.Column('notes', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('legalstatus', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_legalstatus_person_id'), ['person_id'], unique=False)

    op.create_table('parentlink',
    sa.Column('start', DATE_TEXT, nullable=True),
    sa.Column('end', DATE_TEXT, nullable=True),
    sa.Column('status', sa.Enum('reported', 'alleged', 'suspected', 'confirmed', 'disputed', name='factstatus', native_enum=False, length=40), nullable=False),
    sa.Column('source', sa.String(), nullable=False),
    sa.Column('source_agency', sa.String(), nullable=False),
    sa.Column('source_date', DATE_TEXT, nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('biological', 'adoptive', 'step', 'foster', 'kinship', name='parentlinkkind', native_enum=False, length=40), nullable=False),
    sa.Column('parental_responsibility', sa.Enum('yes', 'no', 'unknown', name='tristate', native_enum=False, length=40), nullable=False),
    sa.Column('notes', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['child_id'], ['person.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['parent_id'], ['person.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('parent_id', 'child_id', 'kind')
    )
    with op.batch_alter_table('parentlink', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_parentlink_child_id'), ['child_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_parentlink_parent_id'), ['parent_id'], unique=False)

    op.create_table('partnership',
    sa.Column('start', DATE_TEXT, nullable=True),
    sa.Column('end', DATE_TEXT, nullable=True),
    sa.Column('status', sa.Enum('reported', 'alleged', 'suspected', 'confirmed', 'disputed', name='factstatus', native_enum=False, length=40), nullable=False),
    sa.Column('source', sa.String(), nullable=False),
    sa.Column('source_agency', sa.String(), nullable=False),
    sa.Column('source_date', DATE_TEXT, nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_a_id', sa.Integer(), nullable=False),
    sa.Column('person_b_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('married', 'civil_partnership', 'cohabiting', 'dating', 'engaged', name='partnershipkind', native_enum=False, length=40), nullable=False),
    sa.Column('end_kind', sa.Enum('none', 'separated', 'divorced', 'widowed', name='partnershipend', native_enum=False, length=40), nullable=False),
    sa.Column('living_together', sa.Boolean(), nullable=False),
    sa.Column('notes', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['person_a_id'], ['person.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_b_id'], ['person.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('partnership', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partnership_person_a_id'), ['person_a_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_partnership_person_b_id'), ['person_b_id'], unique=False)

    op.create_table('residence',
    sa.Column('start', DATE_TEXT, nullable=True),
    sa.Column('end', DATE_TEXT, nullable=True),
    sa.Column('status', sa.Enum('reported', 'alleged', 'suspected', 'confirmed', 'disputed', name='factstatus', native_enum=False, length=40), nullable=False),
    sa.Column('source', sa.String(), nullable=False),
    sa.Column('source_agency', sa.String(), nullable=False),
    sa.Column('source_date', DATE_TEXT, nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('lives', 'stays_regularly', 'visits', 'stays_overnight', name='residencekind', native_enum=False, length=40), nullable=False),
    sa.Column('overlap_ok', sa.Boolean(), nullable=False),
    sa.Column('notes', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('residence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_residence_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_residence_person_id'), ['person_id'], unique=False)

    op.create_table('riskflag',
    sa.Column('start', DATE_TEXT, nullable=True),
    sa.Column('end', DATE_TEXT, nullable=True),
    sa.Column('status', sa.Enum('reported', 'alleged', 'suspected', 'confirmed', 'disputed', name='factstatus', native_enum=False, length=40), nullable=False),
    sa.Column('source', sa.String(), nullable=False),
    sa.Column('source_agency', sa.String(), nullable=False),
    sa.Column('source_date', DATE_TEXT, nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('registered_sex_offender', 'domestic_abuse_perpetrator', 'violent_offender', 'mappa', 'substance_misuse', 'mental_health', 'other', name='riskkind', native_enum=False, length=40), nullable=False),
    sa.Column('detail', sa.String(), nullable=False),
    sa.Column('notes', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('riskflag', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_riskflag_person_id'), ['person_id'], unique=False)

    op.create_table('tie',
    sa.Column('start', DATE_TEXT, nullable=True),
    sa.Column('end', DATE_TEXT, nullable=True),
    sa.Column('status', sa.Enum('reported', 'alleged', 'suspected', 'confirmed', 'disputed', name='factstatus', native_enum=False, length=40), nullable=False),
    sa.Column('source', sa.String(), nullable=False),
    sa.Column('source_agency', sa.String(), nullable=False),
    sa.Column('source_date', DATE_TEXT, nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('from_id', sa.Integer(), nullable=False),
    sa.Column('to_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('close', 'conflict', 'hostile', 'estranged', 'domestic_abuse_physical', 'domestic_abuse_emotional', 'coercive_control', 'sexual_abuse', 'neglect', 'court_ordered_contact', 'no_contact_order', name='tiekind', native_enum=False, length=40), nullable=False),
    sa.Column('notes', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['from_id'], ['person.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['to_id'], ['person.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('tie', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tie_from_id'), ['from_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tie_to_id'), ['to_id'], unique=False)

    op.create_table('eventhousehold',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', 'household_id')
    )
    op.create_table('eventperson',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', 'person_id')
    )


def downgrade() -> None:
    op.drop_table('eventperson')
    op.drop_table('eventhousehold')
    with op.batch_alter_table('tie', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tie_to_id'))
        batch_op.drop_index(batch_op.f('ix_tie_from_id'))

    op.drop_table('tie')
    with op.batch_alter_table('riskflag', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_riskflag_person_id'))

    op.drop_table('riskflag')
    with op.batch_alter_table('residence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_residence_person_id'))
        batch_op.drop_index(batch_op.f('ix_residence_household_id'))

    op.drop_table('residence')
    with op.batch_alter_table('partnership', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partnership_person_b_id'))
        batch_op.drop_index(batch_op.f('ix_partnership_person_a_id'))

    op.drop_table('partnership')
    with op.batch_alter_table('parentlink', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_parentlink_parent_id'))
        batch_op.drop_index(batch_op.f('ix_parentlink_child_id'))

    op.drop_table('parentlink')
    with op.batch_alter_table('legalstatus', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_legalstatus_person_id'))

    op.drop_table('legalstatus')
    with op.batch_alter_table('involvement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_involvement_person_id'))
        batch_op.drop_index(batch_op.f('ix_involvement_household_id'))
        batch_op.drop_index(batch_op.f('ix_involvement_agency_id'))

    op.drop_table('involvement')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_case_id'))

    op.drop_table('event')
    with op.batch_alter_table('casemember', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_casemember_person_id'))
        batch_op.drop_index(batch_op.f('ix_casemember_case_id'))

    op.drop_table('casemember')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_family_name'))

    op.drop_table('person')
    op.drop_table('household')
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_reference'))

    op.drop_table('case')
    op.drop_table('agency')
