"""Privacy's operations, by what they are for: ``access`` (a person's own page and download, the link
to it, the consents changed there), ``erasure`` (a person erased, the counts kept; the outbox
scrubbed; the salted hash that keeps erased addresses off the lists), ``retention`` (each
coalition's retention period, IP minimisation, the daily run) and ``export_log`` (who downloaded
personal data). Callers use ``from organiser.privacy import services`` or import the names below.

Domains do not import privacy's internals: they register their personal data in
``organiser.privacy.registry``, and scrub the mail that carried their records with ``scrub_outbox``.
"""

from __future__ import annotations

from organiser.privacy.services.access import (
    change_consents,
    consent_history,
    consent_states,
    data_link_token,
    export_csv,
    export_json,
    people_with_email,
    person_data,
    read_data_link_token,
    send_data_link,
    subject_name,
)
from organiser.privacy.services.erasure import (
    ERASED,
    address_hash,
    drop_sent_attachments,
    erase_person,
    erasures_of,
    forget_addresses,
    scrub_outbox,
    was_erased,
)
from organiser.privacy.services.export_log import exports_of, record_export
from organiser.privacy.services.retention import (
    has_ongoing_consent,
    last_retention_run,
    months_before,
    retention_due,
    run_retention,
)

__all__ = [
    "ERASED",
    "address_hash",
    "change_consents",
    "consent_history",
    "consent_states",
    "data_link_token",
    "drop_sent_attachments",
    "erase_person",
    "erasures_of",
    "export_csv",
    "export_json",
    "exports_of",
    "forget_addresses",
    "has_ongoing_consent",
    "last_retention_run",
    "months_before",
    "people_with_email",
    "person_data",
    "read_data_link_token",
    "record_export",
    "retention_due",
    "run_retention",
    "scrub_outbox",
    "send_data_link",
    "subject_name",
    "was_erased",
]
