"""Every entity section and class of the model, described once.

The seed loader (``seeds.SECTIONS``), the builder (IRI segments, ``rdf:type``, the graph a
curated field goes to), the projection (which classes are nodes, folded or n-ary, how an
n-ary node collapses into edges), the view (colour, shape and family of each class), the Neo4j
labels, the docs and ``scripts/synth`` derive their tables from here, and every consumer
labels predicates from the one ``PREDICATE_LABELS`` table. ``docs/extending.md`` says how to
add a section.

Stdlib only: light modules (the vocabulary's plain strings included) import it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .vocab import DEF_NS, curie, iri

# ------------------------------------------------------------------ classes

# The view's families: each class is drawn in one (its hue and its region of the canvas), and
# the legend groups classes by them. "other" holds what the view does not group.
FAMILIES: dict[str, tuple[str, str]] = {
    "places": ("地区", "Places"),
    "organisations": ("机构与人员", "Organisations and people"),
    "programmes": ("规划、工程与平台", "Programmes and platforms"),
    "documents": ("政策文件", "Policy documents"),
    "indicators": ("指标", "Indicators"),
    "events": ("活动与讲话", "Events and quotes"),
    "other": ("其他", "Other"),
}


@dataclass(frozen=True)
class Collapse:
    """How an n-ary node becomes edges when the projection collapses it: an edge from the
    first anchor predicate with a value to the first target predicate with one (to every
    target predicate's values with ``all_targets``); predicates as prefixed names."""

    anchors: tuple[str, ...]
    targets: tuple[str, ...]
    all_targets: bool = False


@dataclass(frozen=True)
class ClassInfo:
    """One class the data types nodes with: its labels (for ``dp:`` classes the ontology's
    rdfs:label), how the view draws it (``style`` is its family in ``FAMILIES``, ``colour`` and
    ``shape`` a vis-network node; no colour: never drawn), its Neo4j label when that is not
    the class name, and for n-ary fact nodes the rule that collapses them into edges."""

    name: str
    zh: str
    en: str
    style: str
    colour: str = ""
    shape: str = "dot"
    collapse: Collapse | None = None
    neo4j: str = ""
    ns: str = DEF_NS

    @property
    def iri(self) -> str:
        return self.ns + self.name

    @property
    def nary(self) -> bool:
        return self.collapse is not None

    @property
    def label(self) -> str:
        """The Neo4j label of its nodes."""
        return self.neo4j or self.name


def _c(name, zh, en, style, colour="", shape="dot", collapse=None) -> ClassInfo:
    return ClassInfo(name, zh, en, style, colour, shape, collapse)


# Shapes with the label below the node (dot, square, star, triangle, hexagon, diamond) keep
# long Chinese labels from inflating it; a family shares a hue so the legend reads in groups.
CLASSES: dict[str, ClassInfo] = {c.name: c for c in [
    _c("AdministrativeArea", "行政区", "administrative area", "places", "#41ae76"),
    _c("Country", "国家", "country", "places", "#1b7837"),
    _c("Province", "省级行政区", "province", "places", "#2ca25f"),
    _c("City", "地级市", "city", "places", "#66c2a4"),
    _c("District", "县级行政区", "district or county", "places", "#99d8c9"),
    _c("Organization", "组织机构", "organisation", "organisations", "#2166ac", "square"),
    _c("GovernmentAgency", "政府部门", "government agency", "organisations", "#4393c3",
       "square"),
    _c("PartyCommittee", "党委", "party committee", "organisations", "#b2182b", "square"),
    _c("OfficeUnit", "办事机构", "office unit", "organisations", "#92c5de", "square"),
    _c("ResearchInstitute", "研究机构", "research institute", "organisations", "#5e3c99",
       "square"),
    _c("Enterprise", "企业", "enterprise", "organisations", "#0571b0", "square"),
    _c("Association", "行业协会", "association", "organisations", "#6baed6", "square"),
    _c("Role", "职务", "position", "organisations", "#fdb863", "triangleDown"),
    _c("Person", "人物", "person", "organisations", "#e08214", "star"),
    _c("Membership", "任职", "membership", "organisations", "#f4a582", "triangleDown",
       Collapse(("org:member",), ("org:organization",))),
    _c("Platform", "平台", "platform", "programmes", "#01665e", "hexagon"),
    _c("PolicyDocument", "政策文件", "policy document", "documents", "#8c510a", "square"),
    _c("DocumentType", "文件类型", "document type", "documents", "#bf812d"),
    _c("Programme", "工作项目", "programme", "programmes", "#762a83", "hexagon"),
    _c("Campaign", "专项行动", "campaign", "programmes", "#9970ab", "hexagon"),
    _c("Project", "工程", "project", "programmes", "#c2a5cf", "hexagon"),
    _c("Strategy", "战略", "strategy", "programmes", "#542788", "hexagon"),
    _c("Goal", "目标", "goal", "programmes", "#d6604d", "star"),
    _c("Milestone", "节点目标", "milestone", "programmes", "#d73027", "diamond",
       Collapse(("dp:responsibleAgent", "dp:partOf"), ("dp:concerns", "dp:partOf"))),
    _c("Recognition", "认定", "recognition", "events", "#fee08b", "star",
       Collapse(("dp:recipient",), ("dp:designation",))),
    _c("Designation", "称号", "designation", "events", "#fdae61"),
    _c("Indicator", "指标", "indicator", "indicators", "#35978f", "triangle"),
    # an observation links its area to both the indicator and what the value is about
    _c("Observation", "指标值", "observation", "indicators", "#80cdc1", "triangle",
       Collapse(("sdmx-dimension:refArea", "dp:about"), ("dp:indicator", "dp:about"), True)),
    _c("Unit", "计量单位", "unit", "other", "#bababa"),
    _c("Qualifier", "数值限定", "value qualifier", "other", "#d9d9d9"),
    _c("Event", "事件", "event", "events", "#a6611a"),
    _c("PressConference", "新闻发布会", "press conference", "events", "#a6611a"),
    _c("PlenarySession", "全体会议", "plenary session", "events", "#dfc27d"),
    _c("Meeting", "会议", "meeting", "events", "#dfc27d"),
    _c("Quotation", "引述", "quotation", "events", "#878787", "diamond",
       Collapse(("schema:spokenByCharacter",), ("dp:concerns",))),
    _c("Theme", "领域", "theme", "other", "#e7298a", "hexagon"),
    _c("Status", "状态", "status", "other"),
    _c("SourceDocument", "来源文献", "source document", "other", "#4d4d4d", "square"),
    _c("Statement", "来源陈述", "source statement", "other", "#999999"),
    _c("CuratedGraph", "编者整理图", "curated graph", "other"),
]}
# Classes of other vocabularies whose instances are entities of the graph (the builder mints a
# post for each organisation + role a membership names).
OTHER_CLASSES: dict[str, ClassInfo] = {c.name: c for c in [
    ClassInfo("Post", "职位", "post", "organisations", "#fec44f", "triangleDown",
              ns=iri("org:")),
    # concepts of a scheme without a dp: class of their own (focus areas)
    ClassInfo("Concept", "概念", "concept", "other", ns=iri("skos:")),
]}

# Bookkeeping classes the builder types nodes with: never entities of their own (the
# projection leaves them out).
BOOKKEEPING_CLASSES = (
    DEF_NS + "Statement", DEF_NS + "SourceDocument", DEF_NS + "CuratedGraph",
    iri("oa:SpecificResource"), iri("oa:TextPositionSelector"), iri("oa:TextQuoteSelector"),
    iri("skos:ConceptScheme"), iri("time:Instant"), iri("qb:DataSet"),
)
# Classes whose instances are folded into the properties of what points at them.
FOLDED_CLASSES = (
    iri("time:ProperInterval"), iri("time:Interval"),
    DEF_NS + "Unit", DEF_NS + "Qualifier", DEF_NS + "DocumentType", DEF_NS + "Status",
)
# n-ary fact nodes, by local name (each has a Collapse rule).
NARY_CLASSES = tuple(c.name for c in CLASSES.values() if c.nary)
# Life-cycle stages (dp:status values): built-in concepts of the scheme ``statuses``.
STATUSES = {"planned": ("规划中", "planned"), "operating": ("运行中", "operating"),
            "established": ("已成立", "established")}


def class_info(name: str) -> ClassInfo | None:
    """The entry of a class by its local name (``dp:`` classes, then ``OTHER_CLASSES``)."""
    return CLASSES.get(name) or OTHER_CLASSES.get(name)


def class_label(name: str) -> tuple[str, str]:
    """(zh, en) of a class by local name; an unknown class is its own label."""
    info = class_info(name)
    return (info.zh, info.en) if info else (name, name)


# ------------------------------------------------------------------ sections

# Field kinds: text, bilingual, aliases, int, number, date, datelike, year, period,
# ref:<sections>, refs:<sections>, enum:<a|b>, evidence, wikidata, areacode, url, sha256.
COMMON = {
    "key": "key", "zh": "text", "en": "text", "aliases": "aliases", "mentions": "aliases",
    "note": "text", "definition": "text", "evidence": "evidence", "themes": "refs:themes",
}
# What a target (a goal's or milestone's aimed-for value) is made of.
TARGET = {"indicator": "ref:indicators", "target_value": "number", "unit": "ref:concepts",
          "unit_mult": "int", "qualifier": "ref:concepts", "target_text": "text"}


@dataclass(frozen=True)
class Section:
    """A seed section: its entries' classes (by seed ``type``), IRI segment, fields and
    required fields, the ingest kind it is proposed as, and its zh/en name."""

    name: str
    segment: str
    zh: str
    en: str
    types: dict = field(default_factory=dict)  # seed `type` value (None: no type) -> class
    fields: dict = field(default_factory=dict)
    required: tuple = ()
    ingest: str | None = None

    @property
    def classes(self) -> list[str]:
        return [c for c in self.types.values() if c]

    @property
    def nary(self) -> bool:
        return any(CLASSES[c].nary for c in self.classes)


SECTIONS: dict[str, Section] = {s.name: s for s in [
    Section("sources", "source", "来源文献", "sources", {None: "SourceDocument"},
            {"publisher": "text", "publisher_en": "text", "date": "datelike", "file": "text",
             "url": "url", "sha256": "sha256", "chars": "int"},
            ("zh", "publisher", "date")),
    Section("themes", "theme", "领域", "themes", {None: "Theme"}, {}, ("zh",)),
    Section("schemes", "scheme", "概念方案", "concept schemes", {None: None}, {}, ("zh",)),
    Section("concepts", "concept", "概念", "concepts",
            {"document-type": "DocumentType", "unit": "Unit", "qualifier": "Qualifier",
             "designation": "Designation", "concept": None},
            {"scheme": "ref:schemes", "symbol": "text"}, ("zh", "type")),
    Section("periods", "period", "时期", "periods", {None: None},
            {"start": "date", "end": "date"}, ("zh", "start", "end")),
    Section("places", "place", "地点", "places",
            {"country": "Country", "province": "Province", "city": "City",
             "district": "District"},
            {"code": "areacode", "within": "ref:places", "wikidata": "wikidata"},
            ("zh", "type"), "place"),
    Section("organizations", "org", "组织机构", "organisations",
            {"agency": "GovernmentAgency", "party-committee": "PartyCommittee",
             "office": "OfficeUnit", "institute": "ResearchInstitute",
             "enterprise": "Enterprise", "association": "Association"},
            {"within": "ref:organizations", "jurisdiction": "ref:places",
             "wikidata": "wikidata", "status": "enum:planned|established"},
            ("zh", "type"), "org"),
    Section("roles", "role", "职务", "positions", {None: "Role"}, {}, ("zh",)),
    Section("people", "person", "人物", "people", {None: "Person"}, {}, ("zh",), "person"),
    Section("memberships", "membership", "任职", "memberships", {None: "Membership"},
            {"person": "ref:people", "organization": "ref:organizations",
             "role": "ref:roles", "as_of": "datelike"},
            ("person", "organization", "role")),
    Section("platforms", "platform", "平台", "platforms", {None: "Platform"},
            {"operator": "ref:organizations", "jurisdiction": "ref:places",
             "built_on": "ref:platforms", "status": "enum:planned|operating",
             "architecture": "bilingual", "part_of": "ref:programmes|goals"},
            ("zh",), "platform"),
    Section("documents", "document", "政策文件", "policy documents", {None: "PolicyDocument"},
            {"doctype": "ref:concepts", "issuer": "ref:organizations",
             "jurisdiction": "ref:places", "period": "period", "date": "date",
             "in_force_from": "date", "in_force_until": "date", "applies_from": "date",
             "based_on": "refs:documents", "adopted_at": "ref:events",
             "goals": "refs:goals", "sets_up": "refs:programmes|platforms"},
            ("zh", "doctype"), "document"),
    Section("programmes", "programme", "工作项目", "programmes",
            {"programme": "Programme", "campaign": "Campaign", "project": "Project",
             "strategy": "Strategy"},
            {"lead": "ref:organizations", "jurisdiction": "ref:places",
             "period": "period", "launched": "year", "part_of": "ref:programmes|goals",
             "contributes_to": "refs:programmes|goals", "architecture": "bilingual",
             "goals": "refs:goals"},
            ("zh", "type"), "programme"),
    Section("goals", "goal", "目标", "goals", {None: "Goal"},
            {"responsible": "ref:organizations", "jurisdiction": "ref:places",
             "period": "period", "part_of": "ref:goals|programmes",
             "focus_areas": "refs:concepts", **TARGET},
            ("zh",)),
    Section("milestones", "milestone", "节点目标", "milestones", {None: "Milestone"},
            {"deadline": "date", "deadline_text": "text",
             "responsible": "ref:organizations", "jurisdiction": "ref:places",
             "part_of": "ref:goals|programmes", "concerns": "refs:*", **TARGET},
            ("zh", "deadline", "deadline_text", "responsible")),
    Section("indicators", "indicator", "指标", "indicators", {None: "Indicator"}, {}, ("zh",)),
    Section("observations", "observation", "指标值", "observations", {None: "Observation"},
            {"indicator": "ref:indicators", "value": "number", "unit": "ref:concepts",
             "unit_mult": "int", "qualifier": "ref:concepts", "value_text": "text",
             "period": "period", "period_text": "text", "area": "ref:places",
             "about": "ref:*"},
            ("indicator", "value", "unit", "qualifier", "value_text", "area")),
    Section("recognitions", "recognition", "认定", "recognitions", {None: "Recognition"},
            {"recipient": "ref:*", "designation": "ref:concepts",
             "qualifier_text": "text", "period": "period"},
            ("recipient", "designation")),
    Section("events", "event", "事件", "events",
            {"press-conference": "PressConference", "plenary-session": "PlenarySession",
             "meeting": "Meeting"},
            {"date": "date", "date_text": "text", "organizer": "ref:organizations",
             "attendees": "refs:organizations|people", "location": "ref:places",
             "series": "bilingual", "number": "int", "announced": "refs:goals|themes"},
            ("zh", "type")),
    Section("quotes", "quote", "引述", "quotations", {None: "Quotation"},
            {"speaker": "ref:people", "membership": "ref:memberships",
             "concerns": "refs:*"},
            ("speaker", "zh", "en")),
]}

# Fields whose value is the source's own words: with evidence, the span must contain it.
STATED_PHRASES = ("zh", "en", "aliases", "mentions", "value_text", "deadline_text", "date_text",
                  "period_text", "qualifier_text", "target_text")
# Sections of named things: a reference to one, with evidence, must name it in its span.
NAMED_SECTIONS = ("places", "organizations", "people", "platforms", "documents",
                  "programmes", "events")

# ------------------------------------------------------------------ curated knowledge

# Fields that no article states get their own authority; everything else a curator adds
# without evidence (translations, definitions, notes, classifications) is the curators'.
CURATED_AUTHORITY = {"code": "gbt-2260", "wikidata": "wikidata"}
CURATION = "curation"


@dataclass(frozen=True)
class Authority:
    """A built-in source of curated facts (key = the graph's and the source's IRI tail)."""

    key: str
    zh: str
    en: str
    publisher: str
    publisher_en: str
    issued: str | None
    url: str | None
    note: str


AUTHORITIES: dict[str, Authority] = {a.key: a for a in [
    Authority("gbt-2260", "中华人民共和国行政区划代码（GB/T 2260）",
              "Codes for the administrative divisions of the People's Republic of China "
              "(GB/T 2260)", "国家标准化管理委员会", "Standardization Administration of China",
              "2007", None, "Six-digit area codes; the graph uses the codes current in 2021."),
    Authority("wikidata", "维基数据", "Wikidata", "维基媒体基金会", "Wikimedia Foundation",
              None, "https://www.wikidata.org/",
              "Links only to items the curators verified (list in ontology/shapes.ttl)."),
    Authority("curation", "digiprov 编者整理", "digiprov curators", "digiprov", "digiprov",
              None, None, "Translations, definitions, notes and links the curators add; "
              "no source text states them."),
]}


def curated_graph_tail(field_name: str) -> str:
    """The authority key a curated field's triples are credited to."""
    return CURATED_AUTHORITY.get(field_name, CURATION)


# ------------------------------------------------------------------ predicate labels

# One zh/en label per predicate the dataset uses (prefixed names). dp: terms repeat the
# ontology's rdfs:label (a test keeps the two equal); standard terms are labelled here once,
# and the view, the projection (so analytics' paths) and the docs all read this table. A label
# reads as the relation from subject to object, as in "济南市 —位于→ 山东省".
PREDICATE_LABELS: dict[str, tuple[str, str]] = {
    # dp:
    "dp:areaCode": ("行政区划代码", "area code"),
    "dp:theme": ("所属领域", "theme"),
    "dp:focusArea": ("突破方面", "focus area"),
    "dp:operator": ("运营方", "operator"),
    "dp:responsibleAgent": ("责任单位", "responsible agent"),
    "dp:leadAgency": ("牵头单位", "lead agency"),
    "dp:partOf": ("属于", "part of"),
    "dp:contributesTo": ("助力", "contributes to"),
    "dp:builtOn": ("依托", "built on"),
    "dp:concerns": ("涉及", "concerns"),
    "dp:statesGoal": ("提出目标", "states goal"),
    "dp:setsUp": ("部署", "sets up"),
    "dp:announces": ("发布", "announces"),
    "dp:adoptedAt": ("通过于", "adopted at"),
    "dp:deadline": ("完成时限", "deadline"),
    "dp:deadlineText": ("时限原文", "deadline as stated"),
    "dp:dateText": ("日期原文", "date as stated"),
    "dp:launchYear": ("提出年份", "launch year"),
    "dp:architecture": ("架构", "architecture"),
    "dp:indicator": ("指标", "indicator"),
    "dp:about": ("对象", "about"),
    "dp:qualifier": ("数值限定", "qualifier"),
    "dp:valueText": ("数值原文", "value as stated"),
    "dp:targetValue": ("目标值", "target value"),
    "dp:targetText": ("目标原文", "target as stated"),
    "dp:periodText": ("时间原文", "time as stated"),
    "dp:recipient": ("获认定对象", "recipient"),
    "dp:designation": ("称号", "designation"),
    "dp:qualifierText": ("限定原文", "qualification as stated"),
    "dp:inRole": ("身份", "in role"),
    "dp:seriesNumber": ("场次", "number in series"),
    "dp:seriesTitle": ("系列名称", "series title"),
    "dp:status": ("状态", "status"),
    "dp:paragraph": ("段落", "paragraph"),
    "dp:corpusFile": ("语料文件", "corpus file"),
    "dp:sha256": ("校验和", "SHA-256 checksum"),
    "dp:characterCount": ("字符数", "character count"),
    # standard terms
    "rdf:type": ("类型", "type"),
    "skos:prefLabel": ("名称", "name"),
    "skos:altLabel": ("别名", "alias"),
    "skos:hiddenLabel": ("文中称谓", "mention"),
    "skos:definition": ("定义", "definition"),
    "skos:note": ("说明", "note"),
    "skos:notation": ("代码", "notation"),
    "skos:inScheme": ("所属方案", "in scheme"),
    "skos:exactMatch": ("等同于", "exact match"),
    "schema:containedInPlace": ("位于", "contained in"),
    "schema:attendee": ("出席", "attendee"),
    "schema:organizer": ("主办", "organizer"),
    "schema:location": ("地点", "location"),
    "schema:startDate": ("日期", "date"),
    "schema:spokenByCharacter": ("讲话人", "spoken by"),
    "schema:url": ("网址", "URL"),
    # ORG: X subOrganizationOf Y when Y contains X (any kind of organisation); X unitOf Y, its
    # sub-property, when X is a unit inside organisation Y (a department of a bureau).
    "org:subOrganizationOf": ("隶属于", "sub-organization of"),
    "org:unitOf": ("内设于", "unit of"),
    "org:member": ("成员", "member"),
    "org:organization": ("任职机构", "organization"),
    "org:role": ("职务", "role"),
    "org:memberDuring": ("任职期间", "member during"),
    "org:holds": ("担任", "holds"),
    "org:heldBy": ("任职者", "held by"),
    "org:postIn": ("所在机构", "post in"),
    "dcterms:spatial": ("适用地域", "spatial coverage"),
    "dcterms:temporal": ("期间", "period"),
    "dcterms:title": ("标题", "title"),
    "dcterms:publisher": ("发布者", "publisher"),
    "dcterms:issued": ("发布日期", "issued"),
    "eli:passed_by": ("发布机关", "passed by"),
    "eli:based_on": ("依据", "based on"),
    "eli:type_document": ("文件类型", "document type"),
    "eli:date_document": ("成文日期", "document date"),
    "eli:first_date_entry_in_force": ("施行日期", "first date in force"),
    "eli:date_no_longer_in_force": ("失效日期", "date no longer in force"),
    "eli:date_applicability": ("适用日期", "date of applicability"),
    "sdmx-dimension:refArea": ("地区", "reference area"),
    "sdmx-dimension:refPeriod": ("统计期", "reference period"),
    "sdmx-attribute:unitMeasure": ("单位", "unit"),
    "sdmx-attribute:unitMult": ("单位倍数", "unit multiplier"),
    "sdmx-measure:obsValue": ("数值", "value"),
    "qb:dataSet": ("数据集", "data set"),
    "qb:structure": ("数据结构", "structure"),
    "time:hasBeginning": ("开始", "begins"),
    "time:hasEnd": ("结束", "ends"),
    "time:inXSDDate": ("日期", "date"),
    "time:inXSDgYearMonth": ("年月", "year and month"),
    "time:inside": ("包含时刻", "inside"),
    "prov:wasDerivedFrom": ("来源", "derived from"),
    "oa:hasSource": ("出处", "has source"),
    "oa:hasSelector": ("选择器", "has selector"),
}


def predicate_label(key: str) -> tuple[str, str] | None:
    """(zh, en) of a predicate by prefixed name (``org:unitOf``) or full IRI; None if unknown."""
    got = PREDICATE_LABELS.get(key)
    if got is None and "://" in key:
        got = PREDICATE_LABELS.get(curie(key))
    return got


def section_of_segment(segment: str) -> str | None:
    """``org`` -> ``organizations`` (the inverse of the IRI segment column)."""
    for s in SECTIONS.values():
        if s.segment == segment:
            return s.name
    return None


def class_section(cls: str) -> str | None:
    """The section whose entries get class ``cls`` (local name), if any."""
    for s in SECTIONS.values():
        if cls in s.classes:
            return s.name
    return None


__all__ = ["CLASSES", "SECTIONS", "COMMON", "TARGET", "PREDICATE_LABELS", "AUTHORITIES",
           "CURATED_AUTHORITY", "CURATION", "STATED_PHRASES", "NAMED_SECTIONS",
           "BOOKKEEPING_CLASSES", "FOLDED_CLASSES", "NARY_CLASSES", "OTHER_CLASSES", "FAMILIES",
           "ClassInfo", "Collapse", "Section", "Authority", "class_info", "class_label",
           "predicate_label", "section_of_segment", "class_section", "curated_graph_tail"]
