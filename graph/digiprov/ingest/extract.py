"""Patterns over one normalized paragraph -> mentions (entities) and facts, with offsets.

Every function gets the paragraph's normalized text (same length as the original, see
``textio.normalize``) and returns spans relative to it; :class:`Extractor` adds the file offset.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from functools import lru_cache

from . import lexicon as L
from .segment import cut, word_freq

CJK = r"\u3400-\u9fff"
PUNCT = set("，。；：、,.;:!?！？()（）《》<>“”\"'‘’[]【】…|/\n\t ")
HARD_STOP = {
    "组织开展", "深入推进", "加快推进", "全面推进", "持续推进", "持续开展", "深入实施", "依托",
    "实施", "开展", "推进", "推动", "推行", "深化", "加快", "加强", "启动", "邀请", "通过",
    "支持", "引导", "发挥", "承办", "运用", "利用", "借助", "基于", "面向", "围绕", "聚焦", "为",
    "在", "的", "对", "将", "把", "由", "向", "从", "是", "等", "至", "了", "并", "也", "还",
    "已", "已经", "正", "正在", "共", "积极", "主动", "率先", "入选", "印发", "出台", "发布",
    "制定", "编制", "贯彻", "落实", "根据", "按照", "抓好", "做好", "持续", "争取", "力争", "探索",
    "组织", "举办", "指导", "配套", "以", "于", "即", "其中", "包括", "作为", "成为", "进一步",
    "如", "例如", "同时", "其", "使", "让", "给", "被", "各", "本", "该", "这", "我们", "目前",
    "实现", "提供", "开设", "参加", "召开", "上", "下", "内", "外", "后", "前", "及时",
    "纳入", "接入", "融入", "进入", "纷纷", "不仅", "此外", "如此", "而", "又",
    "打造", "建成", "搭建", "代表", "创建", "争创", "大力发展", "申报", "共建", "联合",
    "组建", "成立", "构建", "以上", "左右", "余", "多", "个", "家", "项",
    "大力", "全力", "着力", "深入", "不断", "逐步", "统筹", "鼓励", "促进", "加大", "有效", "共同",
    "报", "报送", "上报", "送", "到", "应用到", "完成", "形成", "拓展", "推广", "基本", "全面",
    "推出", "上线", "依靠", "会同", "整合", "牵头", "负责", "要求", "提出", "明确", "指出", "强调",
    "对接", "融合", "有机融合", "继续", "联通", "打通", "采用", "使用", "衔接", "优化完善",
    "树立", "志在", "旨在", "致力于",
}
# A verb right before one of these is a noun inside a name (诉讼服务指导中心, 数据管理中心).
NOUN_AFTER_VERB = ("中心", "委员会", "小组", "专班", "办公室", "机构", "示范")
# A token ending in one of these verbs stops a name too (充分发挥, 积极推进, 已全面建成).
STOP_SUFFIXES = tuple(sorted((w for w in HARD_STOP if len(w) >= 2 and w not in (
    "以上", "左右", "其中", "我们", "目前", "此外", "如此", "例如", "同时")),
    key=len, reverse=True))
# Single characters a walk may leave in front of a name (搭建好…, 为“智慧工地”, 2019年全市…).
GLUED_VERBS = "报向由经对在至交送赴给请到和与及"
LEAD_CHARS = "好了着过成为在对将把由向从以于与和及的年月日是要"
SOFT_STOP = {"和", "与", "及", "以及"}
LEAD_VERBS = ("建设", "打造", "构建", "搭建", "完善", "建成", "上线", "升级", "培育", "成立",
              "组建", "提升", "优化", "强化", "做强", "创建", "完成", "推广", "迭代", "深化",
              "实施", "开展", "创新", "加快", "新建", "启用", "设立", "建立", "健全", "基本完成",
              "全面建设", "发展", "保障", "全力保障")
SCOPE_PREFIX = ("全省", "全市", "全国", "各级", "各类", "一批", "统一的", "统一", "全国首个",
                "首个", "首批", "一个")
DISTRICT_SUFFIXES = ("区", "县", "新区", "园区")
ANCHOR_RE = re.compile(r"^(?:中共|中国|国家|国务院|全国|党中央|中央|省|市|县|区)")


@dataclass
class Span:
    kind: str
    text: str
    start: int
    end: int
    conf: float
    attrs: dict = field(default_factory=dict)


def clause_bounds(text: str, pos: int) -> int:
    """Start of the clause holding ``pos`` (after the last punctuation before it); a short
    bracketed note inside a name, as in 智慧社区(村居)建设, does not end the clause."""
    i = pos
    while i > 0:
        ch = text[i - 1]
        if ch in ")）":
            j = max(text.rfind("(", max(0, i - 8), i - 1), text.rfind("（", max(0, i - 8), i - 1))
            inner = text[j + 1:i - 1] if j >= 0 else ""
            if j > 0 and 1 <= len(inner) <= 5 and re.fullmatch(f"[{CJK}]+|[A-Za-z]{{2,5}}", inner) \
                    and text[j - 1] not in PUNCT:
                i = j
                continue
        if ch == "/" and re.match(r"[A-Za-z]/[A-Za-z]", text[i - 2:i + 1]):
            i -= 1
            continue  # BIM/CIM试点: one name of two technologies
        if ch in PUNCT:
            break
        i -= 1
    return i


def _tokens_before(text: str, start: int, end: int) -> list[tuple[str, int, int]]:
    # A bracketed note is one token, so the walk steps over it.
    out = []
    for m in re.finditer(r"[(（][^()（）]{1,5}[)）]|[^()（）]+", text[start:end]):
        if m.group(0)[0] in "(（":
            out.append((m.group(0), start + m.start(), start + m.end()))
        else:
            out += [(w, s + start + m.start(), e + start + m.start())
                    for w, s, e in cut(m.group(0))]
    return out


def left_extend(text: str, stem_end: int, anchor_only: bool = False, max_len: int = 22) -> int:
    """Leftmost start of a name ending at ``stem_end``: walk jieba tokens left to a stop word.

    A soft stop (和/与/及) is crossed only when the longer name then starts with an anchor
    (省/市/国家/...) or a known place, as in 工业和信息化厅."""
    cstart = max(clause_bounds(text, stem_end), stem_end - max_len)
    toks = _tokens_before(text, cstart, stem_end)
    strict = stem_end
    extended = None
    crossed = False
    i = len(toks) - 1
    while i >= 0:
        w, s, _e = toks[i]
        right = toks[i + 1][0] if i + 1 < len(toks) else ""
        if w in HARD_STOP and right in NOUN_AFTER_VERB and len(w) == 2:
            pass  # 指导|中心: the verb names what the body does
        elif re.fullmatch(r"1\d{4}", w) and re.match(f"[{CJK}]", right) \
                and not right.startswith(("年", "月", "日", "个", "家", "项", "件", "次")):
            pass  # 12368质效评估子系统: a hotline number belongs to the name
        elif w in HARD_STOP or w.isdigit() or re.fullmatch(r"[0-9.%]+|[一二三四五六七八九十]+", w):
            break
        if len(w) >= 3 and w.endswith(STOP_SUFFIXES):
            break
        if w in SOFT_STOP:
            if crossed:
                break
            crossed = True
            i -= 1
            continue
        if crossed and re.search(r"[局厅委办院司部]$", w):
            break  # another organisation ends here: 甲局与乙局 are two names
        if crossed:
            extended = s
        else:
            strict = s
        i -= 1
    start = strict
    if extended is not None:
        # 报市工业和信息化局: a one-character verb glued to the anchor by jieba is not the name.
        if not _anchored(text[extended:stem_end]) and text[extended] in GLUED_VERBS \
                and _anchored(text[extended + 1:stem_end]):
            extended += 1
        if _anchored(text[extended:stem_end]) and not _anchored(text[strict:stem_end]):
            start = extended
    if not _anchored(text[start:stem_end]) and start < stem_end - 2 and \
            text[start] in GLUED_VERBS and _anchored(text[start + 1:stem_end]):
        start += 1
    return start


PLACE_PREFIX_RE = re.compile("|".join(sorted({*L.PROVINCES, *L.CITIES}, key=len, reverse=True)))


def _anchored(name: str) -> bool:
    if ANCHOR_RE.match(name) or PLACE_PREFIX_RE.match(name):
        return True
    # 常德市…, 楚雄州…: a place name jieba knows, then its level.
    m = re.match(rf"([{CJK}]{{2,3}}?)(市|省|县|区|州)", name)
    if m:
        from .segment import tags

        return "ns" in (tags().get(m.group(1)), tags().get(m.group(0)))
    return False


def strip_lead(text: str, start: int, end: int, scope: bool = True) -> int:
    """Drop verbs (and, unless ``scope`` is False, scope words 全省/全国) from a name's front."""
    changed = True
    while changed:
        changed = False
        for v in LEAD_VERBS + (SCOPE_PREFIX if scope else ()):
            if text.startswith(v, start) and end - start - len(v) >= 3:
                start += len(v)
                changed = True
        if end - start > 3 and text[start] in LEAD_CHARS and token_edge(text, start + 1):
            start += 1
            changed = True
    return start


def scope_alias(text: str, start: int, stripped: int) -> str | None:
    """The name with the scope word strip_lead took off (全国一体化在线监管平台), kept as an
    alias: a text may name the thing either way."""
    head = text[start:stripped]
    return head if head in ("全省", "全市", "全国") else None


def token_edge(text: str, pos: int) -> bool:
    """True when jieba puts a token boundary at ``pos`` (运行|动态 has none inside 行动)."""
    if pos <= 0 or pos >= len(text):
        return True
    lo = max(0, pos - 10)
    return pos - lo in _window_edges(text[lo:min(len(text), pos + 6)])


@lru_cache(maxsize=4096)
def _window_edges(window: str) -> frozenset[int]:
    return frozenset(e for _w, _s, e in cut(window))


# ------------------------------------------------------------------ document titles

TITLE_RE = re.compile(r"《([^《》]{2,80})》")
# 一 between two years is a dash a typist took from the wrong keyboard (2019一2023).
PERIOD_RE = re.compile(r"[(（]?\s*(\d{4})\s*(?:年)?\s*(?:[-—–－~～至到]+|一)\s*(\d{4})\s*年?\s*[)）]?")
# What may follow a title's type word: its edition or status, a bracketed year (…报告（2018）).
TITLE_TAIL_RE = re.compile(r"(?:[(（](?:试行|暂行|修订|修订版|征求意见稿|草案|送审稿|\d{4}年?|"
                           r"\d{4}年?版|\d{4}年?修订)[)）])+$")
YEAR_IN_TITLE = re.compile(r"(\d{4})年")
ISSUE_VERB_RE = re.compile(
    r"(?:联合|共同)?(?:印发|出台|发布|下发|颁布|公布|制定|编制|发出)(?:了|的)?$")
DOC_SUFFIX_ALT = "|".join(sorted({suf for suf, _k, _e in L.DOC_TYPES}, key=len, reverse=True))
# A title without 《》 right after a verb of issuing (印发数字经济发展战略、“十四五”…规划).
PLAIN_TITLE_RE = re.compile(
    r"(?:印发|出台|发布|下发|颁布|公布|制定|编制|修订完善|修订)了?(?:实施)?"
    r"((?:(?:关于)?[^,，。;；、《》()（）\n]{2,60}?(?:" + DOC_SUFFIX_ALT + r"))"
    r"(?:、(?:关于)?[^,，。;；、《》()（）\n]{2,60}?(?:" + DOC_SUFFIX_ALT + r"))*)"
    r"(?=[、,，。;；和及并]|$)")
# 关于…的通知 anywhere, with the issuer in front when it is named (国务院关于…的指导意见).
ABOUT_TITLE_RE = re.compile(
    r"关于[^,，。;；《》\n]{4,80}?的(?:指导意见|实施意见|通知|意见|决定|批复|报告|函|方案|办法|规定)")
# 关于印发X的通知 without inner brackets: X is a document of its own (…遴选办法（试行）).
NESTED_PLAIN_RE = re.compile(r"(?:印发|转发)([^<>《》]{4,60}?)的(?:通知|函)$")
WORK_REPORT_RE = re.compile(r"((?:" + "|".join(
    sorted([f for f, _c, _e in L.PROVINCES.values()] + [c + "市" for c in L.CITIES] +
           list(L.CITIES) + list(L.PROVINCES), key=len, reverse=True)) +
    r"|[省市区县])?(?:\d{4}年)?政府工作报告)")


def doc_type(title: str) -> tuple[str, str, str] | None:
    core = TITLE_TAIL_RE.sub("", PERIOD_RE.sub("", title).strip()).strip()
    for suffix, key, en in L.DOC_TYPES:
        if core.endswith(suffix):
            if suffix == "法" and core.endswith(("方法", "做法", "算法", "手法", "说法", "想法")):
                return None  # a method, not a law
            return suffix, key, en
    return None


def find_titles(text: str) -> list[Span]:
    out = []
    for m in TITLE_RE.finditer(text):
        title = m.group(1).strip()
        dt = doc_type(title.replace("<", "").replace(">", ""))
        if dt is None and PERIOD_RE.search(title) and re.search(
                r"[\u4e00-\u9fff]{4}(行动|工程)$", PERIOD_RE.sub("", title)):
            # 《智能硬件产业创新发展专项行动（2016-2018年）》: a programme's document, its period given
            dt = ("行动", "doctype-action-programme", "Action programme")
        attrs: dict = {}
        if dt is None or len(PERIOD_RE.sub("", title)) - len(dt[0]) < 2:
            continue
        attrs["doctype"] = dt
        if pm := PERIOD_RE.search(title):
            a, b = int(pm[1]), int(pm[2])
            if 1949 < a <= b < 2100:
                attrs["period"] = f"{a}-{b}"
                attrs["period_text"] = pm.group(0)
        elif ym := YEAR_IN_TITLE.search(title) or re.search(r"[(（](\d{4})[)）]$", title):
            attrs["period"] = ym[1]
        if "十四个五年" in title or "十四五" in title:
            attrs.setdefault("period_key", "14th-fyp")
        inner = re.search(r"<([^<>]+)>", title) or NESTED_PLAIN_RE.search(title)
        if inner:
            attrs["based_on_title"] = inner.group(1)
            idt = doc_type(inner.group(1))
            if idt:
                s0 = m.start() + 1 + inner.start(1)
                out.append(Span("document", inner.group(1), s0, s0 + len(inner.group(1)), 0.8,
                                {"doctype": idt, "nested": True}))
        if m2 := re.match(r"^(中共[^关]{2,12}?(?:委员会|省委|市委)|[^关转]{2,16}?(?:人民政府|政府|"
                          r"办公厅|办公室|委员会|厅|局|委|部))(?:关于|转发|印发)", title):
            attrs["issuer_text"] = m2.group(1)
        # A quoted programme named inside a title (…不动产抵押登记“最多跑一次”的通知).
        for q in re.finditer(r"“([^“”]{2,12})”", title):
            s0 = m.start() + 1 + q.start(1)
            out.append(Span("programmes", q.group(1), s0, s0 + len(q.group(1)), 0.6,
                            {"type": "programme", "nested": True}))
        # "X印发《...》" / "X和Y联合下发了《...》": the issuer(s) (or the place) before the verb.
        vm = ISSUE_VERB_RE.search(text[max(0, m.start() - 24):m.start()])
        if vm:
            attrs["issued_by_span"] = m.start() - len(vm.group(0))
        conf = 0.9 if len(title) >= 6 else 0.6
        out.append(Span("document", title, m.start() + 1, m.end() - 1, conf, attrs))
    return out


def find_plain_titles(text: str, taken: list[tuple[int, int]]) -> list[Span]:
    """Document titles without 《》: after a verb of issuing (印发…规划、…战略), 关于…的通知, and
    a government work report (深圳市2019年政府工作报告)."""
    out: list[Span] = []
    occ = Occupied(len(text))
    for a, b in taken:
        occ.append((a, b))

    def add(title: str, s0: int, conf: float, attrs: dict | None = None) -> None:
        title = title.strip("“”\" ")
        if not occ.free(s0, s0 + len(title)) or len(title) < 6:
            return
        if not title.startswith("关于") and re.search(
                r"的(?:实施|工作|行动)?(?:方案|意见|办法|规划|计划|措施)$", title):
            return  # 与行动计划相衔接的实施方案: a description of a plan to make
        dt = doc_type(title)
        if dt is None or len(title) - len(dt[0]) < 4:
            return
        a = {"doctype": dt, **(attrs or {})}
        if pm := PERIOD_RE.search(title):
            if 1949 < int(pm[1]) <= int(pm[2]) < 2100:
                a["period"] = f"{pm[1]}-{pm[2]}"
        if "十四五" in title or "十四个五年" in title:
            a.setdefault("period_key", "14th-fyp")
        out.append(Span("document", title, s0, s0 + len(title), conf, a))
        occ.append((s0, s0 + len(title)))

    for m in PLAIN_TITLE_RE.finditer(text):
        verb_at = m.start()
        vm = re.match(r"(?:联合|共同)?", text[max(0, verb_at - 2):verb_at])
        pos = m.start(1)
        for part in m.group(1).split("、"):
            s0 = text.find(part, pos)
            pos = s0 + len(part)
            add(part, s0, 0.75, {"issued_by_span": verb_at - (len(vm.group(0)) if vm else 0)})
    for m in ABOUT_TITLE_RE.finditer(text):
        if text[m.start() - 1:m.start()] == "《":
            continue
        start = left_extend(text, m.start(), max_len=14) if m.start() > 0 else m.start()
        issuer = text[start:m.start()]
        attrs = {"issuer_text": issuer} if issuer and ORG_SUFFIX_RE.search(issuer) else {}
        if not attrs:
            start = m.start()
        add(text[start:m.end()], start, 0.7, attrs)
    for m in WORK_REPORT_RE.finditer(text):
        add(m.group(1), m.start(1), 0.75)
    return out


# ------------------------------------------------------------------ organisations

MINISTRY_ALT = "|".join(sorted(L.MINISTRIES, key=len, reverse=True))
ORG_SUFFIX_RE = re.compile(
    r"(?:(?:" + MINISTRY_ALT + r")(?:办公厅)?(?![门分署长])|(?<=[\u4e00-\u9fff])(?:高级|中级)?人民(?:法院|检察院)|"
    r"(?<=[\u4e00-\u9fff]{2})银行(?![业卡账机])|(?<=银行)[\u4e00-\u9fff]{2,6}?[支分]行|人民政府|政府(?!工作|信息|网站|部门|规章|决策|公报|采购|数据|服务)|办公厅|办公室|"
    r"(?:新闻|网信|政府|金融|研究|改革|督查|信访|应急)办|"
    r"(?:组织|宣传|统战)部|(?<=[\u4e00-\u9fff]{2})(?:工作)?专班|(?<=局)[\u4e00-\u9fff]{2,10}?处(?![理置罚于在长])|委员会|常委会|"
    r"(?<=[\u4e00-\u9fff])(?<!常)委(?![员托屈婉派任实会身])|中共中央|党中央|"
    r"(?<=委员会)[\u4e00-\u9fff]{2,8}?分会|(?<=[\u4e00-\u9fff]{2})(?:联合会|工程院|科学院)|中科院|"
    r"(?<![格布大结开全僵时残棋赌饭当])局(?![长面部限势])|"
    r"(?<![大客餐])厅(?![长局])|研究院|研究所|"
    r"(?:研究|技术创新|创新|指挥|服务|登记|管理|交易|监测|调度|信息|评估|认证)中心|集团(?!化)|公司|交易所|国务院(?!办公厅|常务)|实验室|大学|达摩院|协会|"
    r"联盟|档案馆)")
ORG_GENERIC = {"省政府", "市政府", "区政府", "县政府", "政府", "各区政府", "本机关",
               "办公室", "委员会", "公司", "大学", "集团", "协会", "实验室", "研究院", "档案馆",
               "国家实验室", "政府办公厅", "人民银行", "商业银行", "政策性银行", "人民法院",
               "人民检察院", "工程院", "科学院", "联合会"}
# A stem that makes the name a class of bodies (行业协会, 相关研究院, 联盟协会).
ORG_GENERIC_STEM = re.compile(r"^(?:行业|相关|有关|各类|社会|地方|专业|重点|龙头|骨干|联盟|高校|"
                              r"科研|金融|商业|合作|第三方|基层|上级|下级)$")
STRONG_ORG = ("集团", "公司", "交易所", "实验室", "大学", "研究院", "研究所", "协会", "达摩院",
              "研究中心", "联盟", "银行", "支行", "分行", *L.MINISTRIES, "部办公厅", "联合会",
              "工程院", "科学院", "分会")
# A ministry's own department, bureau, centre or division, named after it (工业和信息化部装备工业司,
# …信息通信管理局, …装备工业司汽车处): one body, the ministry only inside its name. The unit
# holds no verb or particle and ends where a role, a verb or punctuation follows.
MINISTRY_UNIT_RE = re.compile(
    r"(?:[\u4e00-\u9fff](?<![了的在对将以为把从被是等])){2,12}?(?:司|局|发展中心|中心|办公室|处)"
    r"(?=副?(?:司长|局长|处长|主任|巡视员|书记)|[，。、；：,;（(“”《》和与及等的在参出主发指表介召组举负牵会联对]|$|"
    rf"[{''.join(sorted(L.SURNAMES))}][\u4e00-\u9fff]{{1,2}}副?(?:司长|局长|处长|主任|巡视员))")
NOT_ORG_STEM = ("大数据中心", "数据中心", "产业中心", "金融中心", "贸易中心", "网络中心",
                "制作中心", "创新中心", "融合发展创新中心", "指挥中心", "云中心", "算力中心")


def org_type(name: str) -> str:
    if re.search(r"(省委|市委|县委|区委|委员会)$", name) and ("中共" in name or name.endswith(
            ("省委", "市委", "县委", "区委"))) or name in ("中共中央", "党中央"):
        return "party-committee"
    if name.endswith(("办公室", "新闻办", "网信办", "办公厅", "督查办", "信访办", "应急办", "处")):
        return "office"
    # A public service centre of a government (不动产登记中心, 政务服务中心) is an agency.
    if re.search(r"(?:登记|政务服务|交易服务|服务|管理|指挥|调度|监测)中心$", name) and \
            not name.endswith(("研究中心", "创新中心")):
        return "agency"
    if name.endswith(("研究院", "研究所", "中心", "实验室", "大学", "达摩院", "工程院", "科学院",
                      "中科院")):
        return "institute"
    if name.endswith(("集团", "公司", "银行", "支行", "分行")):
        return "enterprise"
    if name.endswith(("协会", "联盟", "联合会", "分会")):
        return "association"
    return "agency"


def find_orgs(text: str) -> list[Span]:
    out = []
    for m in ORG_SUFFIX_RE.finditer(text):
        end = m.end()
        if re.match(MINISTRY_ALT, m.group(0)):
            # A ministry is named by itself (大部分城市都按住建部…: no more of the clause).
            start = m.start() - (7 if text[max(0, m.start() - 7):m.start()] == "中华人民共和国"
                                 else 0)
            for _ in range(2):  # a department, then its division
                u = MINISTRY_UNIT_RE.match(text, end)
                if not u or re.match(MINISTRY_ALT, u.group(0)):
                    break
                end = u.end()
            out.append(Span("org", text[start:end], start, end, 0.85,
                            {"type": org_type(text[start:end])}))
            continue
        start = left_extend(text, m.start()) if m.start() > 0 else 0
        start = strip_lead(text, start, end, scope=False)  # 全国人大常委会 is a name
        if m.group(0).endswith("银行") and not m.group(0).endswith(("支行", "分行")):
            # A bank is named from the place that starts its name (…登记广西北部湾银行).
            places = [pm.start() for pm in PARENT_RE.finditer(text, start, m.start())]
            if places:
                start = places[-1]
            elif m.start() - start > 4:
                continue  # 二手房交易资金监管体系银行: a description, not a bank's name
        name = text[start:end]
        if name.endswith("党委") and re.match(r"副?书记", text[end:]):
            continue  # …研究院党委书记: the role of a person at the body named before it
        if re.match(r"^[就对向由将把从被][\u4e00-\u9fff]{1,2}$", name):
            continue  # 就联盟的…: a preposition and a generic word
        if re.match(r"^(区县|县区|市县|县市区|区市|各区|各市|各县)", name):
            continue  # 区县不动产登记中心: the centre of every district
        if "各" in name[1:]:
            continue  # 国务院各部委 is every ministry, no one body
        if len(name) < 3 and name not in ("省委", "市委"):
            continue
        if re.match(r"^[省市县区]级", name):
            continue
        # "14家大数据省级重点企业研究院" counts a class of bodies; it names none of them.
        before = text[max(0, start - 2):start]
        if re.search(r"\d[家个所]?$", before) or re.match(r"^[家个所]", name) \
                and re.search(r"\d$", before):
            continue
        if name in ORG_GENERIC or name.endswith(NOT_ORG_STEM) and "云" in name:
            continue
        stem = name[:m.start() - start] if m.start() > start else ""
        if ORG_GENERIC_STEM.match(stem) or "领域" in name or \
                re.search(r"(省级|市级|县级|国家级)(重点)?(实验室|研究院|研究中心|中心)$", name):
            continue
        if any(ch in name for ch in "“”\"") or re.search(r"\d", name):
            continue
        if name.endswith(NOT_ORG_STEM) and not _anchored(name):
            continue
        if not _anchored(name) and not name.endswith(STRONG_ORG):
            continue
        if name.endswith(("政府", "人民政府")) and not _anchored(name):
            continue
        conf = 0.85 if _anchored(name) else 0.7
        # 省委省政府 are two bodies written as one word.
        pair = re.fullmatch(r"(.{0,8}?(?:省委|市委|县委|区委|党委))(.{0,8}?(?:人民政府|政府))",
                            name)
        if pair:
            mid = start + len(pair.group(1))
            out.append(Span("org", pair.group(1), start, mid, conf,
                            {"type": org_type(pair.group(1))}))
            out.append(Span("org", pair.group(2), mid, end, conf,
                            {"type": org_type(pair.group(2))}))
            continue
        out.append(Span("org", name, start, end, conf, {"type": org_type(name)}))
    return out


LEAD_NOTE_RE = re.compile(r"[(（]([^()（）]{3,120})[)）]")
NOTE_ROLE_RE = re.compile(r"(牵头|按职责分工负责|分工负责|负责|具体实施|分头落实|落实|配合|参与|协助|"
                          r"协同|支持|指导)$")
NOTE_LIST_RE = re.compile(r"^(责任单位|牵头单位|责任部门|牵头部门|配合单位)[:：]")


def find_lead_notes(text: str) -> list[Span]:
    """（省大数据局、省政府办公厅牵头，各有关部门配合）: the bodies a task names, the leading
    ones first (those of the clause that 牵头 or 负责, not those that 配合)."""
    out = []
    for m in LEAD_NOTE_RE.finditer(text):
        inner, base = m.group(1), m.start(1)
        head = NOTE_LIST_RE.match(inner)
        if not head and not re.search(r"(牵头|负责|具体实施)", inner):
            continue
        leads: list[tuple[str, int, int]] = []
        others: list[tuple[str, int, int]] = []
        lead_clause = None
        pos = head.end() if head else 0
        for clause in re.split(r"[，,;；]", inner[pos:]):
            c0 = inner.find(clause, pos)
            pos = c0 + len(clause)
            rm = NOTE_ROLE_RE.search(clause)
            role = rm.group(1) if rm else ("牵头" if head and head.group(1) != "配合单位" else "")
            body = clause[:rm.start()] if rm else clause
            names = []
            p2 = 0
            for part in body.split("、"):
                s0 = body.find(part, p2)
                p2 = s0 + len(part)
                nm = re.sub(r"(等有关部门|等部门|等单位|等)$", "", part.strip())
                if not nm or nm.startswith("各") or nm.endswith(("有关部门", "相关部门")):
                    continue
                if nm.startswith(("省", "市", "县", "区", "中共", "国家", "中央", "国务院")) \
                        or ORG_SUFFIX_RE.search(nm):
                    a = base + c0 + s0 + part.find(nm)
                    names.append((nm, a, a + len(nm)))
            is_lead = role in ("牵头", "负责", "按职责分工负责", "分工负责", "具体实施")
            if is_lead and names and lead_clause is None:
                lead_clause = role
                leads += names
            else:
                others += names
        if leads or others:
            out.append(Span("lead-note", m.group(0), m.start(), m.end(), 0.9,
                            {"orgs": leads + others, "lead": bool(leads),
                             "n_leads": len(leads)}))
    return out


# ------------------------------------------------------------------ places

CITY_RE = re.compile(rf"([{CJK}]{{2,3}})市")
PROV_RE = re.compile("(" + "|".join(sorted(L.PROVINCES, key=len, reverse=True)) +
                     ")(省|市|自治区)?")
SHORT_CITY_RE = re.compile("(" + "|".join(sorted(L.CITIES, key=len, reverse=True)) + ")(市)?")


ZONE_SUFFIX = ("经济技术开发区", "高新技术产业开发区", "经济开发区", "自贸试验区", "工业园区",
               "产业园区", "新区", "经开区", "高新区", "开发区", "保税区", "产业化基地", "产业基地",
               "产业园", "生态园", "软件园", "科技园")
# Parks are named at length (国家集成电路设计济南产业化基地), from a place in their name.
PARK_SUFFIX = ("产业化基地", "产业基地", "产业园", "生态园", "软件园", "科技园")
ZONE_RE = re.compile("(" + "|".join(ZONE_SUFFIX) + ")")
# Words that make "X新区/X园区" a kind of area, not a named one.
ZONE_GENERIC = ("主城", "城", "各", "全", "该", "本", "我", "新", "老", "示范", "重点", "相关",
                "国家级", "省级", "市级")
PARENT_RE = re.compile("(" + "|".join(sorted([f for f, _c, _e in L.PROVINCES.values()] +
                                             [c + "市" for c in L.CITIES] + list(L.CITIES) +
                                             list(L.PROVINCES), key=len, reverse=True)) + ")")


def find_zones(text: str) -> list[Span]:
    """Areas below city level named by their kind: 两江新区, 南京市江北新区 (within 南京市),
    雄安新区, 苏州工业园区, and the bare 经开区/高新区 of a list of a city's areas."""
    out = []
    for m in ZONE_RE.finditer(text):
        start = left_extend(text, m.start(), max_len=10) if m.start() > 0 else 0
        start = strip_lead(text, start, m.end())
        name = text[start:m.end()]
        parent = None
        placed = bool(PARENT_RE.search(name) or _anchored(name))
        pm = PARENT_RE.match(name)
        if pm and len(name) > len(pm.group(0)) + len(m.group(0)) - 1:
            short = pm.group(0).rstrip("市省")
            short = short if short in L.CITIES or short in L.PROVINCES else \
                next((k for k, v in L.PROVINCES.items() if v[0] == pm.group(0)), short)
            parent = (short, "city" if short in L.CITIES else "province")
            start += len(pm.group(0))
            name = text[start:m.end()]
        stem = name[:-len(m.group(0))]
        listed = text[start - 1:start] in "、" or text[m.end():m.end() + 1] == "、"
        if not stem:
            if not listed or m.group(0) not in ("经开区", "高新区", "新区"):
                continue
        elif stem.startswith(ZONE_GENERIC) or re.search(r"[\d一二三四五六七八九十]", stem) \
                or len(stem) > (14 if m.group(0) in PARK_SUFFIX else 6):
            continue
        if m.group(0) in PARK_SUFFIX and not placed:
            continue  # 建设一批产业园: a park of no place is a kind of park
        attrs = {"type": "district", "short": name, "suffix": m.group(0)}
        if parent:
            attrs["parent"] = parent
        out.append(Span("place", name, start, m.end(), 0.8 if stem else 0.65, attrs))
    return out


DISTRICT_RE = re.compile(rf"([{CJK}]{{2,3}}?)(区|县)(?![域块间划内外级])")
DISTRICT_GENERIC = ("市区", "城区", "园区", "景区", "社区", "辖区", "地区", "新区", "片区", "街区",
                    "小区", "县区", "区县", "山区", "库区", "矿区", "厂区", "校区", "示范区", "试验区",
                    "湾区", "先导区", "功能区", "核心区", "集聚区", "城市群区", "新片区", "保护区",
                    "风景区", "开发区", "自贸区")


def find_districts(text: str) -> list[Span]:
    """Districts and counties named by themselves: 崂山区 (a place word jieba knows), and every
    X区/X县 of a list that holds one (以崂山区、城阳区…、即墨区)."""
    from .segment import tags

    out = []
    for m in DISTRICT_RE.finditer(text):
        s0 = m.start()
        if len(m.group(1)) == 3 and m.group(1)[0] in LEAD_CHARS + GLUED_VERBS and \
                token_edge(text, s0 + 1):
            s0 += 1  # 以崂山区: the preposition is no part of the name
        name = text[s0:m.end()]
        stem = name[:-1]
        if name in DISTRICT_GENERIC or name.endswith(tuple(g for g in DISTRICT_GENERIC
                                                           if len(g) >= 3)) \
                or stem in PLACE_SHORT or re.match(r"(贫困|偏远|农村|边远|重点|各)", name):
            continue
        # The name starts a word: not the tail of 工业园区 or 西海岸新区.
        if s0 > 0 and text[s0 - 1] not in PUNCT and not token_edge(text, s0):
            continue
        known = "ns" in (tags().get(name), tags().get(stem))
        listed = text[s0 - 1:s0] == "、" or text[m.end():m.end() + 1] == "、"
        if known or listed and _listed_with_place(text, s0, m.end()):
            out.append(Span("place", name, s0, m.end(), 0.75 if known else 0.6,
                            {"type": "district", "short": name, "suffix": m.group(2)}))
    return out


def _listed_with_place(text: str, s: int, e: int) -> bool:
    """True when the 、-list holding text[s:e] names a district jieba knows."""
    from .segment import tags

    lo = max(text.rfind(p, 0, s) for p in "，。；,;:：()（）") + 1
    hi = min([i for i in (text.find(p, e) for p in "，。；,;:：()（）") if i >= 0] or [len(text)])
    items = re.findall(rf"[{CJK}]{{2,3}}?(?:区|县|市)", text[lo:hi])
    return any("ns" in (tags().get(x), tags().get(x[:-1])) for x in items if x != text[s:e])


def find_places(text: str) -> list[Span]:
    out = []
    for m in PROV_RE.finditer(text):
        short = m.group(1)
        out.append(Span("place", m.group(0), m.start(), m.end(), 0.95 if m.group(2) else 0.85,
                        {"type": "province", "short": short}))
    # A list of short names closed by a count of districts: 普陀、金山、徐汇五个国家试点区.
    for m in re.finditer(rf"((?:[{CJK}]{{2,3}}、)+[{CJK}]{{2,3}}?)等?"
                         rf"(?:[一二三四五六七八九十两\d]+个)[{CJK}]{{0,6}}?(区|县)(?![域块间划])",
                         text):
        pos = m.start(1)
        for n, item in enumerate(m.group(1).split("、")):
            s0 = text.find(item, pos)
            pos = s0 + len(item)
            if n == 0:  # the regex may have eaten a verb's last character: 指导普陀
                toks = cut(text[max(0, s0 - 4):pos])
                if toks and len(toks[-1][0]) >= 2:
                    item = toks[-1][0]
                    s0 = pos - len(item)
            if item not in L.PROVINCES and item not in L.CITIES:
                out.append(Span("place", item, s0, s0 + len(item), 0.7,
                                {"type": "district", "short": item, "suffix": m.group(2)}))
    out += find_zones(text)
    out += find_districts(text)
    for m in re.finditer(r"中华人民共和国|中国(?!特色)|我国", text):
        out.append(Span("place", m.group(0), m.start(), m.end(), 0.8,
                        {"type": "country", "short": "中国"}))
    for m in SHORT_CITY_RE.finditer(text):
        out.append(Span("place", m.group(0), m.start(), m.end(), 0.9 if m.group(2) else 0.8,
                        {"type": "city", "short": m.group(1)}))
    for m in CITY_RE.finditer(text):
        # Only a jieba place-name token followed by a 市 token is a city (not 长三角|市场).
        from .segment import tags

        cs = clause_bounds(text, m.start())
        toks = cut(text[cs:min(len(text), m.end() + 2)])
        pos = m.end() - 1 - cs
        cand = None
        for i, (w, a, _b) in enumerate(toks):
            if a == pos and w == "市" and i > 0 and tags().get(toks[i - 1][0]) == "ns":
                cand = toks[i - 1][0]
            elif a <= pos and w.endswith("市") and a + len(w) - 1 == pos and len(w) >= 3 \
                    and "ns" in (tags().get(w[:-1]), tags().get(w)):
                cand = w[:-1]
        if cand and len(cand) >= 2 and cand not in L.CITIES and cand not in L.PROVINCES:
            s = m.end() - 1 - len(cand)
            out.append(Span("place", cand + "市", s, m.end(), 0.7,
                            {"type": "city", "short": cand}))
    return out


# ------------------------------------------------------------------ people

ROLE_RE = re.compile("(" + "|".join(sorted(L.ROLES, key=len, reverse=True)) + ")")


NAME_BEFORE_ROLE_RE = re.compile(
    rf"(?:^|(?<=[，。；：、,;:!?\s“”（(和与及司局处厅]))([{CJK}]{{2,3}}?)(" +
    "|".join(sorted(L.ROLES, key=len, reverse=True)) +
    r")(?=[，。；：、,;:!?\s等指强表说对在的是提出参主致]|$)")
# Two positions of one person: 市委副书记、市长裘东耀, 副会长兼秘书长周子学.
ROLE_CHAIN_RE = re.compile("[、兼](" + "|".join(sorted(L.ROLES, key=len, reverse=True)) + ")")
FOREIGN_NAME_RE = re.compile(rf"[{CJK}]{{1,5}}·[{CJK}]{{1,8}}")


def _is_name(cand: str) -> bool:
    """A 2-3 character personal name: a surname first, and not a common dictionary word."""
    from .segment import tags, word_freq

    if not re.fullmatch(rf"[{CJK}]+", cand):
        return False
    tag = tags().get(cand)
    if tag in ("nr", "nrfg"):
        return True  # jieba's dictionary knows the person
    return cand[0] in L.SURNAMES and tag is None and word_freq().get(cand, 0) < 50


def find_people(text: str) -> list[Span]:
    """ROLE + NAME (主任 何立峰, 副局长廉凯表示) and NAME + ROLE (李克强总理指出, 韩正副总理等)."""
    out = []
    for m in NAME_BEFORE_ROLE_RE.finditer(text):
        name, role = m.group(1), m.group(2)
        if role.startswith("副") and name.endswith("副"):
            continue
        if _is_name(name):
            out.append(Span("person", name, m.start(1), m.end(1), 0.75,
                            {"role": role, "role_start": m.end(1), "role_after": True}))
    chained: set[int] = set()  # roles followed by another role of the same person
    for m in ROLE_RE.finditer(text):
        if m.start() in chained:
            continue
        if m.start() > 0 and text[m.start() - 1] == "副" and not m.group(1).startswith("副"):
            continue
        if any(o.start <= m.start() < o.end for o in out):
            continue  # the role of a NAME + ROLE already found (李克强总理指出)
        roles = [(m.group(1), m.start())]
        end = m.end()
        while (c := ROLE_CHAIN_RE.match(text, end)) is not None:
            roles.append((c.group(1), c.start(1)))
            chained.add(c.start(1))
            end = c.end()
        gap = re.match(r"[ \u3000]?", text[end:]).end()  # 主任 何立峰
        s0 = end + gap
        names = []
        while True:
            name = _name_at(text, s0)
            if name is None:
                break
            names.append((name, s0))
            # 院士李伯虎、柳百成: a list of names shares the position
            if text[s0 + len(name):s0 + len(name) + 1] != "、":
                break
            s0 += len(name) + 1
        for name, at in names:
            out.append(Span("person", name, at, at + len(name), 0.85 if at == end + gap else 0.75,
                            {"role": roles[-1][0], "role_start": roles[-1][1],
                             "roles": roles}))
    return out


def _name_at(text: str, at: int) -> str | None:
    """The personal name starting at ``at``, when the text goes on as after a name."""
    f = FOREIGN_NAME_RE.match(text, at)
    if f:
        after = text[f.end():f.end() + 2]
        if not after or after[0] in PUNCT or after.startswith((*L.SPEECH_VERBS,
                                                                *L.OFFICIAL_VERBS)):
            return f.group(0)
    rest = text[at:at + 5]
    for n in (3, 2):
        cand = rest[:n]
        if len(cand) < n or not re.fullmatch(rf"[{CJK}]+", cand) or cand[0] not in L.SURNAMES:
            continue
        after = rest[n:]
        if not after or after[0] in PUNCT or after.startswith((*L.SPEECH_VERBS,
                                                                *L.OFFICIAL_VERBS)):
            return cand
    return None


# ------------------------------------------------------------------ programmes and platforms

PROG_SUFFIX = (r"(?:攻坚行动|突破行动|提升行动|专项行动|行动|工程|计划|战略|试点示范|综合示范|"
               r"部际联席会议制度|联席会议制度|(?<=[\u4e00-\u9fff]{4})专项资金|"
               r"子系统|子平台|分平台|智能中枢|中枢(?=[，。、；,;和与及等]|$)|(?<=[数据城市智])大脑|"
               r"平台(?!渠道|即服务|载体|功能|经济|企业|型|建设处)|云中心|"
               r"(?<![上用])云(?=[^\u3400-\u9fff]|建设|平台|和|与|及|等|的|$)|系统工程|"
               r"系统(?![性化地内外工集])|(?<=[\u3400-\u9fff])APP|改革试点|制度改革|"
               r"(?<=[\u4e00-\u9fff]{6})试点(?=工作)|试点(?!工作|城市|地区)|"
               r"(?:政务服务|门户|(?<=[\u4e00-\u9fff])服务)网(?![络点站格])|(?<=[省市])政务网)")
# Heads after a quoted name: what the name is (“i深圳”APP, “最多跑一次”改革, “秒批”服务).
PLATFORM_HEADS = ("APP", "App", "app", "客户端", "小程序", "公众号", "平台", "系统", "网")
PROGRAMME_HEADS = ("改革", "服务", "事项", "模式", "制度", "试点", "解决方案", "机制", "理念",
                   "品牌", "赋能行动", "建设", "专项", "运行模式", "工作模式", "服务模式", "管理模式",
                   "工作机制", "运行机制")
QUOTED_HEAD_RE = re.compile(
    r"(?P<pre>公众号|小程序|客户端|APP|平台)?“(?P<q>[^“”\n]{1,16})”(?P<head>" +
    "|".join(sorted(PLATFORM_HEADS + PROGRAMME_HEADS, key=len, reverse=True)) + ")?")
# 工程 of construction (房屋建筑工程, 市政工程) is building work, not a project's name.
CONSTRUCTION = ("建筑", "市政", "基础设施", "房屋", "水利", "土建", "安装", "装修", "园林", "道路",
                "桥梁", "危大", "施工", "建设", "民生")
# Words after 计划/战略 that make it the verb or a common noun (计划打造, 战略全局, 计划安排).
NOT_NAME_AFTER = ("打造", "建设", "实施", "投资", "完成", "新建", "于", "在", "到", "安排", "全局",
                  "高度", "地位", "意义", "部署", "性", "支撑", "目标", "任务")
QUOTED_SEQ_RE = re.compile(
    r"((?:“[^“”]{1,16}”){1,6})((?:[一二三四五六七八九十两]|\d+)[大项个]一?)?" + "(" + PROG_SUFFIX +
    r"|重点任务)")
PLAIN_PROG_RE = re.compile(PROG_SUFFIX)
QUOTE_RE = re.compile(r"“([^“”]{1,14})”")
PROG_GENERIC = {"平台", "工程", "行动", "计划", "战略", "云", "新平台", "该平台", "省级平台",
                "国家级平台", "一朵云", "政务云", "工作平台", "服务平台", "业务平台", "数据平台",
                "公共平台", "信息平台", "管理平台", "统一平台", "综合平台", "平台建设", "建设行动",
                "专项行动", "攻坚行动", "各类平台", "技术平台", "创新平台", "网络平台", "实体平台",
                "热线平台", "应用平台", "研发平台", "监管平台", "主体工程", "受理平台",
                "新媒体平台", "提升平台", "新产业平台", "公共服务平台", "信息管理平台", "示范平台",
                "系统", "信息系统", "业务系统", "应用系统", "管理系统", "政务信息系统",
                "政务应用系统", "操作系统", "生态系统", "服务系统", "APP", "示范公共平台"}
PLACE_SHORT = set(L.PROVINCES) | set(L.CITIES)
INSIDE_PROG_RE = re.compile(rf"[{CJK}]{{0,4}}?(工程|行动|计划|专项)(?![{CJK}]{{0,2}}(?:建设项目|质量|监理))")
CONSTRUCTION_AFTER_RE = re.compile(r"(建设项目|建设领域|建设管理|建设审批|建设全|质量|监理|审批|招标|"
                                   r"造价|勘察|总承包|全生命)")
PRODUCT_LIST_RE = re.compile(r"[，。；,;:：]?(?:[\u4e00-\u9fff]{0,4}?)(开发|研发|生产|研制|推广)[^，。；,;]*等")
GENERIC_TAIL_RE = re.compile("(?:" + "|".join(sorted(PROG_GENERIC, key=len, reverse=True)) + ")$")


class Occupied:
    """Character positions already claimed by a name: O(length) checks, so a giant one-line
    paragraph stays linear."""

    def __init__(self, n: int):
        self.bits = bytearray(n + 1)

    def free(self, s: int, e: int) -> bool:
        return self.bits.find(1, max(0, s), max(s, e)) == -1

    def append(self, span: tuple[int, int]) -> None:
        a, b = max(0, span[0]), max(span[0], span[1])
        self.bits[a:b] = b"\x01" * (b - a)


def sec_of(name: str) -> str:
    return prog_kind(name)[0]


def prog_kind(name: str) -> tuple[str, str]:
    """(section, programme type) from the name's last word."""
    if name.endswith(("平台", "云", "云中心", "系统", "APP", "App", "客户端", "小程序", "公众号",
                      "服务网", "政务网", "中枢", "大脑")) \
            and not name.endswith("系统工程"):
        return "platforms", ""
    if name.endswith("战略"):
        return "programmes", "strategy"
    if name.endswith("工程"):
        return "programmes", "project"
    if name.endswith("行动"):
        return "programmes", "campaign"
    return "programmes", "programme"


def verb_named(name: str, suffix: str) -> bool:
    """确认系统 (confirm | the system) is a verb before a noun, not a name."""
    from .segment import tags

    mod = name[:-len(suffix)]
    return 0 < len(mod) <= 3 and tags().get(mod, "") == "v"  # 诉讼服务网: a verbal noun is fine


def generic_before(text: str, start: int) -> bool:
    """A name after a count or a description is a class of things, not one named thing
    (建设一批工业互联网平台, 集…为一体的公共服务平台, 各类平台)."""
    if text[max(0, start - 3):start] == "统一的":
        return False  # 统一的12368质效评估子系统: the one system all share
    before = text[max(0, start - 5):start]
    return bool(re.search(r"(一批|一系列|各类|各种|多个|若干|[\dA-Za-z一二三四五六七八九十两][个家项]"
                          r"(?:左右|以上|多|余)?|的|等)$", before))


def common_noun(name: str) -> bool:
    """One word of jieba's own dictionary (地理信息系统, 电力系统): a common noun, not a name
    (the graph's labels, added as user words, are names)."""
    from .segment import _ADDED

    return len(cut(name)) == 1 and word_freq().get(name, 0) > 0 and name not in _ADDED


def find_quoted_named(text: str, taken: Occupied) -> list[Span]:
    """A quoted name with a head word that says what it is: “i深圳”APP, 公众号“南京房产微政务”,
    “国土房管云” (platforms); “最多跑一次”改革, “秒批”服务, “多测合一”制度 (programmes)."""
    out = []
    for m in QUOTED_HEAD_RE.finditer(text):
        q, head, pre = m.group("q"), m.group("head") or "", m.group("pre") or ""
        if head == "网" and text[m.end():m.end() + 1] in "络站点格":
            continue  # “4+N”网络消费矩阵: 网络 is a word, no 网 of a platform
        if not taken.free(m.start("q") - 1, m.end("q") + 1) or not re.search(f"[{CJK}A-Za-z]", q):
            continue
        slogan = bool(re.match(r"[一二三四五六七八九十两多][个张套网次窗号件朵]", q))
        platform = head in PLATFORM_HEADS or bool(pre) or not slogan and \
            head not in PROGRAMME_HEADS and bool(re.search(r"(云|平台|APP|App|系统|网|码|小程序)$", q))
        s_q = m.start("q") - 1
        # 一是“一张蓝图”深化升级: an enumerated quote is the item's name.
        enumerated = re.search(r"[一二三四五六七八九十]是$", text[max(0, s_q - 2):s_q])
        if not (platform or head or enumerated):
            continue
        if head == "建设" and not re.search(r"(智慧|数字|智能|城市|工地|社区|政府)", q) and \
                not re.search(r"(加快|推进|推动|深化|加强|开展|实施|全面)$", text[max(0, s_q - 4):s_q]):
            continue  # “双一流”建设 said in passing; 加快“宽带边疆”建设 is a programme done
        s0, e0 = m.start("q") - 1, m.end("q") + 1
        full = text[s0:m.end()] if head else text[s0:e0]
        if platform:
            zh = full if head in PLATFORM_HEADS else q
            attrs = {"type": "", "aliases": [q, full]}
            out.append(Span("platforms", zh, s0, m.end() if head else e0, 0.8, attrs))
        else:
            keep_head = head in ("改革", "专项", "赋能行动", "试点")
            zh = full if keep_head else q
            out.append(Span("programmes", zh, s0, m.end() if keep_head else e0, 0.75,
                            {"type": "campaign" if head.endswith("行动") else "programme",
                             "aliases": [q, full]}))
        taken.append((s0, m.end()))
    return out


def nested_quotes(text: str, found: list[Span]) -> list[Span]:
    """A platform named after a quoted programme holds that programme too:
    “双随机、一公开”监管工作平台 -> “双随机、一公开”."""
    out = []
    for sp in found:
        if sp.kind != "platforms" or "aliases" in sp.attrs:
            continue
        q = re.match(r"“([^“”]{2,12})”.{2,}", sp.text)
        if q:
            out.append(Span("programmes", q.group(1), sp.start + 1, sp.start + 1 + len(q[1]),
                            0.65, {"type": "programme", "nested": True}))
        elif (b := re.search(r"“([^“”]{2,12})”$", text[max(0, sp.start - 14):sp.start])):
            s0 = sp.start - len(b.group(0)) + 1
            out.append(Span("programmes", b.group(1), s0, s0 + len(b.group(1)), 0.65,
                            {"type": "programme"}))
    return out


def find_programmes(text: str, in_titles: list[tuple[int, int]]) -> list[Span]:
    out: list[Span] = []
    taken = Occupied(len(text))
    for a, b in in_titles:
        taken.append((a, b))
    free = taken.free

    for m in QUOTED_SEQ_RE.finditer(text):
        if not free(m.start(), m.end()):
            continue
        start = m.start()
        if start > 0 and text[start - 1] not in PUNCT:
            start = left_extend(text, start)
            start = strip_lead(text, start, m.end())
        name = text[start:m.end()]
        quoted = QUOTE_RE.findall(m.group(1))
        sec, typ = prog_kind(name)
        parent = Span(sec, name, start, m.end(), 0.8, {"type": typ})
        out.append(parent)
        taken.append((start, m.end()))
        if len(quoted) > 1:
            for q in QUOTE_RE.finditer(m.group(1)):
                s = m.start(1) + q.start()
                out.append(Span("programmes", q.group(1), s, s + len(q.group(0)), 0.75,
                                {"type": "campaign" if typ == "campaign" else "programme",
                                 "part_of_span": (start, m.end())}))
        else:
            parent.attrs["alias"] = quoted[0] if quoted else None
    out += find_quoted_named(text, taken)
    for m in PLAIN_PROG_RE.finditer(text):
        if not free(m.start(), m.end()):
            continue
        if m.group(0) in ("计划", "战略", "行动") and text.startswith(NOT_NAME_AFTER, m.end()):
            continue
        # The suffix must end a word: 运行|动态 holds no 行动, 体系|统筹 no 系统.
        if not token_edge(text, m.end()) and not text.startswith("建设", m.end()):
            continue
        suffix = m.group(0)
        after = text[m.end():m.end() + 8]
        if suffix == "试点" and "在" in [w for w, _a, _b in cut(
                text[clause_bounds(text, m.start()):m.start()])]:
            continue  # 在两江新区和微信公众号试点: to pilot somewhere, no programme's name
        # 工业互联网平台培育工程: the platform is part of a longer programme's name.
        if sec_of(suffix) == "platforms" and INSIDE_PROG_RE.match(after):
            continue
        # 工程建设项目, 工程监理, 工程质量: construction work, not a project's name.
        if suffix == "工程" and CONSTRUCTION_AFTER_RE.match(after):
            continue
        start = left_extend(text, m.start()) if m.start() > 0 else 0
        start0 = start
        start = strip_lead(text, start, m.end())
        name = text[start:m.end()]
        if "为" in name[:-len(suffix)]:
            cut_at = start + name.rindex("为", 0, len(name) - len(suffix)) + 1
            start0 = start = cut_at
            name = text[start:m.end()]
        if verb_named(name, suffix) or "等" in name:
            continue
        if suffix == "专项资金" and not _anchored(name):
            continue  # 财政专项资金 is money of a kind; 上海市信息化发展专项资金 is one fund
        mod = name[:-len(suffix)]
        # CIM系统, 手机APP, 企业管理系统, 国家平台: a technology or one common word before a
        # generic head names a kind of system, not one.
        if re.fullmatch(r"[A-Za-z/]+", mod) and sec_of(suffix) == "platforms":
            continue
        tail = GENERIC_TAIL_RE.search(name, 1)  # leftmost match to the end: the longest tail
        generic_tail = tail.group(0) if tail else \
            (suffix if sec_of(suffix) == "platforms" else None)
        if generic_tail:
            head_mod = name[:-len(generic_tail)]
            if len(head_mod) >= 2 and len(cut(head_mod)) == 1 and \
                    word_freq().get(head_mod, 0) >= 2000 and text[start - 1:start] != "”":
                continue
        if sec_of(suffix) == "platforms" and common_noun(re.sub(r"^新型", "", name)):
            continue  # 地理信息系统, 新型电力系统: the dictionary's word for a kind of system
        # 基于工业互联网平台的…: what something is built on is a kind of platform; an ecosystem
        # (生态系统) is no system anyone runs.
        if text[max(0, start0 - 2):start0] == "基于" or name.startswith("基于") or \
                name.endswith("生态系统"):
            continue
        # 以工业互联网平台为载体: a role a kind of platform plays.
        if (text[max(0, start0 - 1):start0] == "以" or name.startswith("以")) and re.match(
                r"为(载体|支撑|抓手|依托|基础|纽带|手段|平台)", text[m.end():m.end() + 3]):
            continue
        # 开发智能手术机器人、计算机辅助手术系统等: kinds of product a list names.
        seg_start = max(text.rfind(p, 0, start) for p in "，。；,;:：")
        seg_end = min([i for i in (text.find(p, m.end()) for p in "，。；,;") if i >= 0] or
                      [len(text)])
        if "等" in text[m.end():seg_end] and PRODUCT_LIST_RE.match(
                text[seg_start + 1 if seg_start >= 0 else 0:seg_end]):
            continue
        # 集约建设智慧社区平台: a verb among the first words starts the name after it.
        lead_toks = cut(name)[:2]
        if len(lead_toks) == 2 and lead_toks[1][0] in LEAD_VERBS and \
                len(name) - lead_toks[1][2] >= 4:
            start = start0 = start + lead_toks[1][2]
            name = text[start:m.end()]
        if generic_before(text, start0) or re.search(r"(一批|各类|各级|一系列|若干)",
                                                     text[start0:start]) or \
                name.endswith("工程") and \
                name[:-2].endswith(CONSTRUCTION) or re.search(r"(性|重大|伟大)$", name[:-2]):
            continue
        if len(name) < 4 and not (name.endswith("云") and len(name) == 3):
            continue
        if name.endswith(("行动", "计划")) and len(name) < 5:
            continue
        if re.match(r"^[一二两三四五六七八九十\d]+[个张朵批项大类条套]", name):
            continue
        # "入选国家…平台" names a designation, not a platform.
        if text[max(0, start - 2):start] == "入选":
            continue
        if re.match(r"^重大", name) and len(name) <= 4 or not has_cjk(name.rstrip("平台云工程")):
            continue
        if name in PROG_GENERIC or re.search(r"\d", name) and not re.search(
                r"\d\.\d|2\.0|3\.0|^1\d{4}[\u4e00-\u9fff]", name):
            continue
        if name.endswith("计划") and m.start() > 0 and text[m.start() - 1:m.start()] in "行动":
            pass
        # A name followed by a number is what a count measures ("培育省级工业互联网平台115个").
        if re.match(r"\d", text[m.end():m.end() + 1]):
            continue
        sec, typ = prog_kind(name)
        conf = 0.7 if len(name) >= 5 else 0.55
        if start > 0 and text[start - 1] == "”" and sec_of(name) == "programmes" \
                and not generic_before(text, start0):
            q0 = text.rfind("“", max(0, start - 14), start)
            if q0 >= 0 and (q0 == 0 or text[q0 - 1] not in "”"):
                full = text[q0:m.end()]
                out.append(Span("programmes", full, q0, m.end(), 0.75,
                                {"type": prog_kind(full)[1],
                                 "aliases": [full.replace("“", "").replace("”", "")]}))
                taken.append((q0, m.end()))
                continue
        if start > 0 and text[start - 1] == "”" and sec_of(name) == "platforms":
            q0 = text.rfind("“", max(0, start - 14), start)
            if q0 >= 0:  # “冀云”大数据平台 is one platform, also called 冀云
                quoted = text[q0 + 1:start - 1]
                attrs = {"type": "", "quoted": quoted}
                if re.search(r"(云|平台|网|APP|系统)$", quoted):
                    attrs["aliases"] = [quoted]
                else:  # “双随机、一公开”监管工作平台: the quote names a programme of its own
                    out.append(Span("programmes", quoted, q0 + 1, start - 1, 0.65,
                                    {"type": "programme", "nested": True}))
                out.append(Span("platforms", text[q0:m.end()], q0, m.end(), 0.75, attrs))
                taken.append((q0, m.end()))
                continue
        dt = doc_type(name) if name.endswith(("行动计划", "实施计划", "发展计划")) else None
        if dt and len(name) >= 7:  # 北京大数据行动计划 is a plan document by its name
            out.append(Span("document", name, start, m.end(), 0.7, {"doctype": dt}))
            taken.append((start, m.end()))
            continue
        attrs = {"type": typ}
        alias = scope_alias(text, start0, start)
        if alias:
            attrs["aliases"] = [alias + name]
        out.append(Span(sec, name, start, m.end(), conf, attrs))
        taken.append((start, m.end()))
    # 全国一体化…体系/网/市场: the country's one system of its kind (全国一体化大数据中心体系,
    # 全国一体化算力网).
    for m in re.finditer(rf"全国一体化[{CJK}]{{2,10}}?(体系|网(?![络站点格])|平台|系统|市场)", text):
        if free(m.start(), m.end()) and token_edge(text, m.end()):
            sec = "platforms" if m.group(1) in ("平台", "系统") else "programmes"
            out.append(Span(sec, m.group(0), m.start(), m.end(), 0.7, {"type": "programme"}))
            taken.append((m.start(), m.end()))
    # A run of quoted slogans after a verb of doing, or closed by 等: 推动…“一网通办”“一次办好”,
    # “最多跑一次”、“一网通办”、“接诉即办”等.
    for m in re.finditer(r"(?:“[^“”]{2,12}”[、，,和与及]?){2,8}", text):
        if not free(m.start(), m.end()):
            continue
        clause = text[clause_bounds(text, m.start()):m.start()]
        if clause.endswith("从") or text.startswith("到", m.end()):
            continue  # 实现从“跟跑”、“并跑”到“领跑”: the stages of a path, not names
        if not re.search(r"(推动|推进|推行|深化|实施|开展|深入推进|实现|完善|落实)", clause) \
                and not text.startswith("等", m.end()):
            continue
        for q in QUOTE_RE.finditer(m.group(0)):
            s = m.start() + q.start()
            out.append(Span("programmes", q.group(1), s + 1, s + len(q.group(0)) - 1, 0.6,
                            {"type": "programme"}))
        taken.append((m.start(), m.end()))
    # A quoted name right after a verb of doing: 抢抓“新基建”, 开展“爱山东”, 打造数据共享“高速通道”.
    for m in re.finditer(rf"(推进|推动|实施|开展|抢抓|深化|打造|推行|上线|启动|建设)"
                         rf"([{CJK}]{{0,6}}?)"
                         r"“([^“”]{2,10})”", text):
        if not free(m.start(2), m.end()):
            continue
        if (re.match(r"[的等]", text[m.end():m.end() + 1]) and m.group(1) not in (
                "开展", "推进", "推行", "实施", "深化")) or m.group(2).endswith("的"):
            continue
        if re.search("[向为对把将从在与成]", m.group(2)):
            continue  # 推动教育向“智能型”转变: the quote is where it goes, not what is done
        if not re.search(f"[{CJK}]", m.group(3)):
            continue  # 打造“4+N”网络消费矩阵: a formula, no name
        g2s, changed = m.start(2), True
        while changed:
            changed = False
            for v in LEAD_VERBS + SCOPE_PREFIX:
                if text.startswith(v, g2s) and g2s + len(v) <= m.end(2):
                    g2s += len(v)
                    changed = True
        if g2s == m.end(2):
            s_, e_, name = m.start(3), m.end(3), m.group(3)
            # “网、云、端”新型基础设施建设: the words after the quote belong to the name.
            tail = re.match(rf"[{CJK}]{{2,10}}?(建设|工程|行动|改革)", text[m.end():])
            if tail:
                s_, e_ = m.start(3) - 1, m.end() + tail.end()
                name = text[s_:e_]
        else:
            s_, e_ = g2s, m.end()
            name = text[s_:e_]
        sec = "platforms" if re.search("(平台|通道|云)$", m.group(3)) else "programmes"
        out.append(Span(sec, name, s_, e_, 0.6, {"type": "programme"}))
        taken.append((m.start(2), m.end()))
    # A reform done, reached or widened: 实现“最多跑一次”, 纳入“一窗受理”范围, 深入发展“数商兴农”,
    # 扩大“不动产登记+金融服务”的范围 (a slogan used as the name of what is done).
    for m in re.finditer(r"(?:全面|基本|逐步|深入|积极|进一步)?(实现|推广|发展|落实|纳入|扩大)"
                         r"“([^“”、，,]{3,10})”(的?范围)?", text):
        if not free(m.start(2) - 1, m.end(2) + 1):
            continue
        if m.group(1) in ("纳入", "扩大") and not m.group(3):
            continue  # 纳入“…”管理: where it goes
        if re.match(r"[的等]", text[m.end():m.end() + 1]) and not m.group(3):
            continue
        out.append(Span("programmes", m.group(2), m.start(2), m.end(2), 0.55,
                        {"type": "programme"}))
        taken.append((m.start(2) - 1, m.end(2) + 1))
    # Names listed before 入选/获评 won the designation (海尔卡奥斯、浪潮云洲连续入选…平台).
    for m in re.finditer(rf"((?:[{CJK}A-Za-z]{{2,8}}、)+[{CJK}A-Za-z]{{2,8}}?)"
                         r"(?:连续|成功|先后|均)?"
                         r"(?:入选|获评|被评为|被认定为)([^，,。；;]{0,20})", text):
        kind = "platforms" if "平台" in m.group(2) else "programmes"
        pos = m.start(1)
        for item in m.group(1).split("、"):
            s_ = text.find(item, pos)
            pos = s_ + len(item)
            start = s_
            if item == m.group(1).split("、")[0]:
                start = left_extend(text, s_ + len(item))
                item = text[start:s_ + len(item)]
            if len(item) >= 2 and free(start, start + len(item)):
                out.append(Span(kind, item, start, start + len(item), 0.65, {"type": "programme"}))
                taken.append((start, start + len(item)))
    # A run of quoted slogans closed by 等: “网上办”“零跑腿”“不见面审批”等.
    for m in re.finditer(r"((?:“[^“”]{2,6}”){2,6})等", text):
        if not free(m.start(), m.end()):
            continue
        for q in QUOTE_RE.finditer(m.group(1)):
            s = m.start() + q.start()
            out.append(Span("programmes", q.group(1), s + 1, s + len(q.group(0)) - 1, 0.55,
                            {"type": "programme"}))
        taken.append((m.start(), m.end()))
    # "推进…智慧/数字…建设": 全面推进新型智慧城市建设, 推进数字长三角建设.
    # The thing built must be a place or a body of its kind (城市, 政府, 乡村…), not a kind of
    # infrastructure (数字基础设施建设) or a system (通用智慧应用体系建设).
    for m in re.finditer(rf"(?:加快|深入|全面|持续|大力|积极)?(?:推进|推动|加快|深化)(?:全省|全市)?"
                         rf"([{CJK}]{{2,8}}?)建设", text):
        s1 = strip_lead(text, m.start(1), m.end())
        core = text[s1:m.end() - 2]
        target = re.search(r"(城市|政府|社会|乡村|社区|园区|校园|医院|法院|工地|机关|城区|乡镇|农村|"
                           r"港口|海洋|农业|法治|省|市)$", core) or any(core.endswith(p)
                                                              for p in PLACE_SHORT)
        if len(core) >= 4 and target and free(s1, m.end()) \
                and not text.startswith(("构建", "建设", "打造"), m.start(1)):
            out.append(Span("programmes", core, s1, m.end(), 0.6,
                            {"type": "programme", "aliases": [core + "建设"]}))
            taken.append((s1, m.end()))
    # Quoted strategy names built on a place: “数智德州”, “数字山东”.
    for m in QUOTE_RE.finditer(text):
        q = m.group(1)
        if not free(m.start(), m.end()):
            continue
        if any(q.endswith(p) or q.startswith(p) for p in PLACE_SHORT) and len(q) <= 6 \
                and re.match(r"^(数字|数智|智慧|数据|云上)", q):
            out.append(Span("programmes", q, m.start() + 1, m.end() - 1, 0.75,
                            {"type": "strategy"}))
            taken.append((m.start(), m.end()))
        elif "+" in q and "互联网" in q:
            out.append(Span("programmes", q, m.start() + 1, m.end() - 1, 0.7,
                            {"type": "programme"}))
            taken.append((m.start(), m.end()))
    # X强国/X强省/X强市 are strategies by name (网络强国, 制造强省, 工业强市).
    last_strong = -1
    for m in re.finditer(rf"([{CJK}]{{2,4}}?)强(国|省|市)(战略)?", text):
        s0 = strip_lead(text, m.start(), m.end())
        verb = re.search("(建设|推进|加快|实现|迈向|打造|实施)$", text[max(0, s0 - 2):s0]) or \
            (s0 == last_strong + 1 and text[s0 - 1] in "和与及、")  # 制造强国和网络强国
        if not free(s0, m.end()) or not token_edge(text, m.end()) or not (verb or m.group(3)):
            continue
        out.append(Span("programmes", text[s0:m.end()], s0, m.end(), 0.7, {"type": "strategy"}))
        taken.append((s0, m.end()))
        last_strong = m.end()
    # 数字 + place: 数字山东, 数字浙江, 数字烟台 (the provincial digital programmes).
    for m in re.finditer("数字(" + "|".join(sorted(PLACE_SHORT | {"中国"}, key=len,
                                                   reverse=True)) + ")",
                         text):
        if free(m.start(), m.end()):
            end = m.end()
            if text.startswith("战略", end):
                end += 2
            out.append(Span("programmes", text[m.start():end], m.start(), end, 0.8,
                            {"type": "strategy" if end > m.end() else "programme"}))
            taken.append((m.start(), end))
    out += nested_quotes(text, out)
    return out


# ------------------------------------------------------------------ dated targets

def find_deadlines(text: str, doc_date: _dt.date) -> list[Span]:
    """Dated targets (:mod:`.dates`) with the clause each one sets: up to the end of the
    sentence, or of the paragraph for a year heading it ("2020年，…")."""
    from .dates import find

    out = []
    found = find(text, doc_date)
    for i, d in enumerate(found):
        stop = len(text)
        if d.head:
            nxt = [x.start for x in found[i + 1:] if x.head]
            stop = nxt[0] if nxt else len(text)
        tail = re.match(r"[,，:：\s]*([^；;。]{2,150})", text[d.end:stop])
        if d.head and tail:
            tail = re.match(r"[,，:：\s]*(.{2,300})", text[d.end:stop], re.S)
        target = tail.group(1).strip() if tail else ""
        out.append(Span("deadline", d.phrase, d.start, d.end, d.conf,
                        {"date": d.date, "target": target,
                         "target_start": d.end + (tail.start(1) if tail else 0)}))
    return out


# ------------------------------------------------------------------ quantities

NUM = r"(\d+(?:\.\d+)?|[一二两三四五六七八九十]+)"
UNIT_ALT = "|".join(sorted((re.escape(u) for u in L.UNITS), key=len, reverse=True))
QUAL_ALT = "|".join(sorted(L.QUAL_BEFORE, key=len, reverse=True))
QTY_RE = re.compile(
    r"(" + QUAL_ALT + r")?" + NUM +
    r"\s?(万(?!亿元|元)|亿(?!元|美元)|千(?!瓦)|百)?(余|多)?(" + UNIT_ALT +
    r"|M(?![A-Za-z]))(?![A-Za-z])(以上|左右|上下|余|以内|以下)?")
QUAL_BEFORE_VERB_RE = re.compile(
    "(" + QUAL_ALT + ")(?:打造|建设|培育|建成|实现|完成|新增|开展|认定|引进|达到)?$")
RANK_RE = re.compile(r"(?:(?:全国|全省)?排名|(?:位)?居(?:全球|全国|全省|世界)?|位列(?:全球|全国|全省|世界)?)"
                     r"第([一二三四五六七八九十\d]+)(?:位|名)?")
PERIOD_CTX = [
    (re.compile(r"“?十三五”?(期间|时期)?"), "13th-fyp"),
    (re.compile(r"“?十四五”?(期间|时期)?"), "14th-fyp"),
    (re.compile(r"(\d{4})年(上|下)半年"), "half"),
    (re.compile(r"(\d{4})年"), "year"),
    (re.compile(r"目前|截至目前|当前|现在"), "now"),
]


def cn_number(s: str) -> float | None:
    if re.fullmatch(r"\d+(?:\.\d+)?", s):
        return float(s)
    if s == "十":
        return 10
    if re.fullmatch("[一二两三四五六七八九]", s):
        return L.CN_DIGITS[s]
    if m := re.fullmatch("([一二两三四五六七八九])?十([一二三四五六七八九])?", s):
        return (L.CN_DIGITS[m[1]] if m[1] else 1) * 10 + (L.CN_DIGITS[m[2]] if m[2] else 0)
    return None


def find_quantities(text: str) -> list[Span]:
    out = []
    for m in QTY_RE.finditer(text):
        before, num, mult, approx, unit, after = m.groups()
        value = cn_number(num)
        if value is None:
            continue
        # Spelled-out numbers are mostly names (一张网, 六项赋能, 最后一公里), not counts.
        if not re.match(r"\d", num) and not before and mult is None:
            continue
        nxt = text[m.end():m.end() + 1]
        if unit == "个" and text.startswith("五年", m.end()):
            continue  # 第十四个五年: a plan's name
        if re.search(r"\d\s*[—–－~～至到-]\s*$", text[max(0, m.start() - 4):m.start()]):
            continue  # 3—5个: a range, no one value
        if unit in ("名", "期") and not re.match(r"\d", num):
            continue
        if text[m.start() - 1:m.start()] in ("第",) or nxt == "年":
            continue
        if unit == "人" and nxt == "次":
            continue
        factor = {"万": 10000, "亿": 100000000, "千": 1000, "百": 100, None: 1}[mult]
        if unit in L.MONEY_UNITS or unit == "%":
            factor = 1 if mult is None else factor
        value *= factor
        qual = "exactly"
        if before:
            qual = L.QUAL_BEFORE.get(before, "exactly")
        if approx:
            qual = L.QUAL_AFTER[approx]
        if after:
            qual = L.QUAL_AFTER[after]
        if not before:
            # 至少打造2个: the qualifier may stand before the verb that takes the number.
            pm = QUAL_BEFORE_VERB_RE.search(text[max(0, m.start() - 8):m.start()])
            if pm:
                qual = L.QUAL_BEFORE[pm.group(1)]
        measure, mstart = measure_of(text, m.start(), m.end(), unit)
        conf = 0.85 if measure else 0.6
        if not re.match(r"\d", num):
            conf -= 0.1
        v = int(value) if float(value).is_integer() else round(value, 6)
        out.append(Span("quantity", m.group(0), m.start(), m.end(), conf,
                        {"value": v, "unit": unit, "qualifier": qual, "measure": measure,
                         "measure_start": mstart}))
    for m in RANK_RE.finditer(text):
        v = cn_number(m.group(1))
        if v is None:
            continue
        measure, mstart = measure_of(text, m.start(), m.end(), "名次")
        out.append(Span("quantity", m.group(0), m.start(), m.end(), 0.8,
                        {"value": int(v), "unit": "名次", "qualifier": "exactly",
                         "measure": measure, "measure_start": mstart}))
    return out


MEASURE_STOP = re.compile(r"[，。；：、,;:()（）“”]")


def measure_of(text: str, start: int, end: int, unit: str) -> tuple[str, int]:
    """What a number counts: the noun phrase before it (数字经济总量突破3万亿元), or the noun
    after a counter (313个部门)."""
    after = text[end:end + 16].replace("“", "").replace("”", "")
    if unit in ("个", "家", "项", "类", "件", "张", "条", "台") and after:
        m = re.match(rf"([{CJK}+]{{2,14}}?)(?=[，。；、,;（(]|$|和|及|与|在|实现|的|\d|、)", after)
        if m and not re.match(r"^(以上|左右|上下|余)", after):
            word = m.group(1)
            if not word.startswith(("以上", "左右")):
                return word, end
    cstart = clause_bounds(text, start)
    seg = text[cstart:start]
    seg = re.sub("(" + QUAL_ALT + "|为|有|是|分别)+$", "", seg)
    toks = cut(seg)
    words: list[str] = []
    for w, _s, _e in reversed(toks):
        if w in HARD_STOP and w not in ("共",) or re.match(r"\d", w):
            break
        words.insert(0, w)
        if sum(len(x) for x in words) >= 14:
            break
    phrase = "".join(words).lstrip("的")
    phrase = re.sub(r"^(培育|建设|打造|创建|遴选实施|遴选|实施|认定|运营|各类|全省|全市|新增|累计|"
                    r"形成|开通|组织开展|开展|推广|建成|支持|发展|完成|其中|均)+", "", phrase)
    phrase = re.sub("^(" + "|".join(sorted(PLACE_SHORT, key=len, reverse=True)) + ")(省|市)?",
                    "", phrase) if len(phrase) > 4 else phrase
    if len(phrase) < 2:
        return "", start
    return phrase, start - len(phrase)


CONTEXT = 400


def find_period_context(text: str, pos: int) -> tuple[str, str] | None:
    """The nearest period phrase before ``pos`` in the same paragraph: (kind/value, text)."""
    best = None
    # A bounded look-back keeps a giant one-line "paragraph" linear, not quadratic.
    lo = max(0, pos - CONTEXT)
    for rx, kind in PERIOD_CTX:
        for m in rx.finditer(text, lo, pos):
            if best is None or m.start() > best[2]:
                if kind == "half":
                    val = f"{m.group(1)}-H{1 if m.group(2) == '上' else 2}"
                elif kind == "year":
                    if not 1990 < int(m.group(1)) < 2100:
                        continue
                    val = m.group(1)
                else:
                    val = kind
                best = (val, m.group(0), m.start())
    return (best[0], best[1]) if best else None


def has_cjk(s: str) -> bool:
    return bool(re.search(f"[{CJK}]", s))
