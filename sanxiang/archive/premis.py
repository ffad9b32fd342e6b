"""A PREMIS 3 event history per original, taken from the ledger.

Archivematica and most preservation systems read PREMIS (Library of Congress,
http://www.loc.gov/premis/v3): objects with their fixity, events (what happened, when, by whom,
with what outcome) and agents. Our events are the ledger's entries about each original's
ledger object — every one of them, oldest first — identified by their ledger sequence number
so the receiver can ask for each event's inclusion proof; plus the fixity check the export
itself ran while copying the bytes into the package.

Element names follow the PREMIS 3.0 schema in its element order; outcome "success" for a
ledger event means the action was committed (the ledger records nothing else).
"""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from datetime import datetime

from sanxiang.ledger.models import LedgerEntry

from .metadata_xml import PackedFile

NS = "http://www.loc.gov/premis/v3"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
LEDGER_SEQ = "sanxiang-ledger-seq"
LEDGER_OBJECT = "sanxiang-ledger-object"
BAG_PATH = "bag-path"
STAFF = "sanxiang-staff"
SOFTWARE = "sanxiang"

ET.register_namespace("premis", NS)
ET.register_namespace("xsi", XSI)


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def _sub(parent: ET.Element, tag: str, text: object = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, _q(tag), attrs)
    if text is not None:
        element.text = str(text)
    return element


def _identifier(parent: ET.Element, kind: str, id_type: str, value: str) -> None:
    block = _sub(parent, f"{kind}Identifier")
    _sub(block, f"{kind}IdentifierType", id_type)
    _sub(block, f"{kind}IdentifierValue", value)


def _linking(parent: ET.Element, kind: str, id_type: str, value: str, role: str = "") -> None:
    block = _sub(parent, f"linking{kind}Identifier")
    _sub(block, f"linking{kind}IdentifierType", id_type)
    _sub(block, f"linking{kind}IdentifierValue", value)
    if role:
        _sub(block, f"linking{kind}Role", role)


def _object(root: ET.Element, packed: PackedFile, events: list[str]) -> None:
    element = _sub(root, "object", **{f"{{{XSI}}}type": "premis:file"})
    ref = packed.file.ledger
    _identifier(element, "object", BAG_PATH, packed.path)
    _identifier(element, "object", LEDGER_OBJECT, f"{ref.object_type}:{ref.object_id}")
    characteristics = _sub(element, "objectCharacteristics")
    _sub(characteristics, "compositionLevel", 0)
    for algorithm, digest in (("SHA-256", packed.file.sha256), ("SM3", packed.file.sm3)):
        fixity = _sub(characteristics, "fixity")
        _sub(fixity, "messageDigestAlgorithm", algorithm)
        _sub(fixity, "messageDigest", digest)
        _sub(fixity, "messageDigestOriginator", SOFTWARE)
    _sub(characteristics, "size", packed.file.size)
    designation = _sub(_sub(characteristics, "format"), "formatDesignation")
    _sub(designation, "formatName", packed.file.media_type)
    _sub(element, "originalName", packed.file.name or packed.path)
    for event_id in events:
        _linking(element, "Event", LEDGER_SEQ if event_id.isdigit() else "uuid", event_id)


def _event(
    root: ET.Element,
    *,
    event_id: tuple[str, str],
    event_type: str,
    when: datetime,
    detail: str,
    outcome: str,
    note: str,
    agent: tuple[str, str],
    objects: list[str],
) -> None:
    element = _sub(root, "event")
    _identifier(element, "event", *event_id)
    _sub(element, "eventType", event_type)
    _sub(element, "eventDateTime", when.isoformat())
    _sub(_sub(element, "eventDetailInformation"), "eventDetail", detail)
    outcome_info = _sub(element, "eventOutcomeInformation")
    _sub(outcome_info, "eventOutcome", outcome)
    _sub(_sub(outcome_info, "eventOutcomeDetail"), "eventOutcomeDetailNote", note)
    role = "executing program" if agent[0] == SOFTWARE else "implementer"  # LoC vocabulary
    _linking(element, "Agent", *agent, role=role)
    for path in objects:
        _linking(element, "Object", BAG_PATH, path)


def unit_premis_xml(files: list[PackedFile], *, exported_at: datetime) -> bytes:
    """PREMIS objects, events and agents for the originals of one unit."""
    root = ET.Element(_q("premis"), {"version": "3.0"})
    by_object: dict[tuple[str, str], list[PackedFile]] = {}
    for packed in files:
        by_object.setdefault((packed.file.ledger.object_type, packed.file.ledger.object_id), [])
        by_object[(packed.file.ledger.object_type, packed.file.ledger.object_id)].append(packed)
    history: dict[tuple[str, str], list[LedgerEntry]] = {
        key: list(LedgerEntry.objects.filter(object_type=key[0], object_id=key[1]).order_by("seq"))
        for key in by_object
    }
    for packed in files:
        key = (packed.file.ledger.object_type, packed.file.ledger.object_id)
        seqs = [str(entry.seq) for entry in history[key]]
        _object(root, packed, [*seqs, _fixity_id(packed)])
    agents: dict[str, str] = {SOFTWARE: "三项制度执法平台"}
    for key, entries in history.items():
        paths = [packed.path for packed in by_object[key]]
        for entry in entries:
            agent_id = str(entry.actor_id) if entry.actor_id is not None else SOFTWARE
            agents.setdefault(agent_id, entry.actor_name)
            _event(
                root,
                event_id=(LEDGER_SEQ, str(entry.seq)),
                event_type=entry.action,
                when=entry.recorded_at,
                detail=entry.action_label,
                outcome="success",
                note=f"账本序号 {entry.seq}，叶子哈希 {bytes(entry.leaf_hash).hex()}",
                agent=(STAFF if entry.actor_id is not None else SOFTWARE, agent_id),
                objects=paths,
            )
    for packed in files:
        _event(
            root,
            event_id=("uuid", _fixity_id(packed)),
            event_type="fixity check",
            when=exported_at,
            detail="移交时复制原件并计算 SHA-256 与 SM3 摘要值，与存储时登记的摘要值比对",
            outcome="pass",
            note="摘要值一致",
            agent=(SOFTWARE, SOFTWARE),
            objects=[packed.path],
        )
    for agent_id, name in agents.items():
        agent = _sub(root, "agent")
        _identifier(agent, "agent", SOFTWARE if agent_id == SOFTWARE else STAFF, agent_id)
        _sub(agent, "agentName", name)
        _sub(agent, "agentType", "software" if agent_id == SOFTWARE else "person")
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _fixity_id(packed: PackedFile) -> str:
    """A stable identifier of the export's fixity event for one packed file."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"sanxiang:fixity:{packed.path}:{packed.file.sm3}"))
