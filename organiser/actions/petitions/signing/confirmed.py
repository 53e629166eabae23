"""What a confirmed signature hands on: the address is the signer's, so their details go to their
person record, and the consent boxes they ticked (the coalition's, a co-sponsor's) to the consent
ledger, with the wording and this time."""

from __future__ import annotations

from sqlalchemy import insert

from organiser.actions.petitions.models import Petition, Signature, SignatureState
from organiser.db import db, dialect_insert, utcnow
from organiser.people.models import ConsentEvent, ConsentState, ConsentSubject, Person


def apply_confirmed_choices(signature: Signature) -> None:
    """The signature is confirmed: the address is the signer's. Their details go to their person
    record, and the consent boxes they ticked go to the ledger, with the wording and this time."""
    if signature.person_id is None or signature.state == SignatureState.OVER_LIMIT:
        return
    person = db.session.get(Person, signature.person_id)
    person.name = signature.name or person.name
    person.region = signature.region or person.region
    person.country = signature.country or person.country
    petition = signature.petition
    if signature.consent_coalition:
        _record_coalition_consent(person.id, petition)
    if signature.consent_sponsor and signature.sponsor_organisation_id:
        from organiser.coalitions.models import Organisation

        organisation = db.session.get(Organisation, signature.sponsor_organisation_id)
        if organisation is not None:
            _record_sponsor_consent(person.id, petition, (organisation.id, organisation.name))
    db.session.flush()


def _record_coalition_consent(person_id: int, petition: Petition) -> None:
    """The ledger event and the current state, as ``people.services.record_consent`` keeps them."""
    from organiser.actions.petitions.services import consent_wording

    now = utcnow()
    subject = {
        "person_id": person_id,
        "subject_type": ConsentSubject.COALITION,
        "subject_id": petition.coalition_id,
        "channel": "email",
    }
    db.session.execute(
        insert(ConsentEvent).values(
            **subject,
            given=True,
            wording=consent_wording(petition),
            source=f"petition:{petition.slug}",
            created_at=now,
        )
    )
    statement = dialect_insert(ConsentState)
    if statement is None:
        from organiser.people.services import record_consent

        person = db.session.get(Person, person_id)
        record_consent(person, ConsentSubject.COALITION, petition.coalition_id, given=True)
        return
    statement = statement.values(**subject, granted=True, updated_at=now)
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=[
                ConsentState.person_id,
                ConsentState.subject_type,
                ConsentState.subject_id,
                ConsentState.channel,
            ],
            set_={"granted": True, "updated_at": now},
        )
    )


def _record_sponsor_consent(person_id: int, petition: Petition, sponsor: tuple[int, str]) -> None:
    """The signer ticked the box of the co-sponsor whose tracking link brought them."""
    from organiser.actions.petitions.sponsors import sponsor_consent_wording
    from organiser.people.services import record_consent

    organisation_id, name = sponsor
    record_consent(
        db.session.get(Person, person_id),
        ConsentSubject.ORGANISATION,
        organisation_id,
        given=True,
        wording=sponsor_consent_wording(name),
        source=f"petition:{petition.slug}",
    )
